'use client';

import { useQuery } from '@tanstack/react-query';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { NativeSelect } from '@/components/ui/native-select';
import { adminApi } from '@/lib/admin-api';
import type { AdminCreateModelRequest as ModelInput, AdminModel, AdminProvider } from '@chat/contract/api';
import type { MessageKey } from '@/lib/i18n/messages';
import { useT } from '@/lib/i18n/use-t';
import { EditorField, useEditorForm } from './editor-form';
import { EditorPage, SaveRow } from './editor-layout';
import { EnabledToggle } from './enabled-toggle';

const MICROS = 1_000_000;

const TEXT_FIELDS = [
  ['upstreamModel', 'admin.models.upstream', 'text'],
  ['contextWindow', 'admin.models.context', 'number'],
  ['maxOutputTokens', 'admin.models.maxOutput', 'number'],
  ['inputPrice', 'admin.models.inputPrice', 'text'],
  ['outputPrice', 'admin.models.outputPrice', 'text'],
  ['priceCurrency', 'admin.models.currency', 'text'],
] as const satisfies readonly (readonly [string, MessageKey, 'text' | 'number'])[];

type Draft = Record<'id' | 'providerId' | 'fallbacks' | (typeof TEXT_FIELDS)[number][0], string> & { fallbackForAllPlans: boolean };

function draftOf(model: AdminModel | null, defaultProvider: string): Draft {
  return {
    id: model?.id ?? '',
    providerId: model?.providerId ?? defaultProvider,
    upstreamModel: model?.upstreamModel ?? '',
    contextWindow: String(model?.contextWindow ?? 128_000),
    maxOutputTokens: String(model?.maxOutputTokens ?? 16_384),
    // Operators read prices as a provider lists them: currency units per million tokens.
    inputPrice: String((model?.inputPriceMicros ?? 0) / MICROS),
    outputPrice: String((model?.outputPriceMicros ?? 0) / MICROS),
    priceCurrency: model?.priceCurrency ?? 'USD',
    fallbacks: model?.fallbacks.join(', ') ?? '',
    fallbackForAllPlans: model?.fallbackForAllPlans ?? false,
  };
}

/** The form's strings as the Worker's model; a price that is not a number goes through as NaN → the Worker's 400 names it. */
function modelOf(draft: Draft): Omit<ModelInput, 'enabled'> {
  return {
    id: draft.id.trim(),
    providerId: draft.providerId,
    upstreamModel: draft.upstreamModel.trim(),
    contextWindow: Number(draft.contextWindow),
    maxOutputTokens: Number(draft.maxOutputTokens),
    inputPriceMicros: Math.round(Number(draft.inputPrice) * MICROS),
    outputPriceMicros: Math.round(Number(draft.outputPrice) * MICROS),
    priceCurrency: draft.priceCurrency.trim().toUpperCase(),
    fallbacks: draft.fallbacks.split(',').map((m) => m.trim()).filter(Boolean),
    fallbackForAllPlans: draft.fallbackForAllPlans,
  };
}

function ModelForm({ model, providers }: { model: AdminModel | null; providers: AdminProvider[] }) {
  const t = useT();
  const prefix = model ? `model-${model.id}` : 'model-new';
  const { draft, set, idOf, submit, saving, refresh, text } = useEditorForm({
    prefix,
    initial: () => draftOf(model, providers[0]?.id ?? ''),
    save: (draft) => {
      const { id, ...change } = modelOf(draft);
      return model ? adminApi.updateModel(model.id, change) : adminApi.createModel({ id, ...change, enabled: true });
    },
    invalidates: [['admin', 'models'], ['admin', 'actions']],
    creates: !model,
  });
  return (
    <Card data-testid={prefix}>
      <CardHeader>
        <CardTitle className="break-words">{model ? model.id : t('admin.models.new')}</CardTitle>
        {model && (
          <EnabledToggle
            enabled={model.enabled}
            testId={`${prefix}-status`}
            confirmTitle={t('admin.models.disableTitle')}
            confirmBody={t('admin.models.disableBody', { model: model.id })}
            save={(enabled) => adminApi.updateModel(model.id, { enabled })}
            onSaved={refresh}
          />
        )}
      </CardHeader>
      <CardContent>
        <form onSubmit={submit} className="grid gap-3 sm:grid-cols-3">
          {!model && text('id', t('admin.models.id'))}
          <EditorField id={idOf('providerId')} label={t('admin.models.provider')}>
            <NativeSelect id={idOf('providerId')} className="w-full" value={draft.providerId} onChange={(e) => set('providerId', e.target.value)}>
              {providers.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.enabled ? p.name : `${p.name} (${t('admin.disabled')})`}
                </option>
              ))}
            </NativeSelect>
          </EditorField>
          {TEXT_FIELDS.map(([name, label, type]) => (
            <div key={name}>{text(name, t(label), { type, inputMode: name.endsWith('Price') ? 'decimal' : undefined })}</div>
          ))}
          {text('fallbacks', t('admin.models.fallbacks'), { required: false }, 'sm:col-span-3')}
          <label className="flex min-h-11 items-center gap-2 text-sm sm:col-span-3">
            <input type="checkbox" className="size-4" checked={draft.fallbackForAllPlans} onChange={(e) => set('fallbackForAllPlans', e.target.checked)} />
            {t('admin.models.fallbackForAll')}
          </label>
          <SaveRow
            label={model ? t('admin.models.save') : t('admin.models.create')}
            pending={saving.isPending}
            saved={saving.isSuccess ? t('admin.models.saved', { model: saving.data.id }) : null}
            error={saving.error}
            span="sm:col-span-3"
          />
        </form>
      </CardContent>
    </Card>
  );
}

/** Every model: its provider, limits, prices per million tokens and fallbacks, editable, and a form for a new one. */
export function ModelsEditor() {
  const models = useQuery({ queryKey: ['admin', 'models'], queryFn: adminApi.models });
  const providers = useQuery({ queryKey: ['admin', 'providers'], queryFn: adminApi.providers });
  return (
    <EditorPage error={models.error ?? providers.error} loading={models.isLoading || providers.isLoading}>
      {models.data && providers.data && (
        <>
          {models.data.items.map((model) => (
            <ModelForm key={`${model.id}-${model.updatedAt}`} model={model} providers={providers.data.items} />
          ))}
          <ModelForm key={providers.data.items.map((p) => p.id).join()} model={null} providers={providers.data.items} />
        </>
      )}
    </EditorPage>
  );
}

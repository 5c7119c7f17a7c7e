'use client';

import { useQuery } from '@tanstack/react-query';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { NativeSelect } from '@/components/ui/native-select';
import { Textarea } from '@/components/ui/textarea';
import { adminApi } from '@/lib/admin-api';
import type { AdminCreateProviderRequest as ProviderInput, AdminProvider } from '@chat/contract/api';
import { useT } from '@/lib/i18n/use-t';
import { EditorField, useEditorForm } from './editor-form';
import { EditorPage, SaveRow } from './editor-layout';
import { EnabledToggle } from './enabled-toggle';

const KINDS = ['openai', 'ai_gateway'] as const satisfies readonly ProviderInput['kind'][];

type Draft = { id: string; name: string; baseUrl: string; apiKeySecret: string; headers: string; kind: ProviderInput['kind'] };

function draftOf(provider: AdminProvider | null): Draft {
  return {
    id: provider?.id ?? '',
    name: provider?.name ?? '',
    baseUrl: provider?.baseUrl ?? '',
    apiKeySecret: provider?.apiKeySecret ?? '',
    headers: Object.entries(provider?.extraHeaders ?? {})
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n'),
    kind: provider?.kind ?? 'openai',
  };
}

/** `Name: value` lines as a header map; a line without a colon goes through as a name, which the Worker's 400 names. */
function headersOf(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const colon = line.indexOf(':');
    if (colon < 0) headers[line] = '';
    else headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function providerOf(draft: Draft): Omit<ProviderInput, 'enabled'> {
  const baseUrl = draft.baseUrl.trim();
  return { id: draft.id.trim(), name: draft.name.trim(), baseUrl: baseUrl === '' ? null : baseUrl, apiKeySecret: draft.apiKeySecret.trim(), extraHeaders: headersOf(draft.headers), kind: draft.kind };
}

function ProviderForm({ provider }: { provider: AdminProvider | null }) {
  const t = useT();
  const prefix = provider ? `provider-${provider.id}` : 'provider-new';
  const { draft, set, idOf, submit, saving, refresh, text } = useEditorForm({
    prefix,
    initial: () => draftOf(provider),
    save: (draft) => {
      const { id, ...change } = providerOf(draft);
      return provider ? adminApi.updateProvider(provider.id, change) : adminApi.createProvider({ id, ...change, enabled: true });
    },
    invalidates: [['admin', 'providers'], ['admin', 'actions']],
    creates: !provider,
  });
  return (
    <Card data-testid={prefix}>
      <CardHeader>
        <CardTitle className="break-words">{provider ? `${provider.name} (${provider.id})` : t('admin.providers.new')}</CardTitle>
        {provider && (
          <EnabledToggle
            enabled={provider.enabled}
            testId={`${prefix}-status`}
            confirmTitle={t('admin.providers.disableTitle')}
            confirmBody={t('admin.providers.disableBody', { name: provider.name })}
            save={(enabled) => adminApi.updateProvider(provider.id, { enabled })}
            onSaved={refresh}
          />
        )}
      </CardHeader>
      <CardContent>
        <form onSubmit={submit} className="grid gap-3 sm:grid-cols-2">
          {!provider && text('id', t('admin.providers.id'))}
          {text('name', t('admin.providers.name'))}
          {text('baseUrl', t('admin.providers.baseUrl'), { required: false, placeholder: t('admin.providers.defaultUrl') }, 'sm:col-span-2')}
          {text('apiKeySecret', t('admin.providers.apiKeySecret'), { placeholder: 'OPENAI_API_KEY' })}
          <EditorField id={idOf('kind')} label={t('admin.providers.kind')}>
            <NativeSelect id={idOf('kind')} className="w-full" value={draft.kind} onChange={(e) => set('kind', e.target.value as Draft['kind'])}>
              {KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {t(`admin.providers.kind.${kind}`)}
                </option>
              ))}
            </NativeSelect>
          </EditorField>
          <EditorField id={idOf('headers')} label={t('admin.providers.headers')} className="sm:col-span-2">
            <Textarea id={idOf('headers')} rows={2} value={draft.headers} onChange={(e) => set('headers', e.target.value)} spellCheck={false} placeholder="OpenAI-Project: proj_…" />
          </EditorField>
          <SaveRow
            label={provider ? t('admin.providers.save') : t('admin.providers.create')}
            pending={saving.isPending}
            saved={saving.isSuccess ? t('admin.providers.saved', { name: saving.data.name }) : null}
            error={saving.error}
            span="sm:col-span-2"
          />
        </form>
      </CardContent>
    </Card>
  );
}

/** Every provider (a Worker secret's name, never a key), editable, and a form for a new one; changes apply to the next request. */
export function ProvidersEditor() {
  const providers = useQuery({ queryKey: ['admin', 'providers'], queryFn: adminApi.providers });
  return (
    <EditorPage error={providers.error} loading={providers.isLoading}>
      {providers.data?.items.map((provider) => <ProviderForm key={`${provider.id}-${provider.updatedAt}`} provider={provider} />)}
      <ProviderForm provider={null} />
    </EditorPage>
  );
}

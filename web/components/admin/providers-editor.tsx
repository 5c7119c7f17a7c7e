'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { NativeSelect } from '@/components/ui/native-select';
import { Textarea } from '@/components/ui/textarea';
import { adminApi } from '@/lib/admin-api';
import type { AdminCreateProviderRequest as ProviderInput, AdminProvider } from '@chat/contract/api';
import type { MessageKey } from '@/lib/i18n/messages';
import { useT } from '@/lib/i18n/use-t';
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

function useRegistryRefresh() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: ['admin', 'providers'] });
    void queryClient.invalidateQueries({ queryKey: ['admin', 'actions'] });
  };
}

function ProviderForm({ provider }: { provider: AdminProvider | null }) {
  const t = useT();
  const refresh = useRegistryRefresh();
  const [draft, setDraft] = useState(() => draftOf(provider));
  const prefix = provider ? `provider-${provider.id}` : 'provider-new';
  const save = useMutation({
    mutationFn: () => {
      const { id, ...change } = providerOf(draft);
      return provider ? adminApi.updateProvider(provider.id, change) : adminApi.createProvider({ id, ...change, enabled: true });
    },
    onSuccess: () => {
      refresh();
      if (!provider) setDraft(draftOf(null));
    },
  });
  const field = (name: 'id' | 'name' | 'baseUrl' | 'apiKeySecret', label: MessageKey, options: { required?: boolean; placeholder?: string } = {}) => (
    <div className="min-w-0 space-y-1.5">
      <Label htmlFor={`${prefix}-${name}`}>{t(label)}</Label>
      <Input id={`${prefix}-${name}`} value={draft[name]} onChange={(e) => setDraft({ ...draft, [name]: e.target.value })} required={options.required ?? true} placeholder={options.placeholder} autoComplete="off" spellCheck={false} />
    </div>
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
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
          {!provider && field('id', 'admin.providers.id')}
          {field('name', 'admin.providers.name')}
          <div className="sm:col-span-2">{field('baseUrl', 'admin.providers.baseUrl', { required: false, placeholder: t('admin.providers.defaultUrl') })}</div>
          {field('apiKeySecret', 'admin.providers.apiKeySecret', { placeholder: 'OPENAI_API_KEY' })}
          <div className="min-w-0 space-y-1.5">
            <Label htmlFor={`${prefix}-kind`}>{t('admin.providers.kind')}</Label>
            <NativeSelect id={`${prefix}-kind`} className="w-full" value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value as Draft['kind'] })}>
              {KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {t(`admin.providers.kind.${kind}`)}
                </option>
              ))}
            </NativeSelect>
          </div>
          <div className="min-w-0 space-y-1.5 sm:col-span-2">
            <Label htmlFor={`${prefix}-headers`}>{t('admin.providers.headers')}</Label>
            <Textarea id={`${prefix}-headers`} rows={2} value={draft.headers} onChange={(e) => setDraft({ ...draft, headers: e.target.value })} spellCheck={false} placeholder="OpenAI-Project: proj_…" />
          </div>
          <SaveRow
            label={provider ? t('admin.providers.save') : t('admin.providers.create')}
            pending={save.isPending}
            saved={save.isSuccess ? t('admin.providers.saved', { name: save.data.name }) : null}
            error={save.error}
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

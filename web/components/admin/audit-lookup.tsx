'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { adminApi } from '@/lib/admin-api';
import { ApiError, toDisplayError } from '@/lib/errors';
import { useT } from '@/lib/i18n/use-t';
import { ActionsList } from './actions-list';
import { RequestsTable } from './requests-table';

/** What happened in request `<traceId>` (the id a user quotes from an error), and the log of admin actions. */
export function AuditLookup({ trace }: { trace: string | null }) {
  const t = useT();
  const router = useRouter();
  const [draft, setDraft] = useState(trace ?? '');
  const found = useQuery({ queryKey: ['admin', 'trace', trace], queryFn: () => adminApi.trace(trace ?? ''), enabled: trace !== null, retry: false });
  const notFound = found.error instanceof ApiError && found.error.status === 404;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = draft.trim();
    if (value) router.push(`/admin/audit?trace=${encodeURIComponent(value)}`);
  };

  return (
    <div className="mx-auto max-w-6xl space-y-6 p-4 md:p-6">
      <Card>
        <CardHeader>
          <CardTitle>{t('admin.audit.lookup')}</CardTitle>
        </CardHeader>
        <CardContent className="space-y-4">
          <form onSubmit={submit} className="flex max-w-xl gap-2" role="search">
            <Input value={draft} onChange={(e) => setDraft(e.target.value)} aria-label={t('admin.audit.trace')} placeholder={t('admin.audit.trace')} className="font-mono" />
            <Button type="submit">{t('admin.audit.find')}</Button>
          </form>
          {notFound && <p className="text-sm text-muted-foreground">{t('admin.audit.notFound')}</p>}
          {found.error && !notFound && <ErrorMessage error={toDisplayError(found.error)} />}
          {found.data && <RequestsTable rows={found.data.items} showUser />}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t('admin.audit.actions')}</CardTitle>
        </CardHeader>
        <CardContent>
          <ActionsList />
        </CardContent>
      </Card>
    </div>
  );
}

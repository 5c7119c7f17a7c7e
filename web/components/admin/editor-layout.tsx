'use client';

import type { ReactNode } from 'react';
import { ErrorMessage, FormError } from '@/components/error-message';
import { Button } from '@/components/ui/button';
import { toDisplayError } from '@/lib/errors';
import { useT } from '@/lib/i18n/use-t';
import { cn } from '@/lib/utils';

/** The end of an editor form (plans, providers, models): the save button, what was saved, and a failed save in place. */
export function SaveRow({ label, pending, saved, error, span }: { label: string; pending: boolean; saved: string | null; error: unknown; span: string }) {
  return (
    <>
      <div className={cn('flex flex-wrap items-center gap-3', span)}>
        <Button type="submit" disabled={pending}>
          {label}
        </Button>
        {saved !== null && (
          <span role="status" className="text-sm text-muted-foreground">
            {saved}
          </span>
        )}
      </div>
      <FormError error={error} className={span} />
    </>
  );
}

/** An editor page: its list's load error or progress, then the forms. */
export function EditorPage({ error, loading, children }: { error: unknown; loading: boolean; children: ReactNode }) {
  const t = useT();
  return (
    <div className="mx-auto max-w-5xl space-y-6 p-4 md:p-6">
      {error ? <ErrorMessage error={toDisplayError(error)} /> : null}
      {loading && <p className="text-muted-foreground">{t('chat.loading')}</p>}
      {children}
    </div>
  );
}

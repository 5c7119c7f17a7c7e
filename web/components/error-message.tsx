'use client';

import type { ReactNode } from 'react';
import { Alert } from '@/components/ui/alert';
import { errorKey } from '@/lib/i18n/translate';
import { useT } from '@/lib/i18n/use-t';
import type { ChatError } from '@/lib/stores/chat';

/** A Worker or BFF error in the user's language, with the trace id to quote to support. */
export function ErrorMessage({ error, action }: { error: ChatError; action?: ReactNode }) {
  const t = useT();
  return (
    <Alert variant="destructive" data-error-code={error.code}>
      <div className="flex items-start justify-between gap-3">
        <div className="space-y-1">
          <p>{t(errorKey(error.code), { message: error.message })}</p>
          {error.traceId && <p className="font-mono text-xs opacity-80">{t('error.trace', { traceId: error.traceId })}</p>}
        </div>
        {action}
      </div>
    </Alert>
  );
}

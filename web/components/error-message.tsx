'use client';

import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { Alert } from '@/components/ui/alert';
import { SupportContact } from '@/components/support-contact';
import { LinkButton } from '@/components/ui/link-button';
import { loginUrl } from '@/lib/callback-url';
import { errorKey } from '@/lib/i18n/translate';
import { useT } from '@/lib/i18n/use-t';
import { toDisplayError } from '@/lib/errors';
import type { ChatError } from '@/lib/stores/chat';

/** Codes that only a new login fixes. */
const LOGIN_AGAIN = new Set(['unauthenticated', 'invalid_token']);

/**
 * A Worker or BFF error in the user's language, with the trace id to quote to support; an
 * ended session comes with the way back in (login, then this page again), a suspended
 * account with the address of support.
 */
export function ErrorMessage({ error, action }: { error: ChatError; action?: ReactNode }) {
  const t = useT();
  const pathname = usePathname();
  const shownAction = LOGIN_AGAIN.has(error.code) ? (
    <LinkButton href={loginUrl(pathname)} size="sm" variant="outline">
      {t('session.loginAgain')}
    </LinkButton>
  ) : (
    action
  );
  return (
    <Alert variant="destructive" data-error-code={error.code}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="space-y-1">
          <p>{t(errorKey(error.code, t), { message: error.message })}</p>
          {error.code === 'account_suspended' && <SupportContact className="text-sm" />}
          {error.traceId && <p className="font-mono text-xs opacity-80">{t('error.trace', { traceId: error.traceId })}</p>}
        </div>
        {shownAction}
      </div>
    </Alert>
  );
}

/** A form's failed save, when there is one, in the form's own layout slot. */
export function FormError({ error, className }: { error: unknown; className?: string }) {
  if (!error) return null;
  return (
    <div className={className}>
      <ErrorMessage error={toDisplayError(error)} />
    </div>
  );
}

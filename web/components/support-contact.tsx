'use client';

import { createContext, useContext, type ReactNode } from 'react';
import { useT } from '@/lib/i18n/use-t';

const SupportEmail = createContext<string | null>(null);

/** Gives the pages below the support address from the config (`SUPPORT_EMAIL`), if there is one. */
export function SupportProvider({ email, children }: { email: string | null; children: ReactNode }) {
  return <SupportEmail.Provider value={email}>{children}</SupportEmail.Provider>;
}

/** "Support: <address>", a mail link; nothing when no address is configured. */
export function SupportContact({ className }: { className?: string }) {
  const t = useT();
  const email = useContext(SupportEmail);
  if (!email) return null;
  return (
    <p className={className} data-testid="support-contact">
      {t('support.contact')}:{' '}
      <a href={`mailto:${email}`} className="font-medium underline underline-offset-2">
        {email}
      </a>
    </p>
  );
}

'use client';

import { Ban } from 'lucide-react';
import { SupportContact } from '@/components/support-contact';
import { useT } from '@/lib/i18n/use-t';

/** What a suspended account sees in place of any product page: why nothing works, and whom to write to. */
export function SuspendedNotice() {
  const t = useT();
  return (
    <div className="flex h-full items-center justify-center p-4">
      <div className="w-full max-w-md space-y-4 text-center" data-testid="suspended">
        <Ban className="mx-auto size-10 text-muted-foreground" aria-hidden />
        <h1 className="text-2xl font-semibold">{t('suspended.title')}</h1>
        <p className="text-muted-foreground">{t('suspended.body')}</p>
        <SupportContact />
      </div>
    </div>
  );
}

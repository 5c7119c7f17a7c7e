'use client';

import type { ReactNode } from 'react';
import { Sheet, SheetContent, SheetDescription, SheetTitle } from '@/components/ui/sheet';
import { useT } from '@/lib/i18n/use-t';

/** The phone's menu (navigation and preferences) sliding in from the right; loaded on first use (see app-shell.tsx). */
export function NavSheet({ open, onOpenChange, children }: { open: boolean; onOpenChange: (open: boolean) => void; children: ReactNode }) {
  const t = useT();
  return (
    <Sheet open={open} onOpenChange={onOpenChange}>
      <SheetContent side="right" closeLabel={t('nav.close')} className="gap-4 p-4">
        <SheetTitle className="flex h-11 items-center">{t('app.name')}</SheetTitle>
        <SheetDescription>{t('nav.main')}</SheetDescription>
        {children}
      </SheetContent>
    </Sheet>
  );
}

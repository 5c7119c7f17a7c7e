'use client';

import type { ReactNode } from 'react';
import { Sheet, SheetContent, SheetDescription, SheetTitle } from '@/components/ui/sheet';
import { useT } from '@/lib/i18n/use-t';
import { focusConversationList } from './conversation-sidebar';

/**
 * The conversations as a drawer from the left (below `md`); loaded on first use (see
 * chat-app.tsx). Opened to search (`searchOnOpen` says so, once), its list gets the focus
 * rather than its first button.
 */
export function ConversationDrawer({ open, onOpenChange, searchOnOpen, children }: { open: boolean; onOpenChange: (open: boolean) => void; searchOnOpen: { current: boolean }; children: ReactNode }) {
  const t = useT();
  return (
    <Sheet open={open} onOpenChange={onOpenChange}>
      <SheetContent
        side="left"
        closeLabel={t('chat.closeConversations')}
        aria-label={t('chat.conversations')}
        onOpenAutoFocus={(e) => {
          if (!searchOnOpen.current) return;
          searchOnOpen.current = false;
          e.preventDefault();
          focusConversationList(e.currentTarget as HTMLElement);
        }}
      >
        <SheetTitle className="flex h-14 items-center px-4">{t('app.name')}</SheetTitle>
        <SheetDescription>{t('chat.conversations')}</SheetDescription>
        {children}
      </SheetContent>
    </Sheet>
  );
}

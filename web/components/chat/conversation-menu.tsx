'use client';

import { Pencil, Trash2 } from 'lucide-react';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuTrigger } from '@/components/ui/dropdown-menu';
import { useT } from '@/lib/i18n/use-t';
import { MenuButton } from './conversation-menu-button';

/** Rename and delete for one conversation (loaded on first use: see the sidebar). */
export function ConversationMenu({ label, open, onOpenChange, onRename, onDelete }: { label: string; open: boolean; onOpenChange: (open: boolean) => void; onRename: () => void; onDelete: () => void }) {
  const t = useT();
  return (
    <DropdownMenu open={open} onOpenChange={onOpenChange}>
      <DropdownMenuTrigger asChild>
        <MenuButton label={label} />
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end">
        <DropdownMenuItem onSelect={onRename}>
          <Pencil aria-hidden />
          {t('chat.rename')}
        </DropdownMenuItem>
        <DropdownMenuItem className="text-destructive" onSelect={onDelete}>
          <Trash2 aria-hidden />
          {t('chat.delete')}
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

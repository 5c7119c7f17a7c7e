'use client';

import { Download, Pencil, Trash2 } from 'lucide-react';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuTrigger } from '@/components/ui/dropdown-menu';
import { api } from '@/lib/api';
import { useT } from '@/lib/i18n/use-t';
import { MenuButton } from './conversation-menu-button';

/** Rename, export and delete for one conversation (loaded on first use: see the sidebar). */
export function ConversationMenu({
  conversationId,
  label,
  open,
  onOpenChange,
  onRename,
  onDelete,
}: {
  conversationId: string;
  label: string;
  open: boolean; onOpenChange: (open: boolean) => void; onRename: () => void; onDelete: () => void }) {
  const t = useT();
  return (
    // Not modal: a modal menu hides the rest of the page from assistive tech with aria-hidden
    // while its links and buttons stay focusable (axe: aria-hidden-focus). It still takes focus,
    // and closes on Escape or a click outside.
    <DropdownMenu modal={false} open={open} onOpenChange={onOpenChange}>
      <DropdownMenuTrigger asChild>
        <MenuButton label={label} />
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end">
        <DropdownMenuItem onSelect={onRename}>
          <Pencil aria-hidden />
          {t('chat.rename')}
        </DropdownMenuItem>
        {(['md', 'json'] as const).map((format) => (
          <DropdownMenuItem key={format} asChild>
            <a href={api.exportUrl(conversationId, format)} download>
              <Download aria-hidden />
              {t(format === 'md' ? 'export.markdown' : 'export.json')}
            </a>
          </DropdownMenuItem>
        ))}
        <DropdownMenuItem className="text-destructive" onSelect={onDelete}>
          <Trash2 aria-hidden />
          {t('chat.delete')}
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

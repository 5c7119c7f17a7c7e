'use client';

import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Plus } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { lazy, Suspense, useState, type FormEvent } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Button } from '@/components/ui/button';
import { api } from '@/lib/api';
import { conversationPath, NEW_CHAT_PATH } from '@/lib/conversation-path';
import { toDisplayError } from '@/lib/errors';
import { useT } from '@/lib/i18n/use-t';
import type { Conversation } from '@chat/contract/api';
import type { ChatError } from '@/lib/stores/chat';
import { cn } from '@/lib/utils';
import { MenuButton } from './conversation-menu-button';
import { ConversationSearch } from './conversation-search';

const ConversationMenu = lazy(() => import('./conversation-menu').then((m) => ({ default: m.ConversationMenu })));
const RenameDialog = lazy(() => import('./conversation-dialogs').then((m) => ({ default: m.RenameDialog })));
const DeleteDialog = lazy(() => import('./conversation-dialogs').then((m) => ({ default: m.DeleteDialog })));

function asChatError(err: unknown): ChatError | null {
  return err ? toDisplayError(err) : null;
}

/** Marks the element "search the conversations" (the shortcut) focuses, when the list has one. */
const SEARCH_ATTRIBUTE = 'data-conversation-search';

/**
 * Focuses the conversations under `root` for the search shortcut: their search box when there
 * is one, else the open conversation's link, the first one, or the list itself.
 */
export function focusConversationList(root: Document | HTMLElement): void {
  const list = root.querySelector<HTMLElement>('[data-testid=conversation-nav]');
  const target = root.querySelector<HTMLElement>(`[${SEARCH_ATTRIBUTE}]`) ?? list?.querySelector<HTMLElement>('a[aria-current=page]') ?? list?.querySelector<HTMLElement>('a') ?? list;
  target?.focus();
}

/**
 * The user's conversations, newest first, a page at a time, each a link to its URL; new,
 * rename, delete. `disabled` holds New chat back while an answer is being written.
 */
export function ConversationSidebar({ activeId, onNewChat, disabled, className }: { activeId: string | null; onNewChat: () => void; disabled: boolean; className?: string }) {
  const t = useT();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [renaming, setRenaming] = useState<Conversation | null>(null);
  const [deleting, setDeleting] = useState<Conversation | null>(null);
  const [title, setTitle] = useState('');
  // The menu library loads on the first click of any row's menu button; from then on every
  // row renders the real menu, so focus can return to its trigger.
  const [menuReady, setMenuReady] = useState(false);
  const [openMenu, setOpenMenu] = useState<string | null>(null);

  const list = useInfiniteQuery({
    queryKey: ['conversations'],
    queryFn: ({ pageParam }) => api.conversations(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

  const rename = useMutation({
    mutationFn: ({ id, title }: { id: string; title: string }) => api.renameConversation(id, title),
    onSuccess: async (_data, { id }) => {
      setRenaming(null);
      await Promise.all([queryClient.invalidateQueries({ queryKey: ['conversations'] }), queryClient.invalidateQueries({ queryKey: ['conversation', id] })]);
    },
  });

  const remove = useMutation({
    mutationFn: (id: string) => api.deleteConversation(id),
    onSuccess: async (_data, id) => {
      setDeleting(null);
      // The open one is left first: read again while open, it would be a 404 (the not-found page).
      if (id === activeId) router.replace(NEW_CHAT_PATH);
      else queryClient.removeQueries({ queryKey: ['conversation', id] });
      await queryClient.invalidateQueries({ queryKey: ['conversations'] });
    },
  });

  const conversations = list.data?.pages.flatMap((p) => p.items) ?? [];

  const submitRename = (e: FormEvent) => {
    e.preventDefault();
    if (renaming && title.trim()) rename.mutate({ id: renaming.id, title: title.trim() });
  };

  return (
    <aside className={cn('flex shrink-0 flex-col', className)} aria-label={t('chat.conversations')}>
      <div className="p-3">
        <Button className="w-full" variant="outline" onClick={onNewChat} disabled={disabled}>
          <Plus aria-hidden />
          {t('chat.newChat')}
        </Button>
      </div>
      <ConversationSearch disabled={disabled} />
      <h2 className="px-4 pb-2 text-xs font-semibold uppercase tracking-wide text-muted-foreground">{t('chat.conversations')}</h2>
      <nav tabIndex={-1} data-testid="conversation-nav" className="min-h-0 flex-1 overflow-y-auto px-2 pb-3 outline-none">
        {list.isLoading && <p className="px-2 text-sm text-muted-foreground">{t('chat.loading')}</p>}
        {list.error && <ErrorMessage error={asChatError(list.error)!} />}
        {!list.isLoading && conversations.length === 0 && <p className="px-2 text-sm text-muted-foreground">{t('chat.noConversations')}</p>}
        <ul className="space-y-1" data-testid="conversation-list">
          {conversations.map((c) => (
            <li key={c.id} className={cn('group flex items-center rounded-md hover:bg-accent', c.id === activeId && 'bg-accent')}>
              <Link
                href={conversationPath(c.id)}
                className="flex min-h-11 min-w-0 flex-1 items-center truncate rounded-md px-3 py-2 text-left text-sm md:min-h-9 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
                aria-current={c.id === activeId ? 'page' : undefined}
                title={c.title}
              >
                <span className="truncate">{c.title}</span>
              </Link>
              {menuReady ? (
                <Suspense fallback={<MenuButton label={t('chat.actionsFor', { title: c.title })} />}>
                  <ConversationMenu
                    conversationId={c.id}
                    label={t('chat.actionsFor', { title: c.title })}
                    open={openMenu === c.id}
                    onOpenChange={(open) => setOpenMenu(open ? c.id : null)}
                    onRename={() => {
                      setTitle(c.title);
                      rename.reset();
                      setRenaming(c);
                    }}
                    onDelete={() => {
                      remove.reset();
                      setDeleting(c);
                    }}
                  />
                </Suspense>
              ) : (
                <MenuButton
                  label={t('chat.actionsFor', { title: c.title })}
                  onClick={() => {
                    setMenuReady(true);
                    setOpenMenu(c.id);
                  }}
                />
              )}
            </li>
          ))}
        </ul>
        {list.hasNextPage && (
          <Button variant="ghost" size="sm" className="mt-2 w-full" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
            {list.isFetchingNextPage ? t('chat.loading') : t('chat.loadMore')}
          </Button>
        )}
      </nav>

      {/* Loaded on first use: the dialog library is not part of the chat page's first load. */}
      <Suspense fallback={null}>
        {renaming && (
          <RenameDialog
            title={title}
            onTitleChange={setTitle}
            onSubmit={submitRename}
            onClose={() => setRenaming(null)}
            pending={rename.isPending}
            error={asChatError(rename.error)}
          />
        )}
        {deleting && (
          <DeleteDialog
            title={deleting.title}
            onConfirm={() => remove.mutate(deleting.id)}
            onClose={() => setDeleting(null)}
            pending={remove.isPending}
            error={asChatError(remove.error)}
          />
        )}
      </Suspense>
    </aside>
  );
}

'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Keyboard, Loader2, PanelLeft } from 'lucide-react';
import { notFound, usePathname } from 'next/navigation';
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { ApiError } from '@/lib/api';
import { conversationIdOf, NEW_CHAT_PATH } from '@/lib/conversation-path';
import { useLazyPanel } from '@/lib/preload';
import { useIsDesktop } from '@/lib/use-media-query';
import { useT } from '@/lib/i18n/use-t';
import { shortcutFor, type ShortcutAction } from '@/lib/shortcuts';
import { useChatStore } from '@/lib/stores/chat';
import { ChatFailure } from './chat-failure';
import { Composer } from './composer';
import { conversationQuery } from './conversation-query';
import { useActiveConversationId } from './conversation-route';
import { ConversationSidebar, focusConversationList } from './conversation-sidebar';
import { MessageList } from './message-list';
import { ModelPicker } from './model-picker';
import { useChatStream } from './use-chat-stream';

// Loaded on first use, so not part of the chat page's first load: the help, and the phone's
// drawer (Radix's dialog is most of its weight; it is fetched once the page is idle).
const loadDrawer = () => import('./conversation-drawer');
const ConversationDrawer = lazy(() => loadDrawer().then((m) => ({ default: m.ConversationDrawer })));
const ShortcutsDialog = lazy(() => import('./shortcuts-dialog').then((m) => ({ default: m.ShortcutsDialog })));

/**
 * The chat page: conversations on the left, the open one (the one in the URL) and the message
 * box on the right. Below `md` the conversations are a drawer, so messages and composer get
 * the whole width. A conversation that is not there (or not the user's) is the app's 404.
 */
export function ChatApp() {
  const t = useT();
  const activeId = useActiveConversationId();
  const fromUrl = conversationIdOf(usePathname());
  const stream = useChatStream(activeId);
  const conversation = useQuery(conversationQuery(activeId));
  const streaming = useChatStore((s) => s.live !== null);
  const stopping = useChatStore((s) => s.live?.stopping ?? false);
  // A message sent and not yet stored (no `meta`): Send waits, disabled, where it is.
  const sending = useChatStore((s) => s.live !== null && s.live.userMessage !== null && s.live.messageId === null);
  const error = useChatStore((s) => s.error);
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const desktop = useIsDesktop();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const drawerMounted = useLazyPanel(drawerOpen, loadDrawer);
  const [helpOpen, setHelpOpen] = useState(false);
  /** The drawer was opened to search the conversations: its list gets the focus, not its first button. */
  const searchOnOpen = useRef(false);

  // Another conversation open: the drawer's job is done, and the last one's failure is not this one's.
  const shownId = useRef(activeId);
  useEffect(() => {
    if (shownId.current === activeId) return;
    shownId.current = activeId;
    setDrawerOpen(false);
    useChatStore.getState().leaveConversation();
  }, [activeId]);

  // Once the URL names the conversation, it alone says which one is open.
  useEffect(() => {
    if (fromUrl !== null) useChatStore.getState().nameConversation(null);
  }, [fromUrl]);

  // The draft and a message not sent before a reload come back; a message sent in the moment
  // before the Worker named its new conversation finds that conversation.
  const queryClient = useQueryClient();
  useEffect(() => {
    const page = new AbortController();
    void Promise.resolve(useChatStore.persist.rehydrate()).then(async () => {
      if (!useChatStore.getState().pendingSend) return;
      const { reattachPendingSend } = await import('./pending-send');
      await reattachPendingSend(queryClient, page.signal);
    });
    return () => page.abort();
  }, [queryClient]);

  // The address changes at once (the router takes it in as it is, no server round trip), so
  // what is typed next is a new chat's.
  const newChat = () => {
    setDrawerOpen(false);
    if (window.location.pathname !== NEW_CHAT_PATH) window.history.pushState(null, '', NEW_CHAT_PATH);
    composerRef.current?.focus();
  };

  const searchConversations = () => {
    if (desktop === false) {
      searchOnOpen.current = true;
      setDrawerOpen(true);
    } else focusConversationList(document);
  };

  const actions: Record<ShortcutAction, () => void> = {
    newChat: () => !streaming && newChat(),
    focusComposer: () => composerRef.current?.focus(),
    stop: () => streaming && stream.stop(),
    search: searchConversations,
    help: () => setHelpOpen(true),
  };
  const actionsRef = useRef(actions);
  actionsRef.current = actions;
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      const action = shortcutFor(e);
      // Escape in an open dialog or drawer is that dialog's.
      if (!action || (action === 'stop' && document.querySelector('[role=dialog]'))) return;
      e.preventDefault();
      actionsRef.current[action]();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  if (conversation.error instanceof ApiError && conversation.error.status === 404) notFound();

  return (
    <div className="flex h-full">
      {/* One list in the page at a time: inline from md up, in the drawer below (hidden until the
          first client render knows the width, so a phone never shows it inline). */}
      {desktop !== false ? (
        <ConversationSidebar activeId={activeId} onNewChat={newChat} disabled={streaming} className="hidden w-72 border-r md:flex" />
      ) : (
        drawerMounted && (
          <Suspense fallback={null}>
            <ConversationDrawer open={drawerOpen} onOpenChange={setDrawerOpen} searchOnOpen={searchOnOpen}>
              <ConversationSidebar activeId={activeId} onNewChat={newChat} disabled={streaming} className="min-h-0 flex-1" />
            </ConversationDrawer>
          </Suspense>
        )
      )}
      <div className="flex min-w-0 flex-1 flex-col">
        <h1 className="sr-only">{t('chat.title')}</h1>
        <div className="flex items-center gap-2 border-b px-2 py-1 md:px-4 md:py-2">
          <Button variant="ghost" size="icon" className="md:hidden" aria-label={t('chat.openConversations')} onClick={() => setDrawerOpen(true)} data-testid="open-conversations">
            <PanelLeft aria-hidden />
          </Button>
          {/* Always in the page, so that what it says is announced when an answer starts and ends. */}
          <p role="status" data-testid="chat-status" className="flex min-w-0 flex-1 items-center gap-2 truncate text-sm text-muted-foreground">
            {streaming && (
              <>
                <Loader2 aria-hidden className="size-4 shrink-0 animate-spin" />
                <span className="truncate">{t('chat.answering')}</span>
              </>
            )}
          </p>
          <Button variant="ghost" size="icon" aria-label={t('shortcuts.title')} onClick={() => setHelpOpen(true)} data-testid="open-shortcuts">
            <Keyboard aria-hidden />
          </Button>
          <ModelPicker />
        </div>
        <MessageList
          conversationId={activeId}
          streaming={streaming}
          onAnswer={(regenerate) => {
            void stream.answer(regenerate);
            composerRef.current?.focus();
          }}
          onEditMessage={(messageId, content) => void stream.edit(messageId, content)}
          onEdit={() => {
            useChatStore.getState().editFailed();
            composerRef.current?.focus();
          }}
          failure={error && <ChatFailure error={error} onRetry={stream.canRetry() ? stream.retry : null} />}
        />
        <Composer streaming={streaming} sending={sending} stopping={stopping} onSend={(text) => void stream.send(text)} onStop={stream.stop} inputRef={composerRef} />
      </div>
      <Suspense fallback={null}>{helpOpen && <ShortcutsDialog onClose={() => setHelpOpen(false)} />}</Suspense>
    </div>
  );
}

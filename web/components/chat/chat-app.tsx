'use client';

import { PanelLeft } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Sheet, SheetContent, SheetDescription, SheetTitle } from '@/components/ui/sheet';
import { useIsDesktop } from '@/lib/use-media-query';
import { useT } from '@/lib/i18n/use-t';
import { useChatStore } from '@/lib/stores/chat';
import { ChatFailure } from './chat-failure';
import { Composer } from './composer';
import { ConversationSidebar } from './conversation-sidebar';
import { MessageList } from './message-list';
import { ModelPicker } from './model-picker';
import { useChatStream } from './use-chat-stream';

/**
 * The chat page: conversations on the left, the selected one and the message box on the right.
 * Below `md` the conversations are a drawer, so messages and composer get the whole width.
 */
export function ChatApp() {
  const t = useT();
  const stream = useChatStream();
  const streaming = useChatStore((s) => s.live !== null);
  const stopping = useChatStore((s) => s.live?.stopping ?? false);
  // A message sent and not yet stored (no `meta`): Send waits, disabled, where it is.
  const sending = useChatStore((s) => s.live !== null && s.live.userMessage !== null && s.live.messageId === null);
  const error = useChatStore((s) => s.error);
  const selectConversation = useChatStore((s) => s.selectConversation);
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const desktop = useIsDesktop();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const activeId = useChatStore((s) => s.activeConversationId);
  // Picking a conversation in the drawer is the end of the drawer's job.
  useEffect(() => setDrawerOpen(false), [activeId]);

  // The conversation open before a reload (and so its answer still being written) comes back.
  useEffect(() => {
    void useChatStore.persist.rehydrate();
  }, []);

  const newChat = () => {
    setDrawerOpen(false);
    selectConversation(null);
    composerRef.current?.focus();
  };

  return (
    <div className="flex h-full">
      {/* One list in the page at a time: inline from md up, in the drawer below (hidden until the
          first client render knows the width, so a phone never shows it inline). */}
      {desktop !== false ? (
        <ConversationSidebar onNewChat={newChat} disabled={streaming} className="hidden w-72 border-r md:flex" />
      ) : (
        <Sheet open={drawerOpen} onOpenChange={setDrawerOpen}>
          <SheetContent side="left" closeLabel={t('chat.closeConversations')} aria-label={t('chat.conversations')}>
            <SheetTitle className="flex h-14 items-center px-4">{t('app.name')}</SheetTitle>
            <SheetDescription>{t('chat.conversations')}</SheetDescription>
            <ConversationSidebar onNewChat={newChat} disabled={streaming} className="min-h-0 flex-1" />
          </SheetContent>
        </Sheet>
      )}
      <div className="flex min-w-0 flex-1 flex-col">
        <h1 className="sr-only">{t('chat.title')}</h1>
        <div className="flex items-center justify-between gap-2 border-b px-2 py-1 md:justify-end md:px-4 md:py-2">
          <Button variant="ghost" size="icon" className="md:hidden" aria-label={t('chat.openConversations')} onClick={() => setDrawerOpen(true)} data-testid="open-conversations">
            <PanelLeft aria-hidden />
          </Button>
          <ModelPicker />
        </div>
        <MessageList
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
    </div>
  );
}

'use client';

import { RotateCcw } from 'lucide-react';
import { useEffect, useRef } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Button } from '@/components/ui/button';
import { useT } from '@/lib/i18n/use-t';
import { useChatStore } from '@/lib/stores/chat';
import { Composer } from './composer';
import { ConversationSidebar } from './conversation-sidebar';
import { MessageList } from './message-list';
import { ModelPicker } from './model-picker';
import { useChatStream } from './use-chat-stream';

/** The chat page: conversations on the left, the selected one and the message box on the right. */
export function ChatApp() {
  const t = useT();
  const stream = useChatStream();
  const streaming = useChatStore((s) => s.live !== null);
  const stopping = useChatStore((s) => s.live?.stopping ?? false);
  const error = useChatStore((s) => s.error);
  const selectConversation = useChatStore((s) => s.selectConversation);
  const composerRef = useRef<HTMLTextAreaElement>(null);

  // The conversation open before a reload (and so its answer still being written) comes back.
  useEffect(() => {
    void useChatStore.persist.rehydrate();
  }, []);

  const newChat = () => {
    selectConversation(null);
    composerRef.current?.focus();
  };

  return (
    <div className="flex h-full">
      <ConversationSidebar onNewChat={newChat} disabled={streaming} />
      <main className="flex min-w-0 flex-1 flex-col">
        <div className="flex items-center justify-end border-b px-4 py-2">
          <ModelPicker />
        </div>
        <MessageList
          streaming={streaming}
          onAnswer={(regenerate) => {
            void stream.answer(regenerate);
            composerRef.current?.focus();
          }}
        />
        {error && (
          <div className="mx-auto w-full max-w-3xl px-4" data-testid="chat-error">
            <ErrorMessage
              error={error}
              action={
                stream.canRetry() ? (
                  <Button size="sm" variant="outline" onClick={stream.retry}>
                    <RotateCcw aria-hidden />
                    {t('chat.retry')}
                  </Button>
                ) : undefined
              }
            />
          </div>
        )}
        <Composer streaming={streaming} stopping={stopping} onSend={(text) => void stream.send(text)} onStop={stream.stop} inputRef={composerRef} />
      </main>
    </div>
  );
}

'use client';

import { useQuery } from '@tanstack/react-query';
import { AlertCircle, Bot, Pencil, RefreshCw, User } from 'lucide-react';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import { useT } from '@/lib/i18n/use-t';
import type { PathMessage } from '@chat/contract/api';
import { useChatStore } from '@/lib/stores/chat';
import { cn } from '@/lib/utils';
import { conversationQuery, useOlderMessages } from './conversation-query';
import { CopyButton } from './copy-button';
import { LazyMarkdown } from './lazy-markdown';
import { MessageVersions } from './message-versions';
import { UserMessageEditor } from './user-message-editor';

function Bubble({ role, children, testId }: { role: 'user' | 'assistant'; children: React.ReactNode; testId: string }) {
  const t = useT();
  const Icon = role === 'user' ? User : Bot;
  return (
    <article data-testid={testId} data-role={role} className={cn('flex gap-3', role === 'user' && 'flex-row-reverse')}>
      <div className="mt-1 hidden size-8 shrink-0 items-center justify-center rounded-full bg-muted sm:flex" aria-hidden>
        <Icon className="size-4" />
      </div>
      <div className={cn('min-w-0 rounded-lg px-3 py-2 sm:px-4', role === 'user' ? 'max-w-[85%] bg-primary text-primary-foreground sm:max-w-[80%]' : 'w-full bg-muted sm:w-auto sm:max-w-[80%]')}>
        <h3 className="sr-only">{role === 'user' ? t('chat.you') : t('chat.assistant')}</h3>
        {children}
      </div>
    </article>
  );
}

/**
 * The conversation: stored messages, then the message sent right now and its answer as it
 * arrives, or a message the Worker never stored (with Edit) and why the last one got no answer.
 */
export function MessageList({
  onAnswer,
  onEdit,
  onEditMessage,
  streaming,
  failure,
}: {
  onAnswer: (regenerate: boolean) => void;
  onEdit: () => void;
  /** Sends a new version of a stored user message. */
  onEditMessage: (messageId: string, content: string) => void;
  streaming: boolean;
  failure: ReactNode;
}) {
  const t = useT();
  const conversationId = useChatStore((s) => s.activeConversationId);
  const live = useChatStore((s) => s.live);
  const stopped = useChatStore((s) => s.stopped);
  const failedMessage = useChatStore((s) => s.failedMessage);
  const { data, isLoading } = useQuery(conversationQuery(conversationId));
  const older = useOlderMessages(conversationId);
  const messages: PathMessage[] = conversationId ? (data?.messages ?? []) : [];
  // The answer being followed shows live until it ends; a stored copy of it waits until then.
  const [editing, setEditing] = useState<string | null>(null);
  const shown = messages.filter((m) => m.role !== 'system' && !(live?.messageId && m.id === live.messageId));
  // While an edit or a regeneration is answered, the path from the message it replaces on is not shown.
  const replacedFrom = live?.replaces ? shown.findIndex((m) => m.id === live.replaces) : -1;
  const visible = replacedFrom === -1 ? shown : shown.slice(0, replacedFrom);
  const last = visible.at(-1);
  // The stored copy of the message just sent replaces the optimistic one once it has been read.
  const showLiveUser = live?.userMessage != null && !(last?.role === 'user' && last.content === live.userMessage);
  // A refused message the Worker stored anyway (a 429 comes after storing) shows as stored.
  const showFailed = failedMessage !== null && !live && !(last?.role === 'user' && last.content === failedMessage);

  const endRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    endRef.current?.scrollIntoView({ block: 'end' });
  }, [last?.id, live?.content, failedMessage, failure]);

  return (
    <div role="log" aria-label={t('chat.messages')} aria-busy={streaming} className="min-h-0 flex-1 overflow-y-auto px-3 py-4 md:px-4 md:py-6">
      <div className="mx-auto flex max-w-3xl flex-col gap-4">
        {isLoading && conversationId && <p className="text-sm text-muted-foreground">{t('chat.loading')}</p>}
        {!conversationId && !live && !showFailed && <p className="py-20 text-center text-lg text-muted-foreground">{t('chat.empty')}</p>}
        {conversationId && data?.hasMoreMessages && (
          <Button variant="ghost" size="sm" className="self-center" disabled={older.isPending} onClick={() => older.mutate()}>
            {t('chat.olderMessages')}
          </Button>
        )}
        {visible.map((m) => (
          <Bubble key={m.id} role={m.role === 'user' ? 'user' : 'assistant'} testId={m.role === 'user' ? 'user-message' : 'assistant-message'}>
            {m.role === 'user' ? (
              editing === m.id ? (
                <UserMessageEditor
                  initial={m.content}
                  onCancel={() => setEditing(null)}
                  onSend={(content) => {
                    setEditing(null);
                    onEditMessage(m.id, content);
                  }}
                />
              ) : (
                <>
                  <p className="whitespace-pre-wrap break-words">{m.content}</p>
                  <div className="-mb-1 mt-1 flex items-center justify-end gap-1">
                    {m.versions && conversationId && <MessageVersions conversationId={conversationId} versions={m.versions} disabled={streaming} />}
                    <Button variant="ghost" size="icon" className="size-6 text-primary-foreground/80" aria-label={t('chat.editMessage')} disabled={streaming} onClick={() => setEditing(m.id)}>
                      <Pencil aria-hidden />
                    </Button>
                  </div>
                </>
              )
            ) : (
              <>
                <LazyMarkdown text={m.content} />
                <div className="-mb-1 mt-1 flex items-center justify-end gap-2">
                  {m.versions && conversationId && <MessageVersions conversationId={conversationId} versions={m.versions} disabled={streaming} />}
                  <CopyButton text={() => m.content} label={t('copy.message')} className="text-muted-foreground" />
                </div>
              </>
            )}
          </Bubble>
        ))}
        {showLiveUser && (
          <Bubble role="user" testId="user-message">
            <p className="whitespace-pre-wrap break-words">{live.userMessage}</p>
          </Bubble>
        )}
        {live && (
          <Bubble role="assistant" testId="streaming-message">
            {live.content ? <LazyMarkdown text={live.content} /> : <p className="animate-pulse text-muted-foreground">{t('chat.thinking')}</p>}
            <span className="sr-only">{t('chat.streaming')}</span>
          </Bubble>
        )}
        {showFailed && (
          <Bubble role="user" testId="failed-message">
            <p className="whitespace-pre-wrap break-words">{failedMessage}</p>
            <div className="-mb-1 mt-1 flex items-center justify-end gap-2 text-xs opacity-90">
              <AlertCircle aria-hidden className="size-3.5" />
              <span>{t('chat.notSent')}</span>
              <Button size="sm" variant="secondary" className="h-7 px-2" onClick={onEdit}>
                <Pencil aria-hidden />
                {t('chat.edit')}
              </Button>
            </div>
          </Bubble>
        )}
        {failure}
        {stopped && !live && <p className="text-center text-sm text-muted-foreground" role="status">{t('chat.stopped')}</p>}
        {!live && !streaming && last && failedMessage === null && (
          <div className="flex justify-start">
            <Button variant="outline" size="sm" onClick={() => onAnswer(last.role === 'assistant')}>
              <RefreshCw aria-hidden />
              {last.role === 'assistant' ? t('chat.regenerate') : t('chat.answer')}
            </Button>
          </div>
        )}
        <div ref={endRef} />
      </div>
    </div>
  );
}

'use client';

import { useQuery } from '@tanstack/react-query';
import { AlertCircle, ArrowDown, Bot, Pencil, RefreshCw, User } from 'lucide-react';
import { lazy, Suspense, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import { useT } from '@/lib/i18n/use-t';
import type { PathMessage } from '@chat/contract/api';
import { useChatStore } from '@/lib/stores/chat';
import { cn } from '@/lib/utils';
import { conversationQuery, useOlderMessages } from './conversation-query';
import { CopyButton } from './copy-button';
import { LazyMarkdown } from './lazy-markdown';

// Loaded when first needed, not with the chat page: the editor when a message is edited, the
// version switcher when a conversation has versions.
const UserMessageEditor = lazy(() => import('./user-message-editor').then((m) => ({ default: m.UserMessageEditor })));
const MessageVersions = lazy(() => import('./message-versions').then((m) => ({ default: m.MessageVersions })));

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

/** Closer than this to the bottom (px) counts as reading the latest: new text keeps it in view. */
const AT_BOTTOM_PX = 48;

/**
 * The conversation: stored messages, then the message sent right now and its answer as it
 * arrives, or a message the Worker never stored (with Edit) and why the last one got no answer.
 * While the reader is at the bottom, new text keeps them there; once they scroll up, the
 * page stays where they put it and a "jump to latest" button brings them back.
 */
export function MessageList({
  conversationId,
  onAnswer,
  onEdit,
  onEditMessage,
  streaming,
  failure,
}: {
  conversationId: string | null;
  onAnswer: (regenerate: boolean) => void;
  onEdit: () => void;
  /** Sends a new version of a stored user message. */
  onEditMessage: (messageId: string, content: string) => void;
  streaming: boolean;
  failure: ReactNode;
}) {
  const t = useT();
  // An answer being followed for another conversation (the one just left) is not this one's.
  const live = useChatStore((s) => (s.live && s.live.conversationId === conversationId ? s.live : null));
  const stopped = useChatStore((s) => s.stopped);
  const failedMessage = useChatStore((s) => s.failedMessage);
  const { data, isLoading } = useQuery(conversationQuery(conversationId));
  const older = useOlderMessages(conversationId);
  const messages: PathMessage[] = conversationId ? (data?.messages ?? []) : [];
  // The answer being followed shows live until it ends; a stored copy of it waits until then.
  const [editing, setEditing] = useState<string | null>(null);
  // An answer that failed before its first word is stored empty: the failure under the message says it.
  const shown = messages.filter((m) => m.role !== 'system' && !(m.role === 'assistant' && m.content === '') && !(live?.messageId && m.id === live.messageId));
  // While an edit or a regeneration is answered, the path from the message it replaces on is not shown.
  const replacedFrom = live?.replaces ? shown.findIndex((m) => m.id === live.replaces) : -1;
  const visible = replacedFrom === -1 ? shown : shown.slice(0, replacedFrom);
  const last = visible.at(-1);
  // The stored copy of the message just sent replaces the optimistic one once it has been read.
  const showLiveUser = live?.userMessage != null && !(last?.role === 'user' && last.content === live.userMessage);
  // A refused message the Worker stored anyway (a 429 comes after storing) shows as stored.
  const showFailed = failedMessage !== null && !live && !(last?.role === 'user' && last.content === failedMessage);

  const scrollerRef = useRef<HTMLDivElement>(null);
  /** Whether the reader is at the bottom: only their own scrolling changes it (or a message they send). */
  const [following, setFollowing] = useState(true);
  const followingRef = useRef(true);
  const follow = (value: boolean) => {
    followingRef.current = value;
    setFollowing(value);
  };
  const toBottom = () => {
    const box = scrollerRef.current;
    if (box) box.scrollTop = box.scrollHeight;
  };
  // Another conversation, or a message just sent: the reader goes to its end.
  const sentNow = live?.userMessage ?? null;
  useLayoutEffect(() => {
    follow(true);
    toBottom();
  }, [conversationId, sentNow]);
  // The newest message, not an older page read above it, is what moves a following reader.
  useLayoutEffect(() => {
    if (followingRef.current) toBottom();
  }, [last?.id, live?.content, failedMessage, failure]);
  const onScroll = () => {
    const box = scrollerRef.current;
    if (box) follow(box.scrollHeight - box.scrollTop - box.clientHeight <= AT_BOTTOM_PX);
  };

  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
    {/* Focusable, so the keyboard can scroll it while an answer (with no control in it yet) streams. */}
    <div ref={scrollerRef} onScroll={onScroll} tabIndex={0} role="log" aria-label={t('chat.messages')} aria-busy={streaming} data-testid="message-scroller" className="min-h-0 flex-1 overflow-y-auto px-3 py-4 outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-ring md:px-4 md:py-6">
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
                <Suspense fallback={<p className="whitespace-pre-wrap break-words">{m.content}</p>}>
                  <UserMessageEditor
                    initial={m.content}
                    onCancel={() => setEditing(null)}
                    onSend={(content) => {
                      setEditing(null);
                      onEditMessage(m.id, content);
                    }}
                  />
                </Suspense>
              ) : (
                <>
                  <p className="whitespace-pre-wrap break-words">{m.content}</p>
                  <div className="-mb-1 mt-1 flex items-center justify-end gap-1">
                    {m.versions && conversationId && (
                    <Suspense fallback={null}>
                      <MessageVersions conversationId={conversationId} versions={m.versions} disabled={streaming} />
                    </Suspense>
                  )}
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
                  {/* A fallback answered (or the conversation has moved to another model since): say which model wrote this. */}
                  {m.model && data?.model && m.model !== data.model && (
                    <span data-testid="answered-by" className="mr-auto text-xs text-muted-foreground">
                      {t('chat.answeredBy', { model: m.model })}
                    </span>
                  )}
                  {m.versions && conversationId && (
                    <Suspense fallback={null}>
                      <MessageVersions conversationId={conversationId} versions={m.versions} disabled={streaming} />
                    </Suspense>
                  )}
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
        {/* An answer that failed before its first word is no bubble: the failure under the message says it. */}
        {live && (live.content || !failure) && (
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
      </div>
    </div>
    {!following && (
      <Button
        variant="secondary"
        size="sm"
        className="absolute bottom-3 left-1/2 h-11 -translate-x-1/2 rounded-full shadow-md md:h-9"
        onClick={() => {
          follow(true);
          toBottom();
        }}
      >
        <ArrowDown aria-hidden />
        {t('chat.jumpToLatest')}
      </Button>
    )}
    </div>
  );
}

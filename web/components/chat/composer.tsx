'use client';

import { Loader2, Send, Square } from 'lucide-react';
import { useEffect, useLayoutEffect, useState, type KeyboardEvent, type RefObject } from 'react';
import { Button } from '@/components/ui/button';
import { Textarea } from '@/components/ui/textarea';
import { useT } from '@/lib/i18n/use-t';
import { messageLength } from '@/lib/message-length';
import { useChatStore } from '@/lib/stores/chat';
import { cn } from '@/lib/utils';

/** Tallest the composer grows before it scrolls, in px (Tailwind's max-h-48). */
const MAX_HEIGHT_PX = 192;
/**
 * A Stop that has just appeared ignores clicks this long: the second click of a double-click
 * on Send must not cancel the message it sent.
 */
const STOP_ARM_MS = 500;

function StopButton({ stopping, onStop }: { stopping: boolean; onStop: () => void }) {
  const t = useT();
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setArmed(true), STOP_ARM_MS);
    return () => clearTimeout(timer);
  }, []);
  return (
    <Button type="button" variant="destructive" onClick={onStop} disabled={stopping || !armed} aria-label={t('chat.stop')}>
      <Square aria-hidden />
      <span className="hidden sm:inline">{t('chat.stop')}</span>
    </Button>
  );
}

/**
 * The message box: Enter sends, Shift+Enter breaks the line (Escape, which stops the answer,
 * is one of the page's shortcuts).
 * Enter while a Korean syllable is still being composed belongs to the IME, not to us.
 * The text lives in the chat store and is emptied only when the Worker has stored the
 * message (its `meta`); until then the box is read-only and Send waits, disabled, in place.
 * Too long a message is never cut: a counter says by how much, and Send stays disabled.
 */
export function Composer({ streaming, sending, stopping, onSend, onStop, inputRef }: { streaming: boolean; sending: boolean; stopping: boolean; onSend: (text: string) => void; onStop: () => void; inputRef: RefObject<HTMLTextAreaElement | null> }) {
  const t = useT();
  const text = useChatStore((s) => s.draft);
  const setText = useChatStore((s) => s.setDraft);
  const length = messageLength(text);
  const tooLong = length.over > 0;

  // Grows with its content up to MAX_HEIGHT_PX, then scrolls.
  useLayoutEffect(() => {
    const box = inputRef.current;
    if (!box) return;
    box.style.height = 'auto';
    box.style.height = `${Math.min(box.scrollHeight + box.offsetHeight - box.clientHeight, MAX_HEIGHT_PX)}px`;
  }, [text, inputRef]);

  const submit = () => {
    const content = text.trim();
    if (!content || streaming || sending || tooLong) return;
    onSend(content);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  };

  return (
    <form
      className="border-t p-2 md:p-4"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="mx-auto flex max-w-3xl items-end gap-2">
        <label htmlFor="composer" className="sr-only">
          {t('chat.composerLabel')}
        </label>
        <Textarea
          id="composer"
          ref={inputRef}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          placeholder={t('chat.placeholder')}
          rows={2}
          readOnly={sending}
          aria-invalid={tooLong}
          aria-describedby={length.showCounter ? 'composer-count' : undefined}
          className="max-h-48 resize-none overflow-y-auto"
          autoFocus
        />
        {streaming && !sending ? (
          <StopButton stopping={stopping} onStop={onStop} />
        ) : (
          <Button type="submit" disabled={sending || tooLong || !text.trim()} aria-busy={sending} aria-label={sending ? t('chat.sending') : t('chat.send')}>
            {sending ? <Loader2 aria-hidden className="animate-spin" /> : <Send aria-hidden />}
            <span className="hidden sm:inline">{t('chat.send')}</span>
          </Button>
        )}
      </div>
      {length.showCounter && (
        <p id="composer-count" data-testid="composer-count" aria-live="polite" className={cn('mx-auto mt-1 max-w-3xl text-right text-xs', tooLong ? 'font-medium text-destructive' : 'text-muted-foreground')}>
          {tooLong && <span className="mr-2">{t('chat.tooLong', { over: length.over.toLocaleString() })}</span>}
          {t('chat.charCount', { count: length.count.toLocaleString(), limit: length.limit.toLocaleString() })}
        </p>
      )}
    </form>
  );
}

'use client';

import { Send, Square } from 'lucide-react';
import { useState, type KeyboardEvent, type RefObject } from 'react';
import { Button } from '@/components/ui/button';
import { Textarea } from '@/components/ui/textarea';
import { useT } from '@/lib/i18n/use-t';

/**
 * The message box: Enter sends, Shift+Enter breaks the line, Escape stops the answer.
 * Enter while a Korean syllable is still being composed belongs to the IME, not to us.
 */
export function Composer({ streaming, stopping, onSend, onStop, inputRef }: { streaming: boolean; stopping: boolean; onSend: (text: string) => void; onStop: () => void; inputRef: RefObject<HTMLTextAreaElement | null> }) {
  const t = useT();
  const [text, setText] = useState('');

  const submit = () => {
    const content = text.trim();
    if (!content || streaming) return;
    setText('');
    onSend(content);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    } else if (e.key === 'Escape' && streaming) {
      e.preventDefault();
      onStop();
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
          maxLength={32000}
          className="max-h-48 resize-none"
          autoFocus
        />
        {streaming ? (
          <Button type="button" variant="destructive" onClick={onStop} disabled={stopping} aria-label={t('chat.stop')}>
            <Square aria-hidden />
            <span className="hidden sm:inline">{t('chat.stop')}</span>
          </Button>
        ) : (
          <Button type="submit" disabled={!text.trim()} aria-label={t('chat.send')}>
            <Send aria-hidden />
            <span className="hidden sm:inline">{t('chat.send')}</span>
          </Button>
        )}
      </div>
    </form>
  );
}

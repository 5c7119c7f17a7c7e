'use client';

import { useState, type KeyboardEvent } from 'react';
import { MAX_MESSAGE_CHARS } from '@chat/contract';
import { Button } from '@/components/ui/button';
import { Textarea } from '@/components/ui/textarea';
import { useT } from '@/lib/i18n/use-t';

/**
 * Edits a sent question in place: Enter sends it as a new version (Shift+Enter is a new
 * line), Esc or Cancel leaves the message as it was.
 */
export function UserMessageEditor({ initial, onSend, onCancel }: { initial: string; onSend: (content: string) => void; onCancel: () => void }) {
  const t = useT();
  const [text, setText] = useState(initial);
  const ready = text.trim().length > 0 && text !== initial;
  const send = () => ready && onSend(text);
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onCancel();
    } else if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      // Korean input composes syllables: Enter that ends a composition is not a send.
      e.preventDefault();
      send();
    }
  };
  return (
    <div className="space-y-2" data-testid="message-editor">
      <Textarea
        aria-label={t('chat.editMessage')}
        className="min-w-64 bg-background text-foreground"
        value={text}
        maxLength={MAX_MESSAGE_CHARS}
        autoFocus
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="flex justify-end gap-2">
        <Button type="button" size="sm" variant="ghost" onClick={onCancel}>
          {t('chat.cancel')}
        </Button>
        <Button type="button" size="sm" variant="secondary" disabled={!ready} onClick={send}>
          {t('chat.send')}
        </Button>
      </div>
    </div>
  );
}

'use client';

import { RotateCcw, Sparkles } from 'lucide-react';
import { ErrorMessage } from '@/components/error-message';
import { Button } from '@/components/ui/button';
import { LinkButton } from '@/components/ui/link-button';
import { useT } from '@/lib/i18n/use-t';
import type { ChatError } from '@/lib/stores/chat';

/** Refusals a bigger plan lifts. */
const UPGRADE_FIXES = new Set(['quota_exceeded', 'prompt_too_large']);

/**
 * Why the last message got no answer, shown under it: the reason in the user's language, the
 * trace id, and what can be done about it: retry, or plans for a quota refusal (an ended
 * session gets its login link from ErrorMessage; a message never stored has its own Edit).
 */
export function ChatFailure({ error, onRetry }: { error: ChatError; onRetry: (() => void) | null }) {
  const t = useT();
  const actions = (
    <div className="flex flex-wrap gap-2">
      {onRetry && (
        <Button size="sm" variant="outline" onClick={onRetry}>
          <RotateCcw aria-hidden />
          {t('chat.retry')}
        </Button>
      )}
      {UPGRADE_FIXES.has(error.code) && (
        <LinkButton href="/plans" size="sm" icon={Sparkles}>
          {t('chat.upgrade')}
        </LinkButton>
      )}
    </div>
  );
  return (
    <div data-testid="chat-error">
      <ErrorMessage error={error} action={actions} />
    </div>
  );
}

'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ChevronLeft, ChevronRight } from 'lucide-react';
import type { MessageVersions as Versions } from '@chat/contract/api';
import { Button } from '@/components/ui/button';
import { api } from '@/lib/api';
import { useT } from '@/lib/i18n/use-t';
import { conversationQuery } from './conversation-query';

/**
 * "< 2 / 3 >" under a message with versions (an edited question, a regenerated answer):
 * switching selects that version's branch, and the conversation re-renders from what the
 * Worker then reads.
 */
export function MessageVersions({ conversationId, versions, disabled }: { conversationId: string; versions: Versions; disabled: boolean }) {
  const t = useT();
  const queryClient = useQueryClient();
  const select = useMutation({
    mutationFn: (messageId: string) => api.selectVersion(conversationId, messageId),
    onSuccess: (detail) => queryClient.setQueryData(conversationQuery(conversationId).queryKey, detail),
  });
  const go = (id: string | null) => id !== null && select.mutate(id);
  const busy = disabled || select.isPending;
  return (
    <div className="flex items-center gap-0.5 text-xs" data-testid="message-versions">
      <Button variant="ghost" size="icon" className="size-6" aria-label={t('versions.previous')} disabled={busy || versions.previousId === null} onClick={() => go(versions.previousId)}>
        <ChevronLeft aria-hidden />
      </Button>
      <span aria-label={t('versions.label', { position: versions.position, count: versions.count })} className="tabular-nums">
        {versions.position} / {versions.count}
      </span>
      <Button variant="ghost" size="icon" className="size-6" aria-label={t('versions.next')} disabled={busy || versions.nextId === null} onClick={() => go(versions.nextId)}>
        <ChevronRight aria-hidden />
      </Button>
    </div>
  );
}

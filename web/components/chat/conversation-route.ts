'use client';

import { usePathname } from 'next/navigation';
import { conversationIdOf } from '@/lib/conversation-path';
import { useChatStore } from '@/lib/stores/chat';

/**
 * The open conversation: the one in the URL, or the one the Worker just named for a new chat
 * while the router has not yet taken in the URL it was given (`history.replaceState`).
 */
export function useActiveConversationId(): string | null {
  const fromUrl = conversationIdOf(usePathname());
  const named = useChatStore((s) => s.namedConversationId);
  return fromUrl ?? named;
}

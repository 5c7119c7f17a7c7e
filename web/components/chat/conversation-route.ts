'use client';

import { usePathname } from 'next/navigation';
import { useChatStore } from '@/lib/stores/chat';

/** Where a new chat starts; a conversation lives at `/chat/<id>`. */
export const NEW_CHAT_PATH = '/chat';

export function conversationPath(id: string): string {
  return `${NEW_CHAT_PATH}/${encodeURIComponent(id)}`;
}

/** The conversation a chat path names, or null for a new chat (`/chat`). */
export function conversationIdOf(pathname: string): string | null {
  const match = /^\/chat\/([^/]+)\/?$/.exec(pathname);
  return match ? decodeURIComponent(match[1]!) : null;
}

/**
 * The open conversation: the one in the URL, or the one the Worker just named for a new chat
 * while the router has not yet taken in the URL it was given (`history.replaceState`).
 */
export function useActiveConversationId(): string | null {
  const fromUrl = conversationIdOf(usePathname());
  const named = useChatStore((s) => s.namedConversationId);
  return fromUrl ?? named;
}

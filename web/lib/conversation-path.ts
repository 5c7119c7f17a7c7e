/** Where a new chat starts; a conversation lives at `/chat/<id>`. */
export const NEW_CHAT_PATH = '/chat';

export function conversationPath(id: string): string {
  return `${NEW_CHAT_PATH}/${encodeURIComponent(id)}`;
}

/** The conversation a chat path names, or null for a new chat (`/chat`) and any other path. */
export function conversationIdOf(pathname: string): string | null {
  const match = /^\/chat\/([^/]+)\/?$/.exec(pathname);
  return match ? decodeURIComponent(match[1]!) : null;
}

import { queryOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { ConversationDetail } from '@chat/contract/api';
import { api } from '@/lib/api';

const conversationKey = (id: string | null) => ['conversation', id] as const;

/**
 * The newest page as read now, with the older messages already loaded kept in front of it
 * while the two pages still meet (a re-read after an answer must not drop what the user
 * scrolled back to); when they no longer meet, the newest page alone.
 */
export function keepOlderMessages(loaded: ConversationDetail | undefined, newest: ConversationDetail): ConversationDetail {
  const first = newest.messages[0];
  if (!loaded || !first || !newest.hasMoreMessages) return newest;
  const meet = loaded.messages.findIndex((m) => m.id === first.id);
  if (meet <= 0) return newest;
  return { ...newest, messages: [...loaded.messages.slice(0, meet), ...newest.messages], hasMoreMessages: loaded.hasMoreMessages, olderCursor: loaded.olderCursor };
}

/** One conversation with its messages (the newest page, and any older pages loaded since) and the answer still being written, if any. */
export function conversationQuery(id: string | null) {
  return queryOptions({
    queryKey: conversationKey(id),
    queryFn: async ({ client }) => keepOlderMessages(client.getQueryData<ConversationDetail>(conversationKey(id)), await api.conversation(id!)),
    enabled: id !== null,
  });
}

/** Reads the page before the oldest message loaded and puts it in front, unless the conversation changed meanwhile. */
export async function loadOlderMessages(client: QueryClient, id: string): Promise<void> {
  const before = client.getQueryData<ConversationDetail>(conversationKey(id))?.olderCursor;
  if (!before) return;
  const older = await api.conversation(id, before);
  client.setQueryData<ConversationDetail>(conversationKey(id), (now) =>
    now && now.olderCursor === before ? { ...now, messages: [...older.messages, ...now.messages], hasMoreMessages: older.hasMoreMessages, olderCursor: older.olderCursor } : now,
  );
}

/**
 * Loads the conversation's older messages a page at a time.
 *
 * @example const older = useOlderMessages(id); <button onClick={() => older.mutate()} disabled={older.isPending}>
 */
export function useOlderMessages(id: string | null) {
  const client = useQueryClient();
  return useMutation({ mutationFn: () => (id ? loadOlderMessages(client, id) : Promise.resolve()) });
}

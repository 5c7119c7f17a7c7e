import { queryOptions } from '@tanstack/react-query';
import { api } from '@/lib/api';

/** One conversation with its messages and the answer still being written, if any. */
export function conversationQuery(id: string | null) {
  return queryOptions({
    queryKey: ['conversation', id],
    queryFn: () => api.conversation(id!),
    enabled: id !== null,
  });
}

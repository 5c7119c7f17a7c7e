import type { QueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { conversationPath, NEW_CHAT_PATH } from '@/lib/conversation-path';
import { useChatStore, type PendingSend } from '@/lib/stores/chat';
import { conversationQuery } from './conversation-query';

/** Reads of the conversation list, this far apart: the Worker may store the message a moment after the page went. */
const LOOKUPS = 5;
const LOOKUP_WAIT_MS = 1_000;
/** How far the browser's clock may be ahead of the Worker's and a conversation still count as made for the message. */
const CLOCK_SLACK_MS = 5 * 60_000;
/** The newest conversations looked into: a new chat's is the newest, unless another tab made one meanwhile. */
const CANDIDATES = 3;

const wait = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * The conversation the Worker made for a new chat's message whose `meta` this page never saw
 * (it was reloaded in that moment): one of the newest, made since the message was sent, with
 * the message in it. Its first page goes into the query cache, running answer and all. Null
 * when there is none (the Worker never received the message: it is still in the composer).
 */
async function findConversation(pending: PendingSend, queryClient: QueryClient, signal: AbortSignal): Promise<string | null> {
  for (let lookup = 1; ; lookup++) {
    const { items } = await api.conversations(null);
    const recent = items.filter((c) => Date.parse(c.createdAt) >= pending.sentAt - CLOCK_SLACK_MS).slice(0, CANDIDATES);
    for (const candidate of recent) {
      if (signal.aborted) return null;
      const detail = await api.conversation(candidate.id);
      if (detail.messages.some((m) => m.role === 'user' && m.content === pending.content)) {
        queryClient.setQueryData(conversationQuery(candidate.id).queryKey, detail);
        return candidate.id;
      }
    }
    if (lookup === LOOKUPS || signal.aborted) return null;
    await wait(LOOKUP_WAIT_MS, signal);
  }
}

/**
 * A page (re)loaded at `/chat` with a new chat's message still pending (sent, and no `meta`
 * seen: the page went, or its connection was lost, a reload's cutting it off included) (see
 * `ChatState.pendingSend`) re-attaches to its conversation: the URL names it, the stored
 * message shows, the running answer is followed (the chat attaches to a conversation's
 * `activeGeneration`), and the composer lets go of the text, which is now stored.
 */
export async function reattachPendingSend(queryClient: QueryClient, signal: AbortSignal): Promise<void> {
  const pending = useChatStore.getState().pendingSend;
  if (!pending || window.location.pathname !== NEW_CHAT_PATH) return;
  const id = await findConversation(pending, queryClient, signal).catch(() => null);
  if (signal.aborted) return;
  const store = useChatStore.getState();
  store.setPendingSend(null);
  // Meanwhile the user went on (typed to another chat, opened one): that is theirs to keep.
  if (!id || store.live !== null || window.location.pathname !== NEW_CHAT_PATH) return;
  if (store.draft.trim() === pending.content) store.setDraft('');
  // Cut off before `meta`, it was shown as not sent; it was stored, and its conversation shows it now.
  if (store.failedMessage === pending.content) {
    store.setFailedMessage(null);
    store.setError(null);
  }
  window.history.replaceState(null, '', conversationPath(id));
  void queryClient.invalidateQueries({ queryKey: ['conversations'] });
}

import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { DisplayError } from '../errors';
import type { StreamMetaEvent } from '../event-stream';

/** A user-facing error: a Worker/BFF error code, its message, and the trace id to quote. */
export type ChatError = DisplayError;

/** A new chat's message on its way: what was sent, and when (`Date.now()`), to tell it from older conversations. */
export type PendingSend = { content: string; sentAt: number };

/** The answer being received right now, shown until the stored conversation is re-read. */
export type LiveStream = {
  /** Which follow of an answer this is: a stream ending late never clears a newer one. */
  follow: object;
  conversationId: string | null;
  /** The message just sent (absent when regenerating or following an answer already under way). */
  userMessage: string | null;
  /** The stored message this answer makes a new version of (an edited question, a regenerated answer): the path from there on is being replaced. */
  replaces: string | null;
  /** The generation followed, once known (from `meta`, or the conversation's `activeGeneration`). */
  generationId: string | null;
  /** The id the stored answer will have: its stored copy stays hidden while this one shows. */
  messageId: string | null;
  content: string;
  phase: 'waiting' | 'streaming';
  /** Stop was asked: the stream is read on until its `done`, so the partial answer stays. */
  stopping: boolean;
};

type ChatState = {
  /**
   * The conversation the Worker just created for a new chat (its `meta`), until the URL
   * (`/chat/[id]`, the home of the open conversation) has caught up with it.
   */
  namedConversationId: string | null;
  /** The model picked by the user; null means the plan's default. */
  model: string | null;
  live: LiveStream | null;
  error: ChatError | null;
  /** Set when the last answer ended because someone stopped it (here or in another tab). */
  stopped: boolean;
  /** What is in the composer: kept here so it is cleared only once the Worker stored the message. */
  draft: string;
  /** A message the Worker refused or never received: it stays on screen, with `error`, until retried or edited. */
  failedMessage: string | null;
  /**
   * A new chat's message sent and not yet named by the Worker (no `meta`): kept across a
   * reload in that moment, so the page can find the conversation the Worker made for it.
   */
  pendingSend: PendingSend | null;
  nameConversation: (id: string | null) => void;
  /** Another conversation is open: what belonged to the last one goes. */
  leaveConversation: () => void;
  setModel: (model: string | null) => void;
  setLive: (live: LiveStream | null) => void;
  /**
   * `meta`: the answer from its beginning, so the text shown so far is dropped. `naming`: the
   * Worker created the conversation for it, which is the open one from now on (in the same
   * update, so no render sees the answer and the open conversation apart).
   */
  startAnswer: (meta: StreamMetaEvent, naming?: boolean) => void;
  appendDelta: (text: string) => void;
  setStopping: (stopping: boolean) => void;
  setError: (error: ChatError | null) => void;
  setStopped: (stopped: boolean) => void;
  setDraft: (draft: string) => void;
  setFailedMessage: (content: string | null) => void;
  setPendingSend: (pending: PendingSend | null) => void;
  /** Edit: the failed message goes back into the composer, and off the conversation. */
  editFailed: () => void;
};

/**
 * UI state of the chat page; server data (conversations, messages) lives in React Query and
 * the open conversation in the URL. The draft, a message not sent and one not yet named are kept in
 * sessionStorage: a reload (or a login again) comes back to them, while every tab keeps its own.
 * Hydrated by the chat page after its first render (`useChatStore.persist.rehydrate()`),
 * so the server-rendered HTML and the first client render agree.
 */
export const useChatStore = create<ChatState>()(
  persist(
    (set) => ({
      namedConversationId: null,
      model: null,
      live: null,
      error: null,
      stopped: false,
      draft: '',
      failedMessage: null,
      pendingSend: null,
      nameConversation: (id) => set({ namedConversationId: id }),
      leaveConversation: () => set({ error: null, stopped: false, failedMessage: null }),
      setModel: (model) => set({ model }),
      setLive: (live) => set({ live }),
      // `meta` means the Worker stored the message just sent: only now is the composer emptied.
      startAnswer: (meta, naming = false) =>
        set((s) => (s.live ? { pendingSend: null, ...(naming ? { namedConversationId: meta.conversationId } : {}), draft: s.live.userMessage !== null && s.draft.trim() === s.live.userMessage ? '' : s.draft, live: { ...s.live, conversationId: meta.conversationId, generationId: meta.generationId, messageId: meta.messageId, content: '', phase: 'waiting' } } : {})),
      appendDelta: (text) => set((s) => (s.live ? { live: { ...s.live, content: s.live.content + text, phase: 'streaming' } } : {})),
      setStopping: (stopping) => set((s) => (s.live ? { live: { ...s.live, stopping } } : {})),
      setError: (error) => set({ error }),
      setStopped: (stopped) => set({ stopped }),
      setDraft: (draft) => set({ draft }),
      setFailedMessage: (failedMessage) => set({ failedMessage }),
      setPendingSend: (pendingSend) => set({ pendingSend }),
      editFailed: () => set((s) => (s.failedMessage === null ? {} : { draft: s.failedMessage, failedMessage: null, error: null })),
    }),
    {
      name: 'chat',
      storage: createJSONStorage(() => sessionStorage),
      partialize: (s) => ({ draft: s.draft, failedMessage: s.failedMessage, pendingSend: s.pendingSend }),
      skipHydration: true,
    },
  ),
);

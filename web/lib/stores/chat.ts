import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { DisplayError } from '../errors';
import type { StreamMetaEvent } from '../event-stream';

/** A user-facing error: a Worker/BFF error code, its message, and the trace id to quote. */
export type ChatError = DisplayError;

/** The answer being received right now, shown until the stored conversation is re-read. */
export type LiveStream = {
  /** Which follow of an answer this is: a stream ending late never clears a newer one. */
  follow: object;
  conversationId: string | null;
  /** The message just sent (absent when regenerating or following an answer already under way). */
  userMessage: string | null;
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
  activeConversationId: string | null;
  /** The model picked by the user; null means the plan's default. */
  model: string | null;
  live: LiveStream | null;
  error: ChatError | null;
  /** Set when the last answer ended because someone stopped it (here or in another tab). */
  stopped: boolean;
  selectConversation: (id: string | null) => void;
  setModel: (model: string | null) => void;
  setLive: (live: LiveStream | null) => void;
  /** `meta`: the answer from its beginning, so the text shown so far is dropped. */
  startAnswer: (meta: StreamMetaEvent) => void;
  appendDelta: (text: string) => void;
  setStopping: (stopping: boolean) => void;
  setError: (error: ChatError | null) => void;
  setStopped: (stopped: boolean) => void;
};

/**
 * UI state of the chat page; server data (conversations, messages) lives in React Query.
 * The open conversation is kept in sessionStorage: a reload comes back to it (and to its
 * answer still being written), while every tab keeps its own, as it would with the
 * conversation in the URL, which the chat's own routes will replace this with.
 * Hydrated by the chat page after its first render (`useChatStore.persist.rehydrate()`),
 * so the server-rendered HTML and the first client render agree.
 */
export const useChatStore = create<ChatState>()(
  persist(
    (set) => ({
      activeConversationId: null,
      model: null,
      live: null,
      error: null,
      stopped: false,
      selectConversation: (id) => set({ activeConversationId: id, error: null, stopped: false }),
      setModel: (model) => set({ model }),
      setLive: (live) => set({ live }),
      startAnswer: (meta) =>
        set((s) => (s.live ? { live: { ...s.live, conversationId: meta.conversationId, generationId: meta.generationId, messageId: meta.messageId, content: '', phase: 'waiting' } } : {})),
      appendDelta: (text) => set((s) => (s.live ? { live: { ...s.live, content: s.live.content + text, phase: 'streaming' } } : {})),
      setStopping: (stopping) => set((s) => (s.live ? { live: { ...s.live, stopping } } : {})),
      setError: (error) => set({ error }),
      setStopped: (stopped) => set({ stopped }),
    }),
    {
      name: 'chat',
      storage: createJSONStorage(() => sessionStorage),
      partialize: (s) => ({ activeConversationId: s.activeConversationId }),
      skipHydration: true,
    },
  ),
);

import { create } from 'zustand';
import type { DisplayError } from '../errors';

/** A user-facing error: a Worker/BFF error code, its message, and the trace id to quote. */
export type ChatError = DisplayError;

/** The answer being received right now, shown until the stored conversation is re-read. */
export type LiveStream = {
  conversationId: string | null;
  /** The message just sent (absent when regenerating). */
  userMessage: string | null;
  content: string;
  phase: 'waiting' | 'streaming';
};

type ChatState = {
  activeConversationId: string | null;
  /** The model picked by the user; null means the plan's default. */
  model: string | null;
  live: LiveStream | null;
  error: ChatError | null;
  /** Set when the user stopped the last answer. */
  stopped: boolean;
  selectConversation: (id: string | null) => void;
  setModel: (model: string | null) => void;
  setLive: (live: LiveStream | null) => void;
  appendDelta: (text: string) => void;
  setError: (error: ChatError | null) => void;
  setStopped: (stopped: boolean) => void;
};

/** UI state of the chat page; server data (conversations, messages) lives in React Query. */
export const useChatStore = create<ChatState>()((set) => ({
  activeConversationId: null,
  model: null,
  live: null,
  error: null,
  stopped: false,
  selectConversation: (id) => set({ activeConversationId: id, error: null, stopped: false }),
  setModel: (model) => set({ model }),
  setLive: (live) => set({ live }),
  appendDelta: (text) => set((s) => (s.live ? { live: { ...s.live, content: s.live.content + text, phase: 'streaming' } } : {})),
  setError: (error) => set({ error }),
  setStopped: (stopped) => set({ stopped }),
}));

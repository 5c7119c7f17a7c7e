'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import { api, ApiError, type StreamRequest } from '@/lib/api';
import { conversationIdOf, conversationPath } from '@/lib/conversation-path';
import { toDisplayError } from '@/lib/errors';
import { startPosition, type StreamPosition } from '@/lib/stream-position';
import { followGeneration, loadStreamReader, reconnectDelay, waitToReconnect } from '@/lib/follow-generation';
import { preloadWhenIdle } from '@/lib/preload';
import type { ActiveGeneration } from '@chat/contract/api';
import { useChatStore } from '@/lib/stores/chat';
import { conversationQuery } from './conversation-query';

/** Errors a second try can fix; the rest (quota, plan) need the user to change something. */
const RETRYABLE = new Set(['network', 'upstream_error', 'upstream_rate_limited', 'upstream_timeout', 'too_many_streams', 'unknown']);

/** Re-reads of the conversation, this far apart, until the stored copy of a finished answer is in it. */
const STORED_COPY_READS = 4;
const STORED_COPY_WAIT_MS = 300;

/** What to follow: a new answer this tab asks for, or one already being written (reload, second tab). */
type Follow = { kind: 'start'; request: StreamRequest } | { kind: 'attach'; conversationId: string; generation: ActiveGeneration };

/** Where a Stop stands: asked before the generation was known, it is sent once `meta` names it. */
type StopState = 'none' | 'wanted' | 'sent';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends messages and follows answers as they are written on the server, one at a time: a
 * lost connection re-attaches where it left off, a reloaded page or a second tab attaches to
 * the conversation's running answer, and Stop asks the server to end it (every tab then sees
 * its `done`, and the partial answer stays). Closing this page's connection never stops the
 * answer; it only ends this tab's subscription, as does opening another conversation.
 */
export function useChatStream(activeConversationId: string | null) {
  const queryClient = useQueryClient();
  const abortRef = useRef<AbortController | null>(null);
  const positionRef = useRef<StreamPosition | null>(null);
  const stopRef = useRef<StopState>('none');
  /** Generations this tab saw end: a conversation read a moment too early may still name one. */
  const endedRef = useRef(new Set<string>());
  const retryRef = useRef<(() => void) | null>(null);

  const sendStop = useCallback((generationId: string) => {
    stopRef.current = 'sent';
    api.stopGeneration(generationId).catch((err: unknown) => {
      stopRef.current = 'none';
      const store = useChatStore.getState();
      store.setStopping(false);
      store.setError(toDisplayError(err));
    });
  }, []);

  /** Whether the conversation as last read ends with this user message (it was stored). */
  const lastStoredIs = useCallback(
    (conversationId: string, content: string) => {
      const last = queryClient.getQueryData(conversationQuery(conversationId).queryKey)?.messages.filter((m) => m.role !== 'system').at(-1);
      return last?.role === 'user' && last.content === content;
    },
    [queryClient],
  );

  /** The stored message a request makes a new version of: the edited question, or the answer regenerated. */
  const replacedBy = useCallback(
    (request: StreamRequest): string | null => {
      if (request.kind === 'send') return request.editOf ?? null;
      if (!request.regenerate) return null;
      const last = queryClient.getQueryData(conversationQuery(request.conversationId).queryKey)?.messages.at(-1);
      return last?.role === 'assistant' ? last.id : null;
    },
    [queryClient],
  );

  const rereadUntilStored = useCallback(
    async (conversationId: string, messageId: string | null) => {
      for (let read = 1; ; read++) {
        await queryClient.invalidateQueries({ queryKey: conversationQuery(conversationId).queryKey });
        const stored = queryClient.getQueryData(conversationQuery(conversationId).queryKey);
        if (!messageId || !stored || stored.messages.some((m) => m.id === messageId) || read === STORED_COPY_READS) return;
        await sleep(STORED_COPY_WAIT_MS);
      }
    },
    [queryClient],
  );

  const run = useCallback(
    async (follow: Follow) => {
      if (abortRef.current) return;
      const controller = new AbortController();
      const { signal } = controller;
      abortRef.current = controller;
      const position = startPosition(follow.kind === 'attach' ? follow.generation.id : null);
      positionRef.current = position;
      stopRef.current = 'none';
      retryRef.current = null;
      let conversationId = follow.kind === 'attach' ? follow.conversationId : follow.request.conversationId;
      let messageId = follow.kind === 'attach' ? follow.generation.messageId : null;
      const model = follow.kind === 'start' ? follow.request.model : useChatStore.getState().model;

      const sent = follow.kind === 'start' && follow.request.kind === 'send' ? follow.request.content : null;
      const store = useChatStore.getState();
      store.setError(null);
      store.setStopped(false);
      store.setFailedMessage(null);
      store.setLive({
        follow,
        conversationId,
        userMessage: sent,
        replaces: follow.kind === 'start' ? replacedBy(follow.request) : null,
        generationId: position.generationId,
        messageId,
        content: '',
        phase: 'waiting',
        stopping: false,
      });
      // Until `meta` names it, a reload would not know a new chat's conversation: see pending-send.ts.
      if (sent !== null && follow.kind === 'start' && follow.request.conversationId === null) store.setPendingSend({ content: sent, sentAt: Date.now() });

      let networkLost = false;
      let finished = false;
      /** Lost before `meta`: whether the Worker stored the message is unknown, so it stays pending too (see pending-send.ts). */
      let unknownIfStored = false;
      try {
        const end = await followGeneration({
          open: follow.kind === 'attach' ? () => api.followGeneration(follow.generation.id, 0, signal) : () => api.openStream(follow.request, signal),
          resume: (generationId, after) => api.followGeneration(generationId, after, signal),
          position,
          wait: (attempt) => waitToReconnect(reconnectDelay(attempt), signal),
          handlers: {
            onMeta: (meta) => {
              const state = useChatStore.getState();
              messageId = meta.messageId;
              const naming = conversationId !== meta.conversationId;
              state.startAnswer(meta, naming);
              if (naming) {
                conversationId = meta.conversationId;
                // The new chat has its URL from now on; the same page goes on showing the answer.
                window.history.replaceState(null, '', conversationPath(meta.conversationId));
                void queryClient.invalidateQueries({ queryKey: ['conversations'] });
              }
              if (stopRef.current === 'wanted') sendStop(meta.generationId);
            },
            onDelta: (text) => useChatStore.getState().appendDelta(text),
          },
        });
        finished = true;
        if (end.finishReason === 'stopped') useChatStore.getState().setStopped(true);
      } catch (err) {
        if (signal.aborted) {
          // This page went away: only its subscription ends; the answer goes on without it.
        } else if (err instanceof ApiError && err.status === 404 && position.generationId !== null) {
          // The generation is not there to follow (any more): the stored conversation is what there is.
          finished = true;
        } else {
          const error = toDisplayError(err);
          networkLost = error.code === 'network';
          // No `meta`: the Worker never stored the message, so it stays on screen as failed.
          const unstored = sent !== null && messageId === null;
          unknownIfStored = unstored && networkLost;
          if (RETRYABLE.has(error.code)) {
            const generationId = position.generationId;
            const known = conversationId;
            const knownMessage = messageId;
            if (networkLost && generationId && known && knownMessage) {
              // The answer is still being written on the server: attach to it again.
              retryRef.current = () => void run({ kind: 'attach', conversationId: known, generation: { id: generationId, messageId: knownMessage } });
            } else if (unstored && follow.kind === 'start') {
              const request = follow.request;
              // A 429 comes after the Worker stored the message: then it is answered, not sent twice.
              retryRef.current = () =>
                void run(known && lastStoredIs(known, sent) ? { kind: 'start', request: { kind: 'answer', conversationId: known, model, regenerate: false } } : { kind: 'start', request });
            } else if (known) {
              // Once the message is stored, retrying answers it instead of sending it twice.
              retryRef.current = () => void run({ kind: 'start', request: { kind: 'answer', conversationId: known, model, regenerate: true } });
            } else if (follow.kind === 'start') {
              const request = follow.request;
              retryRef.current = () => void run({ kind: 'start', request });
            }
          }
          const state = useChatStore.getState();
          if (unstored) {
            state.setFailedMessage(sent);
            // The text is kept in the failed message (Edit puts it back), not twice on screen.
            if (state.draft.trim() === sent) state.setDraft('');
          }
          state.setError(error);
        }
      } finally {
        if (position.generationId && finished) endedRef.current.add(position.generationId);
        // An aborted follow may end after a newer one began (a page mounted again): leave that one be.
        if (abortRef.current === controller) {
          abortRef.current = null;
          positionRef.current = null;
          stopRef.current = 'none';
        }
        if (!signal.aborted) {
          // Named (`meta`) or refused, the message is no longer pending; a page gone, or a
          // connection lost before `meta` (a reload cuts it off too), keeps it for the next load.
          if (!unknownIfStored) useChatStore.getState().setPendingSend(null);
          const reread = Promise.all([
            conversationId ? rereadUntilStored(conversationId, finished ? messageId : null) : undefined,
            queryClient.invalidateQueries({ queryKey: ['conversations'] }),
            queryClient.invalidateQueries({ queryKey: ['me'] }),
          ]);
          // The stored answer replaces the live one without a flicker; offline, re-reading
          // would only retry and keep the page "answering", so it is not waited for.
          if (!networkLost) await reread;
        }
        if (useChatStore.getState().live?.follow === follow) useChatStore.getState().setLive(null);
      }
    },
    [queryClient, lastStoredIs, replacedBy, rereadUntilStored, sendStop],
  );

  // Another conversation opened (a link, back or forward) while this one's answer is being
  // written: only this tab's subscription ends; coming back attaches to the answer again.
  useEffect(() => {
    const live = useChatStore.getState().live;
    // A new chat's answer before its `meta` belongs to no conversation yet: it stays followed.
    if (live && abortRef.current && live.conversationId !== null && live.conversationId !== activeConversationId) {
      abortRef.current.abort();
      abortRef.current = null;
    }
  }, [activeConversationId]);

  // A reloaded page, a second tab, or a conversation opened while its answer is still being
  // written: attach to that answer from its beginning.
  const conversation = useQuery(conversationQuery(activeConversationId));
  const running = conversation.data?.activeGeneration ?? null;
  useEffect(() => {
    if (!running || !activeConversationId || abortRef.current || endedRef.current.has(running.id)) return;
    void run({ kind: 'attach', conversationId: activeConversationId, generation: running });
  }, [running, activeConversationId, run]);

  useEffect(() => preloadWhenIdle(loadStreamReader), []);

  useEffect(() => {
    const onOnline = () => {
      if (useChatStore.getState().error?.code === 'network') retryRef.current?.();
    };
    window.addEventListener('online', onOnline);
    return () => window.removeEventListener('online', onOnline);
  }, []);

  // Leaving the page closes this tab's connection; the answer itself runs on. Cleared at
  // once, so a page mounted again (React's dev double mount too) attaches anew.
  useEffect(
    () => () => {
      abortRef.current?.abort();
      abortRef.current = null;
    },
    [],
  );

  return {
    // The conversation is read from the address bar, which a new chat changes at once (the
    // page follows a moment later): a message typed right after New chat starts a new one.
    send: (content: string) => {
      const { model } = useChatStore.getState();
      return run({ kind: 'start', request: { kind: 'send', conversationId: conversationIdOf(window.location.pathname), content, model } });
    },
    /** Sends `content` as a new version of the user message `messageId`, answered from the history before it. */
    edit: (messageId: string, content: string) => {
      const { model } = useChatStore.getState();
      const conversationId = conversationIdOf(window.location.pathname);
      if (conversationId) return run({ kind: 'start', request: { kind: 'send', conversationId, content, model, editOf: messageId } });
    },
    answer: (regenerate: boolean) => {
      const { model } = useChatStore.getState();
      const conversationId = conversationIdOf(window.location.pathname);
      if (conversationId) return run({ kind: 'start', request: { kind: 'answer', conversationId, model, regenerate } });
    },
    /** Asks the server to end the answer; the stream is read on until its `done`. */
    stop: () => {
      const state = useChatStore.getState();
      if (!state.live || stopRef.current !== 'none') return;
      state.setStopping(true);
      const generationId = positionRef.current?.generationId;
      if (generationId) sendStop(generationId);
      else stopRef.current = 'wanted';
    },
    retry: () => retryRef.current?.(),
    canRetry: () => retryRef.current !== null,
  };
}

export type ChatStream = ReturnType<typeof useChatStream>;

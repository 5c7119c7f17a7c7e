'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import { api, ApiError, isAbortError, type StreamRequest } from '@/lib/api';
import { readChatStream } from '@/lib/event-stream';
import { useChatStore, type ChatError } from '@/lib/stores/chat';

function toChatError(err: unknown): ChatError {
  if (err instanceof ApiError) return { code: err.code, message: err.message, traceId: err.traceId };
  return { code: 'unknown', message: err instanceof Error ? err.message : String(err), traceId: '' };
}

/** Errors a second try can fix; the rest (quota, plan) need the user to change something. */
const RETRYABLE = new Set(['network', 'upstream_error', 'upstream_rate_limited', 'upstream_timeout', 'too_many_streams', 'unknown']);

/**
 * Sends messages and receives answers as they stream: one answer at a time, stoppable
 * (the abort travels through the BFF to the Worker and the provider), retried by hand or
 * automatically when the browser comes back online after losing the network.
 */
export function useChatStream() {
  const queryClient = useQueryClient();
  const abortRef = useRef<AbortController | null>(null);
  const retryRef = useRef<(() => void) | null>(null);

  const run = useCallback(
    async (request: StreamRequest) => {
      if (abortRef.current) return;
      const controller = new AbortController();
      abortRef.current = controller;
      const store = useChatStore.getState();
      store.setError(null);
      store.setStopped(false);
      store.setLive({ conversationId: request.conversationId, userMessage: request.kind === 'send' ? request.content : null, content: '', phase: 'waiting' });
      let conversationId = request.conversationId;
      let networkLost = false;
      retryRef.current = null;
      try {
        const res = await api.openStream(request, controller.signal);
        if (!res.body) throw new ApiError(502, 'upstream_error', 'Empty answer', res.headers.get('X-Trace-Id') ?? '');
        await readChatStream(res.body, {
          onMeta: (meta) => {
            const state = useChatStore.getState();
            if (conversationId !== meta.conversationId) {
              conversationId = meta.conversationId;
              state.selectConversation(meta.conversationId);
              void queryClient.invalidateQueries({ queryKey: ['conversations'] });
            }
            if (state.live) state.setLive({ ...state.live, conversationId: meta.conversationId });
          },
          onDelta: (text) => useChatStore.getState().appendDelta(text),
        });
      } catch (err) {
        if (isAbortError(err) || controller.signal.aborted) {
          useChatStore.getState().setStopped(true);
        } else {
          const error = toChatError(err);
          networkLost = error.code === 'network';
          if (RETRYABLE.has(error.code)) {
            // Once the message is stored, retrying answers it instead of sending it twice;
            // `regenerate` also covers a partial answer the Worker kept from the cut stream.
            const known = conversationId;
            retryRef.current = known ? () => void run({ kind: 'answer', conversationId: known, model: request.model, regenerate: true }) : () => void run(request);
          }
          useChatStore.getState().setError(error);
        }
      } finally {
        abortRef.current = null;
        const reread = Promise.all([
          conversationId ? queryClient.invalidateQueries({ queryKey: ['conversation', conversationId] }) : undefined,
          queryClient.invalidateQueries({ queryKey: ['conversations'] }),
          queryClient.invalidateQueries({ queryKey: ['me'] }),
        ]);
        // The stored answer replaces the live one without a flicker; offline, re-reading
        // would only retry and keep the page "answering", so it is not waited for.
        if (!networkLost) await reread;
        useChatStore.getState().setLive(null);
      }
    },
    [queryClient],
  );

  useEffect(() => {
    const onOnline = () => {
      if (useChatStore.getState().error?.code === 'network') retryRef.current?.();
    };
    window.addEventListener('online', onOnline);
    return () => window.removeEventListener('online', onOnline);
  }, []);

  // Leaving the page ends the answer too.
  useEffect(() => () => abortRef.current?.abort(), []);

  return {
    send: (content: string) => {
      const { activeConversationId, model } = useChatStore.getState();
      return run({ kind: 'send', conversationId: activeConversationId, content, model });
    },
    answer: (regenerate: boolean) => {
      const { activeConversationId, model } = useChatStore.getState();
      if (activeConversationId) return run({ kind: 'answer', conversationId: activeConversationId, model, regenerate });
    },
    stop: () => abortRef.current?.abort(),
    retry: () => retryRef.current?.(),
    canRetry: () => retryRef.current !== null,
  };
}

export type ChatStream = ReturnType<typeof useChatStream>;

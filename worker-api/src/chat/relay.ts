import type { Stream } from 'openai/streaming';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { Db } from '../db/client';
import { newId } from '../db/ids';
import type { PlanRow } from '../db/schema';
import { ApiError } from '../http/errors';
import { reserveQuota, type Reservation } from '../policy/quota';
import { estimatePromptTokens, estimateTokens } from '../policy/tokens';
import type { PromptMessage } from './context';
import { openaiClient } from './openai';
import { settleStream, type StreamOutcome } from './settle';
import { SSE_HEADERS, SseStream } from './sse';
import { classifyUpstreamError, isAbort, upstreamApiError } from './upstream-errors';

/** A stream is cut off after this long, well inside the reservation's lifetime. */
const MAX_STREAM_MS = 8 * 60_000;

export type RelayInput = {
  db: Db;
  d1: D1Database;
  env: { OPENAI_API_KEY?: string; OPENAI_BASE_URL: string; HEARTBEAT_MS: string };
  waitUntil: (promise: Promise<unknown>) => void;
  traceId: string;
  userId: string;
  plan: PlanRow;
  conversationId: string;
  model: string;
  prompt: PromptMessage[];
  requestedMaxTokens?: number | undefined;
};

function heartbeatMs(raw: string): number {
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 ? n : 15_000;
}

/**
 * Answers a prompt as the contract's event stream: reserves quota, opens the upstream
 * stream (failures before its first byte become JSON errors), then relays each chunk as it
 * arrives, with heartbeats. However the stream ends — done, client gone, upstream failed —
 * it settles exactly once, inside `waitUntil`, before the final event is written.
 */
export async function relayChatStream(input: RelayInput): Promise<Response> {
  const started = Date.now();
  const promptTokens = estimatePromptTokens(input.prompt);
  const requestId = newId('req');
  const base = { reservationId: requestId, userId: input.userId, traceId: input.traceId, conversationId: input.conversationId, model: input.model };
  /** Ends a request that never reached an answer: no tokens, no message. */
  const settleUnanswered = (status: 'rejected' | 'error', errorCode: string) =>
    settleStream(input.db, { ...base, message: null, promptTokens: 0, completionTokens: 0, estimated: false, status, errorCode, ttftMs: null, durationMs: Date.now() - started });
  let reservation: Reservation;
  try {
    reservation = await reserveQuota(input.d1, { id: requestId, userId: input.userId, plan: input.plan, promptTokens, requestedMaxTokens: input.requestedMaxTokens });
  } catch (err) {
    // Refusals go in the audit trail too, so an operator can see why a user got a 429.
    if (err instanceof ApiError) await settleUnanswered('rejected', err.code);
    throw err;
  }
  const messageId = newId('msg');

  const abort = new AbortController();
  let upstream: Stream<ChatCompletionChunk>;
  try {
    upstream = await openaiClient(input.env).chat.completions.create(
      {
        model: input.model,
        messages: input.prompt,
        stream: true,
        stream_options: { include_usage: true },
        max_completion_tokens: reservation.maxTokens,
      },
      { signal: abort.signal },
    );
  } catch (err) {
    const failure = classifyUpstreamError(err);
    await settleUnanswered('error', failure.code);
    throw upstreamApiError(failure);
  }

  const sse = new SseStream(heartbeatMs(input.env.HEARTBEAT_MS), () => abort.abort());
  sse.send('meta', { conversationId: input.conversationId, messageId, model: input.model, traceId: input.traceId });

  const pump = async () => {
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, MAX_STREAM_MS);
    let text = '';
    let finishReason: string | null = null;
    let usage: CompletionUsage | undefined;
    let ttftMs: number | null = null;
    let status: StreamOutcome['status'] = 'ok';
    let errorCode: string | null = null;
    const fail = (code: string, message: string) => {
      status = 'error';
      errorCode = code;
      sse.send('error', { code, message });
    };
    try {
      for await (const chunk of upstream) {
        const choice = chunk.choices[0];
        const delta = choice?.delta?.content;
        if (delta) {
          ttftMs ??= Date.now() - started;
          text += delta;
          sse.send('delta', { content: delta });
        }
        if (choice?.finish_reason) finishReason = choice.finish_reason;
        if (chunk.usage) usage = chunk.usage;
      }
    } catch (err) {
      if (!isAbort(err)) {
        const failure = classifyUpstreamError(err);
        fail(failure.code, failure.message);
      }
    } finally {
      clearTimeout(deadline);
    }
    // The SDK ends the iteration quietly on abort, so how the stream ended is read from here.
    if (status === 'ok' && abort.signal.aborted) {
      if (timedOut) fail('upstream_timeout', 'The answer took too long and was cut off');
      else status = 'aborted';
    } else if (status === 'ok' && finishReason === null) {
      fail('upstream_error', 'The AI provider ended the answer early');
    }

    const counts = usage
      ? { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens, estimated: false }
      : { promptTokens, completionTokens: estimateTokens(text), estimated: true };
    if (status === 'ok') {
      const { promptTokens: prompt, completionTokens: completion } = counts;
      sse.send('usage', { promptTokens: prompt, completionTokens: completion, totalTokens: prompt + completion });
    }
    try {
      await settleStream(input.db, {
        ...base,
        ...counts,
        message: { id: messageId, content: text, finishReason: status === 'ok' ? (finishReason ?? 'stop') : status },
        status,
        errorCode,
        ttftMs,
        durationMs: Date.now() - started,
      });
    } catch (err) {
      console.log(JSON.stringify({ level: 'error', event: 'settle_failed', traceId: input.traceId, error: String(err) }));
    }
    if (status === 'ok') sse.send('done', { finishReason: finishReason ?? 'stop' });
    sse.close();
  };
  input.waitUntil(pump());

  return new Response(sse.body, { status: 200, headers: { ...SSE_HEADERS, 'X-Trace-Id': input.traceId } });
}

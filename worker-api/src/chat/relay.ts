import type { CompletionUsage } from 'openai/resources/completions';
import type { Db } from '../db/client';
import { newId } from '../db/ids';
import type { PlanRow } from '../db/schema';
import { ApiError } from '../http/errors';
import { reservationOf, reservationStatement, type Reservation, type ReservationStatement } from '../policy/quota';
import { estimatePromptTokens, estimateTokens } from '../policy/tokens';
import { completionChunks } from './completion-chunks';
import type { PromptMessage } from './context';
import { openaiClient } from './openai';
import { settleStream, type StreamOutcome } from './settle';
import { SSE_HEADERS, SseStream } from './sse';
import { classifyUpstreamError, isAbort, upstreamApiError } from './upstream-errors';

/** A stream is cut off after this long, well inside the reservation's lifetime. */
const MAX_STREAM_MS = 8 * 60_000;
/** Default of UPSTREAM_TIMEOUT_MS: how long the upstream may stay silent, before its first byte or between chunks. */
const DEFAULT_UPSTREAM_TIMEOUT_MS = 30_000;

export type RelayInput = {
  db: Db;
  d1: D1Database;
  env: { OPENAI_API_KEY?: string; OPENAI_BASE_URL: string; HEARTBEAT_MS: string; UPSTREAM_TIMEOUT_MS?: string };
  /** The client's request: when it goes away, so does the upstream request. */
  signal?: AbortSignal;
  waitUntil: (promise: Promise<unknown>) => void;
  traceId: string;
  userId: string;
  plan: PlanRow;
  conversationId: string;
  model: string;
  prompt: PromptMessage[];
  requestedMaxTokens?: number | undefined;
  /**
   * Runs the reservation statement, in one D1 batch with the writes the request makes before
   * answering (storing the user's turn), and gives back its rows.
   */
  reserveWith: (reservation: ReservationStatement) => Promise<readonly { tokens: number }[]>;
};

function positiveMs(raw: string | undefined, fallback: number): number {
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 ? n : fallback;
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
  const settleUnanswered = (status: 'rejected' | 'error' | 'aborted', errorCode: string | null) =>
    settleStream(input.db, { ...base, message: null, promptTokens: 0, completionTokens: 0, estimated: false, status, errorCode, ttftMs: null, durationMs: Date.now() - started });
  let reservation: Reservation;
  try {
    const request = { id: requestId, userId: input.userId, plan: input.plan, promptTokens, requestedMaxTokens: input.requestedMaxTokens };
    const now = Date.now();
    reservation = await reservationOf(input.d1, request, await input.reserveWith(reservationStatement(input.db, request, now)), now);
  } catch (err) {
    // Refusals go in the audit trail too, so an operator can see why a user got a 429.
    if (err instanceof ApiError) await settleUnanswered('rejected', err.code);
    throw err;
  }
  const messageId = newId('msg');

  const abort = new AbortController();
  const onClientGone = () => abort.abort();
  input.signal?.addEventListener('abort', onClientGone, { once: true });
  const upstreamTimeoutMs = positiveMs(input.env.UPSTREAM_TIMEOUT_MS, DEFAULT_UPSTREAM_TIMEOUT_MS);
  let upstream: Response;
  try {
    upstream = await openaiClient(input.env).chat.completions.create(
      {
        model: input.model,
        messages: input.prompt,
        stream: true,
        stream_options: { include_usage: true },
        max_completion_tokens: reservation.maxTokens,
      },
      { signal: abort.signal, timeout: upstreamTimeoutMs },
    ).asResponse();
  } catch (err) {
    input.signal?.removeEventListener('abort', onClientGone);
    const failure = classifyUpstreamError(err);
    // The client left before the upstream answered: recorded as theirs, not as a provider failure.
    await settleUnanswered(input.signal?.aborted && isAbort(err) ? 'aborted' : 'error', input.signal?.aborted ? null : failure.code);
    throw upstreamApiError(failure);
  }

  const sse = new SseStream(positiveMs(input.env.HEARTBEAT_MS, 15_000), () => abort.abort());
  sse.send('meta', { conversationId: input.conversationId, messageId, model: input.model, traceId: input.traceId });

  const pump = async () => {
    let timedOut = false;
    let lastChunkAt = Date.now();
    // One watchdog for both limits: the whole answer, and silence between chunks (a stalled
    // upstream must not hold the user's stream slot and tokens until the reservation expires).
    const watchdog = setInterval(() => {
      const now = Date.now();
      if (now - started > MAX_STREAM_MS || now - lastChunkAt > upstreamTimeoutMs) {
        timedOut = true;
        abort.abort();
      }
    }, Math.min(1000, upstreamTimeoutMs));
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
      for await (const batch of completionChunks(upstream.body, abort.signal)) {
        lastChunkAt = Date.now();
        // Chunks that arrived in one read go out as one frame: the same text, fewer writes.
        let delta = '';
        for (const chunk of batch) {
          const choice = chunk.choices[0];
          delta += choice?.delta?.content ?? '';
          if (choice?.finish_reason) finishReason = choice.finish_reason;
          if (chunk.usage) usage = chunk.usage;
        }
        if (delta) {
          ttftMs ??= Date.now() - started;
          text += delta;
          sse.send('delta', { content: delta });
        }
      }
    } catch (err) {
      // Once aborted, the read fails with whatever the runtime makes of the abort: ours, not the provider's.
      if (!abort.signal.aborted) {
        const failure = classifyUpstreamError(err);
        fail(failure.code, failure.message);
      }
    } finally {
      clearInterval(watchdog);
      input.signal?.removeEventListener('abort', onClientGone);
    }
    // An abort ends the iteration quietly, so how the stream ended is read from here.
    if (status === 'ok' && abort.signal.aborted) {
      if (timedOut) fail('upstream_timeout', 'The AI provider stopped answering, or the answer took too long, and it was cut off');
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

import type { Config } from '../config';
import { estimateTokens } from '../policy/tokens';
import { emptyReport, readUpstreamChunks, type UpstreamPlan, type UpstreamReport } from '../providers/upstream';
import type { CompletionUsage } from '../providers/wire';
import { classifyUpstreamError, type UpstreamFailure } from './upstream-errors';

/** A stream is cut off after this long, well inside the reservation's lifetime. */
export const MAX_STREAM_MS = 8 * 60_000;

/** The configuration the relay reads: how long the upstream may stay silent once it is answering. */
export type RelayConfig = Pick<Config, 'upstreamTimeoutMs'>;

export type RelayRequest = {
  config: RelayConfig;
  /** Who may answer and what they are sent; retries and fallbacks before the first token are its own. */
  upstream: UpstreamPlan;
  /** Our estimate of the prompt, used when the provider reports no usage. */
  promptTokens: number;
  /** When the request was accepted: time to first token and the stream's time limit count from here. */
  startedAt: number;
  /** Stops the answer: the upstream request is aborted at once and the relay ends `stopped`. */
  stop: AbortSignal;
};

/**
 * How the upstream answer ended. `finished`: the provider said it was done (`finishReason`);
 * `stopped`: the stop signal ended it; `failed`: the provider failed, went silent, or the
 * answer ran out of time (`failure`).
 */
export type RelayResult = {
  end: 'finished' | 'stopped' | 'failed';
  text: string;
  finishReason: string;
  failure: Pick<UpstreamFailure, 'code' | 'message'> | null;
  promptTokens: number;
  completionTokens: number;
  /** True when the provider gave no usage and the counts are our estimate. */
  estimated: boolean;
  ttftMs: number | null;
  /** Which provider and model answered (or were tried last), after how many attempts. */
  upstream: UpstreamReport;
};

/**
 * Relays one chat completion: calls the provider, hands each piece of the answer to
 * `onDelta` as it arrives (chunks that came in one network read as one piece), and says how
 * it ended. Never throws for anything the provider does: a failure before the first byte or
 * mid-answer is a `failed` result, with the contract's code.
 */
export async function relayCompletion(req: RelayRequest, onDelta: (content: string) => void): Promise<RelayResult> {
  const abort = new AbortController();
  const onStop = () => abort.abort();
  req.stop.addEventListener('abort', onStop, { once: true });
  if (req.stop.aborted) abort.abort();
  const { upstreamTimeoutMs } = req.config;
  let timedOut = false;
  let lastChunkAt = Date.now();
  // One watchdog for both limits: the whole answer, and silence between chunks once content
  // flows (a stalled upstream must not hold the user's stream slot and tokens until the
  // reservation expires). Silence before the first token is the upstream plan's to retry.
  const watchdog = setInterval(() => {
    const now = Date.now();
    if (now - req.startedAt > MAX_STREAM_MS || (ttftMs !== null && now - lastChunkAt > upstreamTimeoutMs)) {
      timedOut = true;
      abort.abort();
    }
  }, Math.min(1000, upstreamTimeoutMs));

  let text = '';
  let finishReason: string | null = null;
  let usage: CompletionUsage | undefined;
  let ttftMs: number | null = null;
  let failure: RelayResult['failure'] = null;
  const report = emptyReport();
  try {
    await readUpstreamChunks(req.upstream, abort.signal, report, (batch) => {
      lastChunkAt = Date.now();
      let delta = '';
      for (const chunk of batch) {
        const choice = chunk.choices[0];
        delta += choice?.delta?.content ?? '';
        if (choice?.finish_reason) finishReason = choice.finish_reason;
        if (chunk.usage) usage = chunk.usage;
      }
      if (delta) {
        ttftMs ??= lastChunkAt - req.startedAt;
        text += delta;
        onDelta(delta);
      }
    });
  } catch (err) {
    // Once aborted, the call or the read fails with whatever the runtime makes of the abort: ours, not the provider's.
    if (!abort.signal.aborted) failure = classifyUpstreamError(err);
  } finally {
    clearInterval(watchdog);
    req.stop.removeEventListener('abort', onStop);
  }
  // An abort ends the read quietly, so how the answer ended is read from here.
  let end: RelayResult['end'] = 'finished';
  if (failure) end = 'failed';
  else if (abort.signal.aborted && timedOut && !req.stop.aborted) {
    end = 'failed';
    failure = { code: 'upstream_timeout', message: 'The AI provider stopped answering, or the answer took too long, and it was cut off' };
  } else if (abort.signal.aborted) end = 'stopped';
  else if (finishReason === null) {
    end = 'failed';
    failure = { code: 'upstream_error', message: 'The AI provider ended the answer early' };
  }

  const counts = usage
    ? { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens, estimated: false }
    : { promptTokens: req.promptTokens, completionTokens: estimateTokens(text), estimated: true };
  return { end, text, finishReason: end === 'finished' ? (finishReason ?? 'stop') : end === 'stopped' ? 'stopped' : 'error', failure, ttftMs, ...counts, upstream: report };
}

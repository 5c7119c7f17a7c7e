import { readCompletionChunks, type OnBatch } from '../chat/completion-chunks';
import { log } from '../log';
import type { Candidate } from './candidates';
import { AttemptFailed, openCompletion, type CompletionCall } from './client';
import { fallsBack, MAX_ATTEMPTS_PER_MODEL, retriesSameModel, retryDeadline, waitBeforeRetry, type AttemptFailure } from './retry-policy';
import type { ChatCompletionChunk } from './wire';

/** Everything needed to get one answer from the registry's models, decided at admission. */
export type UpstreamPlan = {
  /** Tried in order: the admitted model first, then its usable fallbacks. */
  candidates: Candidate[];
  call: CompletionCall;
  /** Silence that fails an attempt before its first content token (`UPSTREAM_TIMEOUT_MS`). */
  timeoutMs: number;
  /** Time for retries and waits before the first content token (`UPSTREAM_RETRY_BUDGET_MS`). */
  budgetMs: number;
};

/** What the upstream side of an answer did, for the ledger and the client; filled in as it goes. */
export type UpstreamReport = {
  /** The candidate that answered, or the last one tried; null when none was. */
  candidate: Candidate | null;
  /** True once a candidate's answer is coming: from then on nothing is retried. */
  answered: boolean;
  /** Upstream requests made: retries and fallbacks included. */
  attempts: number;
  /** The last failure's label (`503`, `timeout`, `connect`, …), also when a later attempt answered. */
  lastError: string | null;
};

export function emptyReport(): UpstreamReport {
  return { candidate: null, answered: false, attempts: 0, lastError: null };
}

/** Every candidate failed before its first content token; `failure` is the last one's (null: there was no candidate). */
export class UpstreamFailed extends Error {
  override readonly name = 'UpstreamFailed';
  constructor(readonly failure: AttemptFailure | null) {
    super(`no upstream answered: ${failure?.label ?? 'no candidate'}`);
  }
}

const TIMEOUT: AttemptFailure = { kind: 'timeout', label: 'timeout' };
const BROKEN: AttemptFailure = { kind: 'stream', label: 'stream' };

function hasContent(batch: readonly ChatCompletionChunk[]): boolean {
  return batch.some((chunk) => (chunk.choices[0]?.delta.content ?? '') !== '');
}

function hasFinish(batches: readonly ChatCompletionChunk[][]): boolean {
  return batches.some((batch) => batch.some((chunk) => chunk.choices[0]?.finish_reason));
}

/** Waits `ms`; false when `signal` aborted first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * One attempt on one candidate. Until its first content token it guards the upstream's
 * silence itself (a timeout here is retried) and holds back what it read (the role chunk),
 * so a failure leaves nothing behind; from the first content on it hands every batch to
 * `onBatch` and a failure is thrown to the relay, never retried. Resolves `answered` once
 * the answer ended (or `signal` stopped it), else why the attempt failed.
 */
async function attempt(c: Candidate, plan: UpstreamPlan, signal: AbortSignal, report: UpstreamReport, onBatch: OnBatch): Promise<AttemptFailure | 'answered'> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, plan.timeoutMs);
  };
  arm();
  const held: ChatCompletionChunk[][] = [];
  const release = () => {
    report.answered = true;
    for (const batch of held.splice(0)) onBatch(batch);
  };
  try {
    const res = await openCompletion(c, plan.call, controller.signal);
    arm();
    await readCompletionChunks(res.body, controller.signal, (batch) => {
      if (report.answered) return onBatch(batch);
      arm();
      held.push(batch);
      if (hasContent(batch)) {
        // The relay's watchdog guards the silence from here.
        clearTimeout(timer);
        release();
      }
    });
    if (report.answered || signal.aborted) return 'answered';
    if (timedOut) return TIMEOUT;
    // A stream that ended without content: an empty answer if the provider said it finished, else a broken one.
    if (!hasFinish(held)) return BROKEN;
    release();
    return 'answered';
  } catch (err) {
    if (report.answered) throw err;
    if (signal.aborted) return 'answered';
    if (timedOut) return TIMEOUT;
    return err instanceof AttemptFailed ? err.failure : BROKEN;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Hands `onBatch` the answer's chunks, one batch per network read, from the first candidate that answers.
 * Before the first content token a transient failure (connect, timeout, a broken stream,
 * 429, 5xx) is retried on the same model with backoff (or the provider's `Retry-After`)
 * while that model's share of the budget lasts (`retryDeadline`), then the next candidate
 * is tried; a refused key (401/403) or a missing one moves straight to the next; a 400 or
 * 404 ends it. Heartbeats are the stream's own and flow meanwhile. After the first content
 * token nothing is retried. Rejects with `UpstreamFailed` when no candidate answered; resolves
 * quietly when `signal` aborts. `report` says who answered and how many attempts it took.
 */
export async function readUpstreamChunks(plan: UpstreamPlan, signal: AbortSignal, report: UpstreamReport, onBatch: OnBatch): Promise<void> {
  const start = Date.now();
  let last: AttemptFailure | null = null;
  candidates: for (const [index, candidate] of plan.candidates.entries()) {
    const deadline = retryDeadline(start, plan.budgetMs, index, plan.candidates.length);
    for (let tries = 1; ; tries++) {
      if (signal.aborted) return;
      report.candidate = candidate;
      report.attempts++;
      const outcome = await attempt(candidate, plan, signal, report, onBatch);
      if (outcome === 'answered') return;
      last = outcome;
      report.lastError = outcome.label;
      log('warn', 'upstream_attempt_failed', { traceId: plan.call.metadata.traceId, model: candidate.modelId, provider: candidate.providerId, attempt: report.attempts, error: outcome.label });
      if (!fallsBack(outcome)) break candidates;
      if (!retriesSameModel(outcome) || tries >= MAX_ATTEMPTS_PER_MODEL) continue candidates;
      const wait = waitBeforeRetry(outcome, tries);
      if (Date.now() + wait > deadline) continue candidates;
      if (!(await sleep(wait, signal))) return;
    }
  }
  throw new UpstreamFailed(last);
}

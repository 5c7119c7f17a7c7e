/**
 * When an upstream attempt that failed before its first content token is tried again, on the
 * same model or the next one, and how long to wait first. Nothing here applies once content
 * has gone out: the user would see the answer twice.
 */

/** Why one attempt produced no answer. `label` is what the ledger keeps (`last_upstream_error`): never a key or an upstream body. */
export type AttemptFailure =
  | { kind: 'connect'; label: 'connect' }
  | { kind: 'timeout'; label: 'timeout' }
  /** The stream broke (an error event, bad framing, a dropped connection) before any content. */
  | { kind: 'stream'; label: 'stream' }
  /** The provider row names a secret the Worker does not have. */
  | { kind: 'missing_secret'; label: 'missing_secret'; secret: string }
  | { kind: 'status'; label: string; status: number; retryAfterMs: number | null };

/** Attempts on one model at most, however much budget is left: a failing provider is not hammered. */
export const MAX_ATTEMPTS_PER_MODEL = 4;
const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 4_000;

/** Worth trying again on the same provider: a transient failure (connect, timeout, a broken stream, 429, 5xx). */
export function retriesSameModel(f: AttemptFailure): boolean {
  if (f.kind === 'status') return f.status === 429 || f.status >= 500;
  return f.kind !== 'missing_secret';
}

/**
 * Worth trying the next model: anything the same provider would repeat or that another could
 * avoid (its key refused, 401/403, or none configured). A 400 or 404 is the request's own
 * fault (or a model name the operator got wrong), which a fallback would not cure: it ends
 * the answer at once.
 */
export function fallsBack(f: AttemptFailure): boolean {
  if (f.kind === 'status') return retriesSameModel(f) || f.status === 401 || f.status === 403;
  return true;
}

/**
 * The wait before retry number `retry` (1 for the first retry): exponential from 250 ms,
 * capped at 4 s, with "equal jitter" (half fixed, half random) so many answers failing at
 * once do not retry in step, yet none retries at once.
 */
export function backoffMs(retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (header === null || header.trim() === '') return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** How long to wait before retrying after `f`: what the provider asked for, else the backoff. */
export function waitBeforeRetry(f: AttemptFailure, retry: number): number {
  return f.kind === 'status' && f.retryAfterMs !== null ? f.retryAfterMs : backoffMs(retry);
}

/**
 * When each model's retries must have started by, for `count` models tried in order within
 * `budgetMs` from `start`. The budget is cut into equal consecutive slices, the model at
 * `index` retrying until the end of its own: a primary that keeps failing cannot spend the
 * time its fallbacks need, while time a model did not use (it failed fast, or answered)
 * passes on to the next. Every model gets its first attempt whatever the budget says; the
 * slices only bound retries and waits.
 *
 * @example retryDeadline(0, 8000, 0, 2) // 4000: the primary retries within the first half
 */
export function retryDeadline(start: number, budgetMs: number, index: number, count: number): number {
  return start + (budgetMs * (index + 1)) / Math.max(1, count);
}

import { DAY_MS } from '../days';

/** The quota windows: a UTC day and a UTC calendar month. */
export type QuotaWindow = 'daily' | 'monthly';

export type WindowBounds = { start: number; resetAt: number };

/** The UTC day containing `now` (epoch ms): its start and the next midnight. */
export function dayWindow(now: number): WindowBounds {
  const d = new Date(now);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  return { start, resetAt: start + DAY_MS };
}

/** The UTC calendar month containing `now`: its first instant and the next month's. */
export function monthWindow(now: number): WindowBounds {
  const d = new Date(now);
  return {
    start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
    resetAt: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
  };
}

/** Whole seconds from `now` until `at`, at least 1 (a Retry-After value). */
export function secondsUntil(at: number, now: number): number {
  return Math.max(1, Math.ceil((at - now) / 1000));
}

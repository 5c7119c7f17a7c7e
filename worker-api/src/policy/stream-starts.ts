import { burstRefusal } from './burst';

/** The window the stream-start burst counts over (config `streamStartsPerMinute`). */
export const STREAM_STARTS_WINDOW_MS = 60_000;

/**
 * The answers one user started within the last minute, counted by the user's generation
 * object (one per user, generations/object.ts) before anything is read or reserved. There it
 * costs no round trip of its own: a rate-limiting binding was a call before the admission
 * batch, the largest single wait before the first byte after the batch itself. Counted in
 * memory: an object that is evicted (idle for minutes) or restarted by a deploy starts
 * afresh, which a burst guard can afford; the quota and the stream slots, the exact limits,
 * stay in D1.
 */
export class StreamStarts {
  /** Start times within the window, oldest first. */
  private readonly times: number[] = [];

  constructor(private readonly perWindow: number) {}

  /** Counts a start at `now`; when the window is full, counts nothing and gives the seconds until it has room. */
  take(now: number): { retryAfterS: number } | null {
    const since = now - STREAM_STARTS_WINDOW_MS;
    let expired = 0;
    while (expired < this.times.length && (this.times[expired] as number) <= since) expired++;
    if (expired > 0) this.times.splice(0, expired);
    const oldest = this.times[0];
    if (oldest !== undefined && this.times.length >= this.perWindow) {
      return { retryAfterS: Math.max(1, Math.ceil((oldest + STREAM_STARTS_WINDOW_MS - now) / 1000)) };
    }
    this.times.push(now);
    return null;
  }
}

/** The 429 of a start over the burst. */
export function streamStartsRefusal(retryAfterS: number) {
  return burstRefusal('answers started', retryAfterS);
}

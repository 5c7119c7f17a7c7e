/**
 * The fake's notion of now: wall time plus an offset tests can push forward,
 * so the 10-minute payment-session window can be crossed without waiting.
 */
export class Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}

const KST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** API timestamps: KST with an explicit offset, e.g. `2024-02-13T12:18:14+09:00`. */
export function kstIso(ms: number): string {
  return `${new Date(ms + KST_OFFSET_MS).toISOString().slice(0, 19)}+09:00`;
}

/** Webhook `createdAt`: Toss's samples use KST wall time with microseconds and no offset. */
export function kstWebhookTime(ms: number): string {
  return `${new Date(ms + KST_OFFSET_MS).toISOString().slice(0, 23)}000`;
}

import { invalidRequest } from './errors';
import type { Clock } from './clock';

export const MAX_KEY_LENGTH = 300;
const KEEP_MS = 15 * 24 * 60 * 60 * 1000;

export type StoredResponse = { status: number; body: unknown };

type Entry = { state: 'processing' } | { state: 'done'; response: StoredResponse; storedAt: number };

export type Claim =
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'busy' }
  | { kind: 'fresh'; finish(response: StoredResponse): void; release(): void };

/** Checks the header value; Toss accepts keys up to 300 characters. */
export function parseIdempotencyKey(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  const key = Array.isArray(header) ? header.join(',') : header;
  if (key === '') throw invalidRequest('Idempotency-Key 헤더 값이 비어 있습니다.');
  if (key.length > MAX_KEY_LENGTH) throw invalidRequest(`Idempotency-Key는 최대 ${MAX_KEY_LENGTH}자까지 사용할 수 있습니다.`);
  return key;
}

/**
 * Remembers the first answer per (key, secret key, method, URL) for 15 days so a
 * retried POST cannot act twice; a repeat that races the first gets 409.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  claim(key: string, secretKey: string, method: string, url: string): Claim {
    const scope = JSON.stringify([key, secretKey, method, url]);
    const entry = this.entries.get(scope);
    if (entry?.state === 'processing') return { kind: 'busy' };
    if (entry?.state === 'done' && this.clock.now() - entry.storedAt < KEEP_MS) {
      return { kind: 'replay', response: entry.response };
    }
    this.entries.set(scope, { state: 'processing' });
    return {
      kind: 'fresh',
      finish: (response) => this.entries.set(scope, { state: 'done', response, storedAt: this.clock.now() }),
      // A crash inside the fake is not an answer worth replaying: let the retry run.
      release: () => this.entries.delete(scope),
    };
  }

  reset(): void {
    this.entries.clear();
  }
}

import { ApiError } from './errors';
import type { ChatStreamHandlers, StreamEnd } from './event-stream';
import { startPosition, type StreamPosition } from './stream-position';

/**
 * The stream reader (with its event parser and event schemas) is loaded with the first answer
 * followed (or preloaded once the page is idle), not with the chat page: it is nothing the page needs to show.
 */
export const loadStreamReader = () => import('./event-stream');

/** Reconnect attempts in a row without any new event before the loss is shown to the user. */
export const RECONNECT_ATTEMPTS = 8;
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 10_000;

/**
 * The wait before reconnect attempt `attempt` (1-based): exponential from 250 ms, capped at
 * 10 s (eight attempts span about half a minute), with ±20% jitter so tabs that lost the same
 * network do not all come back in the same millisecond.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (attempt - 1));
  return Math.round(base * (0.8 + random() * 0.4));
}

/**
 * Waits `ms` before a reconnect, cut short when the browser says it is back online; while it
 * says it is offline, only `online` ends the wait (an attempt then could only fail).
 * Rejects with the signal's reason when aborted.
 */
export function waitToReconnect(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const finish = () => {
      clearTimeout(timer);
      window.removeEventListener('online', finish);
      signal.removeEventListener('abort', finish);
      if (signal.aborted) reject(signal.reason);
      else resolve();
    };
    const timer = navigator.onLine ? setTimeout(finish, ms) : undefined;
    window.addEventListener('online', finish);
    signal.addEventListener('abort', finish);
    if (signal.aborted) finish();
  });
}

export type FollowOptions = {
  /** Opens the first connection: a new answer (`/ai/stream`) or a generation from seq 0. */
  open: () => Promise<Response>;
  /** Re-attaches to the generation after the seq already seen (`Last-Event-ID`). */
  resume: (generationId: string, after: number) => Promise<Response>;
  handlers: ChatStreamHandlers;
  /** Kept current; pass one to know the generation and seq after a failure. */
  position?: StreamPosition;
  /** Waits before reconnect attempt `attempt` (1-based). */
  wait: (attempt: number) => Promise<void>;
  attempts?: number;
};

/**
 * A failure a new connection can fix: a connection that broke or ended early, or (only when
 * connecting) a gateway that could not reach the Worker. An `error` event is the answer's own
 * end, never retried.
 */
function isTransient(err: unknown, connecting: boolean): boolean {
  if (!(err instanceof ApiError)) return false;
  return err.code === 'network' || (connecting && err.status >= 502 && err.status <= 504);
}

async function bodyOf(res: Response): Promise<ReadableStream<Uint8Array>> {
  if (!res.body) throw new ApiError(0, 'network', 'The answer had no body', res.headers.get('X-Trace-Id') ?? '');
  return res.body;
}

/**
 * Follows one answer to its `done` across lost connections: when a connection fails or ends
 * early and the generation is known (its `meta` was seen), it re-attaches after the last seq
 * seen, with backoff, so the text continues with nothing repeated or missing. A new answer
 * whose first connection fails before `meta`, an `error` event, or any refusal (a 404 for a
 * generation that is not there) is thrown as it is. Closing a connection never stops the
 * generation on the server; only the stop route does.
 *
 * @example const end = await followGeneration({ open, resume, handlers, wait })
 */
export async function followGeneration(options: FollowOptions): Promise<StreamEnd> {
  const position = options.position ?? startPosition();
  const attempts = options.attempts ?? RECONNECT_ATTEMPTS;
  let connect = options.open;
  let failures = 0;
  let seenAtLastFailure = position.lastEventId;
  for (;;) {
    let connecting = true;
    try {
      const [response, { readChatStream }] = await Promise.all([connect(), loadStreamReader()]);
      const body = await bodyOf(response);
      connecting = false;
      return await readChatStream(body, options.handlers, position);
    } catch (err) {
      const generationId = position.generationId;
      if (!isTransient(err, connecting) || generationId === null) throw err;
      if (position.lastEventId > seenAtLastFailure) failures = 0;
      seenAtLastFailure = position.lastEventId;
      failures += 1;
      if (failures > attempts) throw err;
      await options.wait(failures);
      connect = () => options.resume(generationId, position.lastEventId);
    }
  }
}

const encoder = new TextEncoder();
const PING = encoder.encode(': ping\n\n');

/** The response headers of every event stream (contract section 6). */
export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
} as const;

/**
 * One SSE frame as text, from data already serialised as JSON: the `id:` line when the event
 * has a sequence number (a resuming client sends the last one back as `Last-Event-ID`), the
 * `event:` line and a single-line `data:` (JSON never contains a raw newline).
 */
export function frameText(event: string, json: string, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${json}\n\n`;
}

/**
 * An event stream body that writes each frame the moment it is sent and a `: ping`
 * comment after every `heartbeatMs` without another frame, so proxies and browsers
 * keep the connection while the model thinks. `onGone` runs once when the client goes away.
 *
 * @example const sse = new SseStream(15000, () => followers.delete(sse)); sse.sendFrame(bytes); return new Response(sse.body, { headers: SSE_HEADERS })
 */
export class SseStream {
  readonly body: ReadableStream<Uint8Array>;
  private controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastWriteAt = Date.now();
  private open = true;

  constructor(
    private readonly heartbeatMs: number,
    private readonly onGone: (reason: unknown) => void,
  ) {
    // A plain queue, not workerd's IdentityTransformStream: a frame is enqueued without a
    // write promise per token per follower (that was about a seventh of the Worker's CPU per
    // token at 100 streams). The queue is bounded by the answer. A client that goes away
    // cancels it through the Durable Object's RPC boundary; should a cancel never come, the
    // follower is dropped with the others when the generation ends (`Subscribers.closeAll`).
    this.body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.controller = controller;
      },
      cancel: (reason) => this.gone(reason),
    });
    if (this.heartbeatMs > 0) this.schedule(this.heartbeatMs);
  }

  /** Sends an encoded frame (see {@link frameText}), one encoding for many streams; a no-op once the stream has ended. */
  sendFrame(bytes: Uint8Array): void {
    this.write(bytes);
  }

  /** Ends the stream after what was sent. */
  close(): void {
    if (!this.open) return;
    this.stop();
    this.controller?.close();
  }

  // Never waits for the reader: a slow client must not hold up the relay.
  private write(bytes: Uint8Array): void {
    if (!this.open) return;
    this.controller?.enqueue(bytes);
    this.lastWriteAt = Date.now();
  }

  private gone(reason: unknown): void {
    if (!this.open) return;
    this.stop();
    this.onGone(reason);
  }

  // One timer that looks at the time of the last write, rather than re-arming a timer on
  // every frame: a stream writes a frame per token, and timers are not free.
  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      if (!this.open) return;
      const quietMs = Date.now() - this.lastWriteAt;
      if (quietMs >= this.heartbeatMs) {
        this.write(PING);
        this.schedule(this.heartbeatMs);
      } else {
        this.schedule(this.heartbeatMs - quietMs);
      }
    }, delayMs);
  }

  private stop(): void {
    this.open = false;
    clearTimeout(this.timer);
  }
}

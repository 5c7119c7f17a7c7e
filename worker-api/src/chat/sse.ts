const encoder = new TextEncoder();
const PING = encoder.encode(': ping\n\n');

/** The response headers of every event stream (contract section 6). */
export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
} as const;

/** One SSE frame: `event:` line and a single-line JSON `data:` (JSON never contains a raw newline). */
export function frame(event: string, data: unknown): Uint8Array {
  return encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/**
 * An event stream body that writes each frame the moment it is sent and a `: ping`
 * comment after every `heartbeatMs` without another frame, so proxies and browsers
 * keep the connection while the model thinks. `onCancel` runs when the client goes away.
 *
 * @example const sse = new SseStream(15000, () => upstream.abort()); return new Response(sse.body, { headers: SSE_HEADERS })
 */
export class SseStream {
  readonly body: ReadableStream<Uint8Array>;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastWriteAt = Date.now();
  private open = true;

  constructor(
    private readonly heartbeatMs: number,
    onCancel: (reason: unknown) => void,
  ) {
    this.body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.controller = controller;
        if (this.heartbeatMs > 0) this.schedule(this.heartbeatMs);
      },
      cancel: (reason) => {
        this.stop();
        onCancel(reason);
      },
    });
  }

  /** Whether the client is still there to read. */
  get isOpen(): boolean {
    return this.open;
  }

  /** Sends one event; a no-op once the stream has ended. */
  send(event: string, data: unknown): void {
    this.write(frame(event, data));
  }

  /** Ends the stream after what was sent. */
  close(): void {
    if (!this.open) return;
    this.stop();
    try {
      this.controller.close();
    } catch {
      // The client left first.
    }
  }

  private write(bytes: Uint8Array): void {
    if (!this.open) return;
    try {
      this.controller.enqueue(bytes);
    } catch {
      this.stop();
      return;
    }
    this.lastWriteAt = Date.now();
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

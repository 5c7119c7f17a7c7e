import { SseStream } from '../chat/sse';

const encoder = new TextEncoder();

/**
 * The clients following one generation. Each has its own event stream with its own
 * heartbeat, from the moment it subscribes; a frame is encoded once and written to all. A
 * client that goes away is just removed: the generation goes on without it.
 */
export class Subscribers {
  private readonly streams = new Set<SseStream>();

  constructor(private readonly heartbeatMs: number) {}

  /** A new subscriber's stream: `replay` first, then, when `live`, every frame until {@link closeAll}. */
  open(replay: string, live: boolean): ReadableStream<Uint8Array> {
    const stream: SseStream = new SseStream(this.heartbeatMs, () => this.streams.delete(stream));
    if (replay) stream.sendFrame(encoder.encode(replay));
    if (live) this.streams.add(stream);
    else stream.close();
    return stream.body;
  }

  broadcast(frame: string): void {
    if (this.streams.size === 0) return;
    const bytes = encoder.encode(frame);
    for (const stream of this.streams) stream.sendFrame(bytes);
  }

  closeAll(): void {
    for (const stream of this.streams) stream.close();
    this.streams.clear();
  }
}

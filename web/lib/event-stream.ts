import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { z } from 'zod/mini';
import { ApiError, isAbortError } from './api';
import { StreamDelta, StreamDone, StreamError, StreamMeta, StreamUsage } from './stream-events';
import { startPosition, type StreamPosition } from './stream-position';

export type StreamMetaEvent = z.infer<typeof StreamMeta>;

export type ChatStreamHandlers = {
  /** The answer from its beginning: whatever is shown for this generation starts again from empty. */
  onMeta: (meta: StreamMetaEvent) => void;
  onDelta: (text: string) => void;
  onUsage?: (usage: z.infer<typeof StreamUsage>) => void;
};

/** How the answer ended (`done`): `stop`, `length`, `content_filter`, `stopped`… */
export type StreamEnd = { finishReason: string | null };

/** A numbered event's seq, or null for a frame without a usable `id:`. */
function seqOf(event: EventSourceMessage): number | null {
  if (event.id === undefined || !/^\d+$/.test(event.id)) return null;
  return Number(event.id);
}

/**
 * Reads one connection of an answer's event stream (contract section 6) as it arrives,
 * calling the handlers per event and moving `position` forward. Resolves on `done`; rejects
 * with an `ApiError` on an `error` event, or with a `network` error when the connection ends
 * or fails before `done` (resume from `position`). `: ping` comments are ignored, and so is an event
 * whose seq was already seen: a replay can then never show text twice.
 *
 * @example await readChatStream(res.body, { onMeta, onDelta: (t) => append(t) }, position)
 */
export async function readChatStream(body: ReadableStream<Uint8Array>, handlers: ChatStreamHandlers, position: StreamPosition = startPosition()): Promise<StreamEnd> {
  let end: StreamEnd | null = null;
  let failure: ApiError | null = null;

  const handle = (event: EventSourceMessage) => {
    const seq = seqOf(event);
    // `meta` restarts the answer (a replay from seq 0, or the stored message after the log is
    // gone), so it is never a duplicate; anything else at or before the last seen seq is.
    if (event.event !== 'meta' && seq !== null && seq <= position.lastEventId) return;
    const data: unknown = JSON.parse(event.data);
    switch (event.event) {
      case 'meta': {
        const meta = StreamMeta.parse(data);
        position.generationId = meta.generationId;
        position.traceId = meta.traceId;
        handlers.onMeta(meta);
        break;
      }
      case 'delta':
        handlers.onDelta(StreamDelta.parse(data).content);
        break;
      case 'usage':
        handlers.onUsage?.(StreamUsage.parse(data));
        break;
      case 'done':
        end = { finishReason: StreamDone.parse(data).finishReason ?? null };
        break;
      case 'error': {
        const error = StreamError.parse(data);
        failure = new ApiError(502, error.code, error.message, position.traceId);
        break;
      }
      default:
        // Events a newer Worker may add are not ours to fail on.
        break;
    }
    if (seq !== null) position.lastEventId = seq;
  };

  const parser = createParser({ onEvent: handle });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    while (!end && !failure) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (err) {
        // A dropped network fails the read: the same lost connection as an early end.
        if (isAbortError(err)) throw err;
        throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err), position.traceId);
      }
      const { done, value } = chunk;
      if (done) break;
      // `stream: true` keeps a multi-byte character split across chunks intact.
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  if (failure) throw failure;
  if (!end) throw new ApiError(0, 'network', 'The connection ended before the answer was complete', position.traceId);
  return end;
}

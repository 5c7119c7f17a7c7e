import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { z } from 'zod/mini';
import { ApiError } from './api';
import { StreamDelta, StreamDone, StreamError, StreamMeta, StreamUsage } from './stream-events';

export type ChatStreamHandlers = {
  onMeta: (meta: z.infer<typeof StreamMeta>) => void;
  onDelta: (text: string) => void;
  onUsage?: (usage: z.infer<typeof StreamUsage>) => void;
};

/**
 * Reads the answer's event stream (contract section 6) as it arrives, calling the handlers
 * per event. Resolves on `done`; rejects with an `ApiError` on an `error` event, or with a
 * `network` error when the connection ends before `done`. `: ping` comments are ignored.
 *
 * @example await readChatStream(res.body, { onMeta, onDelta: (t) => append(t) })
 */
export async function readChatStream(body: ReadableStream<Uint8Array>, handlers: ChatStreamHandlers): Promise<void> {
  let traceId = '';
  let finished = false;
  let failure: ApiError | null = null;

  const handle = (event: EventSourceMessage) => {
    const data: unknown = JSON.parse(event.data);
    switch (event.event) {
      case 'meta': {
        const meta = StreamMeta.parse(data);
        traceId = meta.traceId;
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
        StreamDone.parse(data);
        finished = true;
        break;
      case 'error': {
        const error = StreamError.parse(data);
        failure = new ApiError(502, error.code, error.message, traceId);
        break;
      }
      default:
        // Events a newer Worker may add are not ours to fail on.
        break;
    }
  };

  const parser = createParser({ onEvent: handle });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    while (!finished && !failure) {
      const { done, value } = await reader.read();
      if (done) break;
      // `stream: true` keeps a multi-byte character split across chunks intact.
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  if (failure) throw failure;
  if (!finished) throw new ApiError(0, 'network', 'The connection ended before the answer was complete', traceId);
}

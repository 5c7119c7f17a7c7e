import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { ChatCompletionChunk } from '../providers/wire';

/** The upstream stream broke its own framing, or said it failed: the answer cannot go on. */
export class UpstreamStreamError extends Error {
  override readonly name = 'UpstreamStreamError';
}

function chunkOf(event: EventSourceMessage): ChatCompletionChunk {
  let data: unknown;
  try {
    data = JSON.parse(event.data);
  } catch {
    throw new UpstreamStreamError('The AI provider sent an event that is not JSON');
  }
  if (typeof data !== 'object' || data === null) throw new UpstreamStreamError('The AI provider sent an event that is not an object');
  if (event.event === 'error' || 'error' in data) throw new UpstreamStreamError('The AI provider reported an error mid-answer');
  return data as ChatCompletionChunk;
}

/** Takes the chunks of one network read of the answer; a throw fails the answer. */
export type OnBatch = (batch: ChatCompletionChunk[]) => void;

/**
 * Reads a streamed chat completion from the provider's response body
 * (`providers/client.ts`) and hands `onBatch` the chunks of each network read, as they
 * arrive. Under load, decoding was the Worker's largest CPU cost per token: the OpenAI SDK's
 * `Stream` passed every network chunk through four nested async generators, and our own
 * chain of three generators still cost a promise hop per level and read. So the events are
 * parsed here with one read loop and a synchronous parser, and nothing between the read and
 * the relay awaits. Resolves at `[DONE]` or at the end of the body; when `signal` aborts,
 * the body is cancelled, which closes the upstream connection, and it resolves. Rejects with
 * `UpstreamStreamError` for an error event or data that is not JSON, and with whatever
 * `onBatch` throws.
 */
export async function readCompletionChunks(body: ReadableStream<Uint8Array> | null, signal: AbortSignal, onBatch: OnBatch): Promise<void> {
  if (!body) return;
  const reader = body.getReader();
  const cancel = () => void reader.cancel().catch(() => undefined);
  signal.addEventListener('abort', cancel, { once: true });
  const decoder = new TextDecoder();
  let batch: ChatCompletionChunk[] = [];
  let finished = false;
  const parser = createParser({
    onEvent: (event) => {
      if (finished) return;
      if (event.data === '[DONE]') finished = true;
      else batch.push(chunkOf(event));
    },
  });
  try {
    while (!finished && !signal.aborted) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      if (batch.length > 0) {
        const read = batch;
        batch = [];
        onBatch(read);
      }
    }
  } finally {
    signal.removeEventListener('abort', cancel);
    // Whatever follows `[DONE]`, or the rest of an answer nobody will read, is not waited for.
    cancel();
  }
}

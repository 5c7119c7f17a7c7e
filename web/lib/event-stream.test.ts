import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { readChatStream } from './event-stream';

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(chunks.join(''));
  // Cut at arbitrary byte offsets, through multi-byte Korean characters too.
  const cuts = [0, 7, 31, 32, 33, 90, 91, bytes.length].filter((n, i, a) => n <= bytes.length && a.indexOf(n) === i).sort((a, b) => a - b);
  return new ReadableStream({
    start(controller) {
      for (let i = 1; i < cuts.length; i++) controller.enqueue(bytes.slice(cuts[i - 1], cuts[i]));
      controller.close();
    },
  });
}

const META = 'event: meta\ndata: {"conversationId":"c1","messageId":"m1","model":"gpt-4o-mini","traceId":"trace-1"}\n\n';

describe('readChatStream', () => {
  it('delivers meta and deltas in order, ignoring pings, and resolves on done', async () => {
    const deltas: string[] = [];
    let conversation = '';
    await readChatStream(
      streamOf(META, 'event: delta\ndata: {"content":"안녕"}\n\n', ': ping\n\n', 'event: delta\ndata: {"content":"하세요"}\n\n', 'event: usage\ndata: {"promptTokens":1,"completionTokens":2,"totalTokens":3}\n\n', 'event: done\ndata: {"finishReason":"stop"}\n\n'),
      { onMeta: (m) => (conversation = m.conversationId), onDelta: (t) => deltas.push(t) },
    );
    expect(conversation).toBe('c1');
    expect(deltas.join('')).toBe('안녕하세요');
  });

  it('rejects with the error event as an ApiError carrying the trace id', async () => {
    const failure = readChatStream(streamOf(META, 'event: error\ndata: {"code":"upstream_error","message":"boom"}\n\n'), { onMeta: () => {}, onDelta: () => {} });
    await expect(failure).rejects.toMatchObject({ code: 'upstream_error', traceId: 'trace-1' });
    await expect(failure).rejects.toBeInstanceOf(ApiError);
  });

  it('treats an end without done as a lost connection', async () => {
    await expect(readChatStream(streamOf(META, 'event: delta\ndata: {"content":"a"}\n\n'), { onMeta: () => {}, onDelta: () => {} })).rejects.toMatchObject({ code: 'network' });
  });
});

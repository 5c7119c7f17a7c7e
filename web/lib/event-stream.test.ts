import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { readChatStream } from './event-stream';
import { startPosition } from './stream-position';

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

const META = 'id: 1\nevent: meta\ndata: {"generationId":"gen_1","conversationId":"c1","messageId":"m1","model":"gpt-4o-mini","traceId":"trace-1"}\n\n';
const delta = (seq: number, content: string) => `id: ${seq}\nevent: delta\ndata: ${JSON.stringify({ content })}\n\n`;
const done = (seq: number, finishReason = 'stop') => `id: ${seq}\nevent: done\ndata: {"finishReason":"${finishReason}"}\n\n`;

/** Handlers that keep the shown text the way the chat page does: `meta` empties it. */
function shown() {
  const state = { text: '', metas: 0 };
  return {
    state,
    handlers: {
      onMeta: () => {
        state.metas += 1;
        state.text = '';
      },
      onDelta: (t: string) => (state.text += t),
    },
  };
}

describe('readChatStream', () => {
  it('delivers meta and deltas in order, ignoring pings, and resolves on done', async () => {
    const deltas: string[] = [];
    let conversation = '';
    const end = await readChatStream(
      streamOf(META, delta(2, '안녕'), ': ping\n\n', delta(3, '하세요'), 'id: 4\nevent: usage\ndata: {"promptTokens":1,"completionTokens":2,"totalTokens":3}\n\n', done(5)),
      { onMeta: (m) => (conversation = m.conversationId), onDelta: (t) => deltas.push(t) },
    );
    expect(conversation).toBe('c1');
    expect(deltas.join('')).toBe('안녕하세요');
    expect(end).toEqual({ finishReason: 'stop' });
  });

  it('rejects with the error event as an ApiError carrying the trace id', async () => {
    const failure = readChatStream(streamOf(META, 'id: 2\nevent: error\ndata: {"code":"upstream_error","message":"boom"}\n\n'), { onMeta: () => {}, onDelta: () => {} });
    await expect(failure).rejects.toMatchObject({ code: 'upstream_error', traceId: 'trace-1' });
    await expect(failure).rejects.toBeInstanceOf(ApiError);
  });

  it('treats an end without done as a lost connection', async () => {
    await expect(readChatStream(streamOf(META, delta(2, 'a')), { onMeta: () => {}, onDelta: () => {} })).rejects.toMatchObject({ code: 'network' });
  });

  it('turns a read that fails (a dropped network) into a lost connection, keeping the position', async () => {
    let reads = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        reads += 1;
        if (reads === 1) controller.enqueue(new TextEncoder().encode(META + delta(2, 'a')));
        else controller.error(new TypeError('network error'));
      },
    });
    const position = startPosition();
    await expect(readChatStream(body, shown().handlers, position)).rejects.toMatchObject({ code: 'network', traceId: 'trace-1' });
    expect(position.lastEventId).toBe(2);
  });

  it('keeps the generation and the last seq seen, also when the connection is lost', async () => {
    const position = startPosition();
    await expect(readChatStream(streamOf(META, delta(2, 'a'), ': ping\n\n', delta(3, 'b')), shown().handlers, position)).rejects.toMatchObject({ code: 'network' });
    expect(position).toEqual({ generationId: 'gen_1', lastEventId: 3, traceId: 'trace-1' });
  });

  it('continues a resumed stream after the seq seen, without meta, and ends with the stop reason', async () => {
    const { state, handlers } = shown();
    const position = startPosition();
    await readChatStream(streamOf(META, delta(2, '하나 ')), handlers, position).catch(() => {});
    const end = await readChatStream(streamOf(delta(3, '둘 '), delta(4, '셋'), done(5, 'stopped')), handlers, position);
    expect(state).toEqual({ text: '하나 둘 셋', metas: 1 });
    expect(end.finishReason).toBe('stopped');
    expect(position.lastEventId).toBe(5);
  });

  it('drops events at or before the seq already seen, so a replay shows nothing twice', async () => {
    const { state, handlers } = shown();
    const position = { ...startPosition('gen_1'), lastEventId: 3 };
    await readChatStream(streamOf(delta(2, 'x'), delta(3, 'y'), delta(4, 'z'), done(5)), handlers, position);
    expect(state.text).toBe('z');
  });

  it('starts the text again on meta: a replay from seq 0, or the stored message once the log is gone', async () => {
    const { state, handlers } = shown();
    const position = startPosition('gen_1');
    await readChatStream(streamOf(META, delta(2, '부분')), handlers, position).catch(() => {});
    // Stored-message fallback: meta (1), the whole answer in one delta (2), done (3).
    await readChatStream(streamOf(META, delta(2, '부분과 나머지 전부'), done(3)), handlers, position);
    expect(state).toEqual({ text: '부분과 나머지 전부', metas: 2 });
  });
});

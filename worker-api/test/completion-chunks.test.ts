import { describe, expect, it } from 'vitest';
import { readCompletionChunks, UpstreamStreamError } from '../src/chat/completion-chunks';
import type { ChatCompletionChunk } from '../src/providers/wire';

const encoder = new TextEncoder();

function chunk(content: string, extra: Record<string, unknown> = {}): string {
  return `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content }, finish_reason: null }], ...extra })}\n\n`;
}

/** A body that delivers `bytes` in reads of `size` bytes, so frames and characters split across reads. */
function bodyOf(text: string, size: number, onCancel?: () => void): ReadableStream<Uint8Array> {
  const bytes = encoder.encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
    cancel: () => onCancel?.(),
  });
}

async function collect(body: ReadableStream<Uint8Array>, signal = new AbortController().signal): Promise<string[]> {
  const contents: string[] = [];
  await readCompletionChunks(body, signal, (batch) => {
    for (const c of batch) contents.push(c.choices[0]?.delta.content ?? '');
  });
  return contents;
}

describe('readCompletionChunks', () => {
  const words = ['안녕하세요', ' 세계', '! ', 'hello', ' 🌏'];
  const stream = words.map((w) => chunk(w)).join('') + 'data: [DONE]\n\n';

  it.each([1, 2, 3, 7, 64, 100_000])('reads every chunk in order when reads split frames and characters (%i-byte reads)', async (size) => {
    expect(await collect(bodyOf(stream, size))).toEqual(words);
  });

  it('reads CRLF framing and skips comments', async () => {
    const text = `: keep-alive\r\n\r\n${chunk('a').replaceAll('\n', '\r\n')}${chunk('b').replaceAll('\n', '\r\n')}data: [DONE]\r\n\r\n`;
    expect(await collect(bodyOf(text, 5))).toEqual(['a', 'b']);
  });

  it('stops at [DONE] and cancels the rest of the body', async () => {
    let cancelled = false;
    const body = bodyOf(`${chunk('a')}data: [DONE]\n\n${chunk('after')}`, 1_000, () => (cancelled = true));
    expect(await collect(body)).toEqual(['a']);
    expect(cancelled).toBe(true);
  });

  it('ends without [DONE] when the body ends (the relay decides what that means)', async () => {
    expect(await collect(bodyOf(chunk('a') + chunk('b'), 10))).toEqual(['a', 'b']);
  });

  it('keeps the usage chunk, which has no choices', async () => {
    const usage = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };
    const text = chunk('a') + `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage })}\n\ndata: [DONE]\n\n`;
    const batches: ChatCompletionChunk[] = [];
    await readCompletionChunks(bodyOf(text, 1_000), new AbortController().signal, (batch) => batches.push(...batch));
    expect(batches.at(-1)?.usage).toEqual(usage);
  });

  it.each([
    ['data that is not JSON', `${chunk('a')}data: {"choices": [\n\n`],
    ['an error event', `${chunk('a')}event: error\ndata: {"message":"overloaded"}\n\n`],
    ['an error object', `${chunk('a')}data: {"error":{"message":"The server had an error","type":"server_error"}}\n\n`],
  ])('throws UpstreamStreamError for %s', async (_, text) => {
    await expect(collect(bodyOf(text, 1_000))).rejects.toBeInstanceOf(UpstreamStreamError);
  });

  it('cancels the body and ends when the signal aborts mid-answer', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(encoder.encode(chunk('first'))),
      cancel: () => {
        cancelled = true;
      },
    });
    const abort = new AbortController();
    const seen: string[] = [];
    await readCompletionChunks(body, abort.signal, (batch) => {
      seen.push(...batch.map((c) => c.choices[0]?.delta.content ?? ''));
      // The next read would wait forever: the abort must end it.
      setTimeout(() => abort.abort(), 10);
    });
    expect(seen).toEqual(['first']);
    expect(cancelled).toBe(true);
  });
});

import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeOpenAI } from '../src/server';
import { chat, chunksOf, sseData, startFake } from './support';

let fake: FakeOpenAI;
let client: OpenAI;

beforeAll(async () => {
  ({ fake, client } = await startFake());
});
afterAll(() => fake.close());

describe('a streamed chat completion', () => {
  it('sends the role chunk, one chunk per token, the finish chunk, the usage chunk, then [DONE]', async () => {
    const res = await chat(fake, { stream_options: { include_usage: true } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('x-request-id')).toMatch(/^req_\d+$/);
    const { chunks, done } = await chunksOf(res);
    expect(done).toBe(true);
    expect(chunks).toHaveLength(1 + 6 + 1 + 1);

    const [role, ...rest] = chunks;
    const content = rest.slice(0, 6);
    const [finish, usage] = rest.slice(6);
    const head = { id: role?.id, object: 'chat.completion.chunk', created: role?.created, model: 'gpt-4o-mini', system_fingerprint: role?.system_fingerprint };
    expect(role?.id).toMatch(/^chatcmpl-/);
    expect(role).toEqual({ ...head, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }], usage: null });
    for (const c of content) {
      expect(c).toEqual({ ...head, choices: [{ index: 0, delta: { content: expect.any(String) }, logprobs: null, finish_reason: null }], usage: null });
    }
    expect(content.map((c) => c.choices[0]?.delta.content).join('')).toBe('You said: “hello there”. This is');
    expect(finish).toEqual({ ...head, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], usage: null });
    const promptTokens = Math.ceil('hello there'.length / 4) + 4;
    expect(usage).toEqual({ ...head, choices: [], usage: { prompt_tokens: promptTokens, completion_tokens: 6, total_tokens: promptTokens + 6 } });
  });

  it('leaves usage out entirely without include_usage', async () => {
    const data = sseData(await (await chat(fake)).text());
    expect(data).toHaveLength(1 + 6 + 1 + 1);
    expect(data.at(-1)).toBe('[DONE]');
    expect(data.some((d) => d.includes('"usage"'))).toBe(false);
  });

  it.each([['max_tokens'], ['max_completion_tokens']])('stops at %s with finish_reason length', async (param) => {
    const { chunks } = await chunksOf(await chat(fake, { [param]: 2, stream_options: { include_usage: true } }));
    expect(chunks.filter((c) => typeof c.choices[0]?.delta.content === 'string' && c.choices[0].delta.content !== '')).toHaveLength(2);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('length');
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(2);
  });

  it('finishes with stop when max_tokens leaves room', async () => {
    const { chunks } = await chunksOf(await chat(fake, { max_tokens: 6 }));
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
  });

  it('is read unchanged by the official SDK', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'count to three' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      max_completion_tokens: 4,
    });
    let text = '';
    const finishes: (string | null | undefined)[] = [];
    let completionTokens: number | undefined;
    for await (const chunk of stream) {
      expect(chunk.model).toBe('gpt-4o');
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.choices[0]) finishes.push(chunk.choices[0].finish_reason);
      completionTokens = chunk.usage?.completion_tokens ?? completionTokens;
    }
    expect(text).toBe('You said: “count to');
    expect(finishes.at(-1)).toBe('length');
    expect(completionTokens).toBe(4);
  });

  it('writes each chunk when it is due instead of buffering the answer', async () => {
    const started = Date.now();
    const res = await chat(fake, {}, { 'x-fake-ttft-ms': '0', 'x-fake-gap-ms': '400', 'x-fake-tokens': '2' });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let seen = '';
    while (!seen.includes('"content":"You"')) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended before the first token');
      seen += value;
    }
    const firstToken = Date.now() - started;
    while (!(await reader.read()).done);
    const total = Date.now() - started;
    // Two more gaps (second token, finish) come after the first token; buffering would make them arrive together.
    expect(total - firstToken).toBeGreaterThanOrEqual(700);
  });

  it('sends its headers at once, or with hold_headers=1 only with the first token', async () => {
    const timeToHeaders = async (knobs: string) => {
      const started = Date.now();
      const res = await chat(fake, { messages: [{ role: 'user', content: `think first [[fake ${knobs}]]` }] });
      const at = Date.now() - started;
      return { at, res, chunks: (await chunksOf(res)).chunks };
    };
    const prompt = await timeToHeaders('ttft=400 tokens=2');
    expect(prompt.at).toBeLessThan(300);
    const held = await timeToHeaders('ttft=400 tokens=2 hold_headers=1');
    expect(held.at).toBeGreaterThanOrEqual(390);
    expect(held.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    // The same chunks either way: the role chunk simply leaves with the first token.
    expect(held.chunks.map((c) => c.choices[0]?.delta ?? null)).toEqual(prompt.chunks.map((c) => c.choices[0]?.delta ?? null));
  });
});

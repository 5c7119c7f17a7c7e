import type OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeOpenAI } from '../src/server';
import { chat, chunksOf, control, startFake } from './support';

let fake: FakeOpenAI;
let client: OpenAI;

beforeAll(async () => {
  ({ fake, client } = await startFake());
});
beforeEach(() => control(fake, 'POST', 'reset'));
afterAll(() => fake.close());

async function answer(content: string, headers: Record<string, string> = {}): Promise<string> {
  const { chunks } = await chunksOf(await chat(fake, { messages: [{ role: 'user', content }] }, headers));
  return chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
}

describe('the directive in the last user message', () => {
  it('sets the knobs and is left out of the answer', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'tell me [[fake tokens=4 gap=0]] a story' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('You said: “tell me');
    expect(await answer('[[fake tokens=9]] tell me a story')).toBe('You said: “tell me a story”. This is a');
  });

  it('is read only from the last user message', async () => {
    const res = await chat(fake, {
      messages: [
        { role: 'user', content: 'old [[fake status=500]]' },
        { role: 'assistant', content: 'an answer' },
        { role: 'user', content: 'new' },
      ],
    });
    expect(res.status).toBe(200);
    await res.text();
  });
});

describe('precedence: request over runtime config over server options', () => {
  it('applies each layer over the one below', async () => {
    // Server options from startFake: tokens=6.
    expect((await answer('x')).split(' ')).toHaveLength(6);
    await control(fake, 'POST', 'config', { tokens: 5 });
    expect((await answer('x')).split(' ')).toHaveLength(5);
    expect((await answer('x', { 'x-fake-tokens': '4' })).split(' ')).toHaveLength(4);
    expect((await answer('x [[fake tokens=3]]', { 'x-fake-tokens': '4' })).split(' ')).toHaveLength(3);
  });
});

describe('timing', () => {
  async function timeStream(headers: Record<string, string>): Promise<{ firstToken: number; total: number }> {
    const started = Date.now();
    const res = await chat(fake, {}, headers);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let seen = '';
    let firstToken = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
      if (!firstToken && seen.includes('"content":"You"')) firstToken = Date.now() - started;
    }
    return { firstToken, total: Date.now() - started };
  }

  it('waits about ttft for the first token and about gap between frames', async () => {
    const { firstToken, total } = await timeStream({ 'x-fake-ttft-ms': '300', 'x-fake-gap-ms': '100', 'x-fake-tokens': '3' });
    // Timers never fire early, but a loaded machine may run late: generous upper bounds.
    expect(firstToken).toBeGreaterThanOrEqual(290);
    expect(firstToken).toBeLessThan(1500);
    // Two more tokens and the finish chunk, one gap each.
    expect(total - firstToken).toBeGreaterThanOrEqual(290);
    expect(total).toBeLessThan(3000);
  });

  it('answers a fast request fast', async () => {
    const { total } = await timeStream({ 'x-fake-ttft-ms': '0', 'x-fake-gap-ms': '0', 'x-fake-tokens': '3' });
    expect(total).toBeLessThan(500);
  });

  it('delivers a non-streamed answer when generation would have finished', async () => {
    const started = Date.now();
    const res = await chat(fake, { stream: false }, { 'x-fake-ttft-ms': '200', 'x-fake-gap-ms': '50', 'x-fake-tokens': '4' });
    await res.json();
    expect(Date.now() - started).toBeGreaterThanOrEqual(200 + 4 * 50 - 10);
  });
});

describe('the markdown knob', () => {
  it('answers a long Markdown document: headings, lists, a table, a quote, code in two languages', async () => {
    const text = await answer('show me [[fake markdown gap=0]]');
    expect(text).toMatch(/^## \S/m);
    expect(text).toMatch(/^### \S/m);
    expect(text).toMatch(/^- \S/m);
    expect(text).toMatch(/^1\. \S/m);
    expect(text).toMatch(/^\| .+ \|\n\| --- \|/m);
    expect(text).toMatch(/^> \S/m);
    expect(text).toMatch(/^```typescript\n[\s\S]+?\n```$/m);
    expect(text).toMatch(/^```python\n[\s\S]+?\n```$/m);
    expect(text.length).toBeGreaterThan(1000);
    expect(text).not.toContain('You said');
  });

  it('is set by a header too, and max_tokens still cuts it', async () => {
    const res = await chat(fake, { max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }, { 'x-fake-markdown': '1', 'x-fake-gap-ms': '0' });
    const { chunks } = await chunksOf(res);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('## 엣지에서 스트리밍하는 이유\n\n사용자와');
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe('length');
  });
});

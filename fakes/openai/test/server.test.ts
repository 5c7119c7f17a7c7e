import OpenAI, { APIError, AuthenticationError, RateLimitError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../src/server';

let fake: FakeOpenAI;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI({ port: 0, ttftMs: 10, gapMs: 2, tokens: 6, log: () => {} });
  client = new OpenAI({ apiKey: 'sk-test', baseURL: fake.url, maxRetries: 0 });
});
afterAll(() => fake.close());

function rawStream(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${fake.url}/chat/completions`, {
    method: 'POST',
    headers: { Authorization: 'Bearer sk-test', 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }], stream: true, ...body }),
  });
}

function dataLines(text: string): string[] {
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((frame) => {
      expect(frame.startsWith('data: ')).toBe(true);
      return frame.slice('data: '.length);
    });
}

describe('streaming wire format', () => {
  it('sends a role chunk, one chunk per token, a finish chunk, the usage chunk, then [DONE]', async () => {
    const res = await rawStream({ stream_options: { include_usage: true } });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const lines = dataLines(await res.text());
    expect(lines.at(-1)).toBe('[DONE]');
    const chunks = lines.slice(0, -1).map((l) => JSON.parse(l) as Record<string, unknown> & { choices: { delta: Record<string, unknown>; finish_reason: string | null }[] });
    expect(chunks).toHaveLength(1 + 6 + 1 + 1);
    expect(chunks[0]).toMatchObject({ object: 'chat.completion.chunk', model: 'gpt-4o-mini', usage: null, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    for (const c of chunks.slice(1, 7)) expect(typeof c.choices[0]?.delta.content).toBe('string');
    expect(chunks[7]?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    const usage = chunks[8] as unknown as { choices: unknown[]; usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } };
    expect(usage.choices).toEqual([]);
    expect(usage.usage.completion_tokens).toBe(6);
    expect(usage.usage.total_tokens).toBe(usage.usage.prompt_tokens + 6);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  it('leaves out usage without include_usage', async () => {
    const lines = dataLines(await (await rawStream({})).text());
    expect(lines.some((l) => l.includes('"usage"'))).toBe(false);
  });

  it('works with the official SDK and stops at max_tokens with length', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
      stream_options: { include_usage: true },
      max_completion_tokens: 3,
    });
    let text = '';
    let finish: string | null = null;
    let completion = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      completion = chunk.usage?.completion_tokens ?? completion;
    }
    expect(finish).toBe('length');
    expect(completion).toBe(3);
    expect(text.length).toBeGreaterThan(0);
  });

  it('answers without streaming as a chat.completion', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message.role).toBe('assistant');
    expect(completion.usage?.completion_tokens).toBe(6);
  });

  it('lists models', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('gpt-4o-mini');
  });
});

describe('errors and knobs', () => {
  it('refuses a missing key with 401 in OpenAI shape', async () => {
    const res = await fetch(`${fake.url}/chat/completions`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
    const strict = await startFakeOpenAI({ port: 0, apiKey: 'sk-right', log: () => {} });
    const wrongKey = new OpenAI({ apiKey: 'sk-wrong', baseURL: strict.url, maxRetries: 0 });
    await expect(wrongKey.models.list()).rejects.toBeInstanceOf(AuthenticationError);
    await strict.close();
  });

  it('rejects a body without model', async () => {
    const res = await rawStream({ model: undefined });
    expect(res.status).toBe(400);
  });

  it('answers a status knob with the error class the SDK expects, 429 with retry-after', async () => {
    const err = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x [[fake status=429]]' }], stream: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).headers?.get('retry-after')).toBe('1');
    const res = await rawStream({}, { 'x-fake-status': '503' });
    expect(res.status).toBe(503);
  });

  it('takes knobs from a directive and strips it from the answer', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'word [[fake tokens=2]]' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text.split(' ')).toHaveLength(2);
    expect(text).not.toContain('[[fake');
  });

  it('fails mid-stream with an error frame the SDK throws on', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x [[fake fail_after=2]]' }], stream: true });
    let tokens = 0;
    await expect(
      (async () => {
        for await (const chunk of stream) if (chunk.choices[0]?.delta?.content) tokens++;
      })(),
    ).rejects.toBeInstanceOf(APIError);
    expect(tokens).toBe(2);
  });

  it('drops the connection in drop mode', async () => {
    const res = await rawStream({ messages: [{ role: 'user', content: 'x [[fake fail_after=1 fail_mode=drop]]' }] });
    await expect(res.text()).rejects.toThrow();
  });

  it('notices a client abort, counts it and stops generating', async () => {
    const before = fake.stats().streamsAborted;
    const res = await rawStream({ messages: [{ role: 'user', content: 'long [[fake gap=50 tokens=100]]' }] });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.stats().streamsAborted).toBe(before + 1);
    const last = fake.stats().lastRequests.at(-1);
    expect(last?.aborted).toBe(true);
    expect(last?.tokensSent).toBeLessThan(100);
  });

  it('honours ttft and gap roughly', async () => {
    const started = Date.now();
    const res = await rawStream({ messages: [{ role: 'user', content: 'x [[fake ttft=150 gap=30 tokens=3]]' }] });
    await res.text();
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(150 + 2 * 30 - 10);
    expect(elapsed).toBeLessThan(2000);
  });

  it('changes defaults at runtime and resets them', async () => {
    const control = (path: string, body?: unknown) =>
      fetch(`${new URL(fake.url).origin}/__fake/${path}`, { method: 'POST', body: body === undefined ? undefined : JSON.stringify(body) });
    expect((await control('config', { tokens: 2 })).status).toBe(200);
    const short = dataLines(await (await rawStream({})).text());
    expect(short).toHaveLength(1 + 2 + 1 + 1);
    await control('reset');
    expect(fake.stats().requests).toBe(0);
    const normal = dataLines(await (await rawStream({})).text());
    expect(normal).toHaveLength(1 + 6 + 1 + 1);
  });
});

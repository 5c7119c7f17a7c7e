import OpenAI, { APIError, InternalServerError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeOpenAI } from '../src/server';
import { chat, chunksOf, control, eventually, sseData, startFake } from './support';

let fake: FakeOpenAI;
let client: OpenAI;
let lines: string[];

beforeAll(async () => {
  ({ fake, client, lines } = await startFake());
});
beforeEach(async () => {
  await control(fake, 'POST', 'reset');
  lines.length = 0;
});
afterAll(() => fake.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ask = (content: string) => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], stream: true });

describe('fail_after', () => {
  it('sends N tokens then an OpenAI error frame and ends (error mode)', async () => {
    const res = await chat(fake, { messages: [{ role: 'user', content: 'x [[fake fail_after=2]]' }] });
    expect(res.status).toBe(200);
    const data = sseData(await res.text());
    expect(data).toHaveLength(1 + 2 + 1);
    expect(JSON.parse(data.at(-1)!)).toEqual({ error: { message: expect.any(String), type: 'server_error', param: null, code: null } });
    expect(fake.stats()).toMatchObject({ streamsStarted: 1, streamsCompleted: 0, streamsFailed: 1, streamsAborted: 0 });
    expect(fake.stats().lastRequests.at(-1)).toMatchObject({ tokensSent: 2, aborted: false, outcome: 'failed' });
  });

  it('makes the SDK throw mid-iteration, after the tokens before it', async () => {
    const stream = await ask('x [[fake fail_after=3 fail_mode=error]]');
    const tokens: string[] = [];
    const err = await (async () => {
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) tokens.push(chunk.choices[0].delta.content);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).type).toBe('server_error');
    expect(tokens).toHaveLength(3);
  });

  it('fails on the first frame after the last token when fail_after equals the answer length', async () => {
    const data = sseData(await (await chat(fake, { messages: [{ role: 'user', content: 'x [[fake tokens=2 fail_after=2]]' }] })).text());
    expect(data.at(-1)).toContain('"error"');
    expect(data.some((d) => d.includes('finish_reason":"stop'))).toBe(false);
  });

  it('destroys the socket mid-stream in drop mode', async () => {
    const res = await chat(fake, { messages: [{ role: 'user', content: 'x [[fake fail_after=1 fail_mode=drop]]' }] });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    const stream = await ask('x [[fake fail_after=1 fail_mode=drop]]');
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toThrow();
    expect(fake.stats()).toMatchObject({ streamsFailed: 2, streamsAborted: 0 });
  });

  it('answers a non-streamed request with 500, or drops it', async () => {
    const json = client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x [[fake fail_after=1]]' }] });
    await expect(json).rejects.toBeInstanceOf(InternalServerError);
    await expect(chat(fake, { stream: false, messages: [{ role: 'user', content: 'x [[fake fail_after=1 fail_mode=drop]]' }] })).rejects.toThrow();
  });
});

describe('garbage', () => {
  it('streams data: lines that are not JSON and no [DONE]', async () => {
    const res = await chat(fake, { messages: [{ role: 'user', content: 'x [[fake garbage=1]]' }] });
    expect(res.status).toBe(200);
    const data = sseData(await res.text());
    expect(data.length).toBeGreaterThan(0);
    for (const d of data) expect(() => JSON.parse(d)).toThrow();
  });

  it('makes the SDK throw', async () => {
    const stream = await ask('x [[fake garbage]]');
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toThrow(/malformed/);
  });
});

describe('client aborts', () => {
  it('notices the client going away, stops generating, counts and logs it', async () => {
    const controller = new AbortController();
    const res = await chat(fake, { messages: [{ role: 'user', content: 'long [[fake ttft=0 gap=40 tokens=200]]' }] }, {}, controller.signal);
    const reader = res.body!.getReader();
    await reader.read();
    await sleep(120);
    controller.abort();

    await eventually(() => expect(fake.stats().streamsAborted).toBe(1));
    const sent = fake.stats().lastRequests.at(-1)?.tokensSent ?? -1;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(200);
    // Timers stopped: nothing more is generated for a client that is gone.
    await sleep(200);
    expect(fake.stats().lastRequests.at(-1)).toMatchObject({ aborted: true, outcome: 'aborted', tokensSent: sent });
    expect(fake.stats()).toMatchObject({ streamsStarted: 1, streamsCompleted: 0, streamsAborted: 1 });
    expect(lines.some((l) => /^req_\d+ start gpt-4o-mini stream/.test(l))).toBe(true);
    expect(lines.some((l) => /^req_\d+ aborted client went away after \d+ tokens; generation stopped/.test(l))).toBe(true);
  });

  it('notices an abort while still waiting for the first token', async () => {
    const controller = new AbortController();
    const pending = chat(fake, { messages: [{ role: 'user', content: 'x [[fake ttft=5000]]' }] }, {}, controller.signal);
    const res = await pending;
    await sleep(50);
    controller.abort();
    await expect(res.text()).rejects.toThrow();
    await eventually(() => expect(fake.stats().lastRequests.at(-1)).toMatchObject({ aborted: true, tokensSent: 0 }));
  });

  it('hangs with hang=1 until the client gives up, then counts the abort', async () => {
    const started = Date.now();
    await expect(chat(fake, { messages: [{ role: 'user', content: 'x [[fake hang=1]]' }] }, {}, AbortSignal.timeout(300))).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await eventually(() => expect(fake.stats()).toMatchObject({ streamsStarted: 1, streamsAborted: 1 }));
  });

  it('logs start and completion of a normal request, and counts it completed', async () => {
    await chunksOf(await chat(fake));
    expect(fake.stats()).toMatchObject({ requests: 1, streamsStarted: 1, streamsCompleted: 1, streamsAborted: 0 });
    expect(lines).toEqual([expect.stringMatching(/^req_\d+ start /), expect.stringMatching(/^req_\d+ completed 6 tokens finish=stop \(\d+ ms\)$/)]);
  });
});

describe('close()', () => {
  it('ends open streams and hung requests instead of waiting for them', async () => {
    const { fake: own } = await startFake();
    const long = await chat(own, { messages: [{ role: 'user', content: 'x [[fake gap=1000 tokens=100]]' }] });
    // Settled into a value at once: it rejects during close(), before the test looks at it.
    const hung = chat(own, { messages: [{ role: 'user', content: 'x [[fake hang]]' }] }).catch((e: unknown) => e);
    await eventually(() => expect(own.stats().requests).toBe(2));
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(long.text()).rejects.toThrow();
    expect(await hung).toBeInstanceOf(TypeError);
    expect(own.stats().lastRequests.map((r) => r.outcome)).toEqual(['shutdown', 'shutdown']);
    expect(own.stats().streamsAborted).toBe(0);
  });
});

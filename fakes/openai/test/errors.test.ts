import OpenAI, { AuthenticationError, InternalServerError, NotFoundError, RateLimitError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeOpenAI } from '../src/server';
import { chat, KEY, startFake } from './support';

let fake: FakeOpenAI;
let client: OpenAI;

beforeAll(async () => {
  ({ fake, client } = await startFake());
});
afterAll(() => fake.close());

describe('the API key', () => {
  it.each([
    ['no Authorization header', {}],
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['another scheme', { authorization: `Basic ${KEY}` }],
  ])('refuses %s with 401 invalid_api_key', async (_, headers: Record<string, string>) => {
    const res = await fetch(`${fake.url}/chat/completions`, { method: 'POST', headers, body: '{}' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: { message: expect.stringMatching(/^Incorrect API key provided/), type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
    });
  });

  it('accepts only the configured key when started with one, and masks the wrong one', async () => {
    const { fake: strict } = await startFake({ apiKey: 'sk-right-key-123' });
    try {
      const wrong = new OpenAI({ apiKey: 'sk-wrong-key-456', baseURL: strict.url, maxRetries: 0, logLevel: 'off' });
      const err = await wrong.models.list().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuthenticationError);
      expect((err as AuthenticationError).code).toBe('invalid_api_key');
      expect((err as AuthenticationError).message).not.toContain('sk-wrong-key-456');
      const right = new OpenAI({ apiKey: 'sk-right-key-123', baseURL: strict.url, maxRetries: 0 });
      expect((await right.models.list()).data.length).toBeGreaterThan(0);
    } finally {
      await strict.close();
    }
  });

  it('leaves /__fake controls and unknown paths outside /v1 without auth', async () => {
    const origin = new URL(fake.url).origin;
    expect((await fetch(`${origin}/__fake/stats`)).status).toBe(200);
    const res = await fetch(`${origin}/nope`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('Invalid URL (GET /nope)');
  });
});

describe('the status knob', () => {
  const ask = (content: string) => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], stream: true });

  it('answers 429 before any stream byte, as RateLimitError with retry-after', async () => {
    const err = await ask('x [[fake status=429]]').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    const rate = err as RateLimitError;
    expect(rate.headers?.get('retry-after')).toBe('1');
    expect(rate.error).toEqual({ message: expect.stringContaining('requests per min'), type: 'requests', param: null, code: 'rate_limit_exceeded' });
  });

  it('reports a token limit with limit=tokens', async () => {
    const err = (await ask('x [[fake status=429 limit=tokens]]').catch((e: unknown) => e)) as RateLimitError;
    expect(err.type).toBe('tokens');
    expect(err.code).toBe('rate_limit_exceeded');
  });

  it.each([
    [500, InternalServerError, 'server_error'],
    [503, InternalServerError, 'server_error'],
    [404, NotFoundError, 'invalid_request_error'],
    [401, AuthenticationError, 'invalid_request_error'],
  ])('answers %i as the SDK class for it', async (status, kind, type) => {
    const err = await ask(`x [[fake status=${status}]]`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(kind);
    expect((err as InternalServerError).status).toBe(status);
    expect((err as InternalServerError).type).toBe(type);
  });

  it('is also read from the x-fake-status header, and recorded in stats', async () => {
    const res = await chat(fake, {}, { 'x-fake-status': '503' });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ error: { message: expect.any(String), type: 'server_error', param: null, code: null } });
    expect(fake.stats().lastRequests.at(-1)).toMatchObject({ status: 503, outcome: 'rejected', aborted: false });
  });
});

describe('bad knobs', () => {
  it.each([
    ['an unknown directive knob', { messages: [{ role: 'user', content: 'x [[fake tokns=3]]' }] }, {}, /unknown knob "tokns"/],
    ['a bad directive value', { messages: [{ role: 'user', content: 'x [[fake ttft=soon]]' }] }, {}, /"soon" is not a valid value/],
    ['a status outside 400-599', {}, { 'x-fake-status': '200' }, /x-fake-status/],
    ['a bad fail mode', {}, { 'x-fake-fail-mode': 'explode' }, /x-fake-fail-mode/],
  ])('refuses %s with 400 rather than ignore a typo', async (_, body, headers, message) => {
    const res = await chat(fake, body, headers);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message);
  });
});

import { describe, expect, it } from 'vitest';
import type { Candidate } from '../src/providers/candidates';
import { answerCost, candidatesOf } from '../src/providers/candidates';
import { completionRequest } from '../src/providers/client';
import { backoffMs, fallsBack, retriesSameModel, retryAfterMs, retryDeadline, type AttemptFailure } from '../src/providers/retry-policy';

const candidate: Candidate = {
  modelId: 'gpt-4o-mini',
  providerId: 'gw',
  kind: 'ai_gateway',
  baseUrl: 'https://gateway.ai.cloudflare.com/v1/acct/gw/openai/',
  apiKeySecret: 'GW_KEY',
  extraHeaders: { 'cf-aig-cache-ttl': '0', Authorization: 'not this one' },
  upstreamModel: 'gpt-4o-mini-2024-07-18',
  maxOutputTokens: 100,
  inputPriceMicros: 150_000,
  outputPriceMicros: 600_000,
  priceCurrency: 'USD',
};
const call = { prompt: [{ role: 'user' as const, content: 'hi' }], maxTokens: 500, defaultBaseUrl: 'https://api.openai.com/v1', metadata: { userId: 'usr_1', traceId: 't1' } };

describe('the request to a provider', () => {
  it("goes to the provider's base URL with its key by secret name, its headers, its model name and the smaller max tokens", async () => {
    const { url, init } = completionRequest(candidate, { ...call, secrets: { GW_KEY: 'sk-gw' } });
    expect(url).toBe('https://gateway.ai.cloudflare.com/v1/acct/gw/openai/chat/completions');
    const headers = new Headers(init.headers);
    expect(headers.get('authorization')).toBe('Bearer sk-gw');
    expect(headers.get('cf-aig-cache-ttl')).toBe('0');
    // AI Gateway's custom metadata: flat JSON, the user and the trace.
    expect(JSON.parse(headers.get('cf-aig-metadata') ?? '')).toEqual({ userId: 'usr_1', traceId: 't1' });
    expect(JSON.parse(String(init.body))).toEqual({
      model: 'gpt-4o-mini-2024-07-18',
      messages: call.prompt,
      stream: true,
      stream_options: { include_usage: true },
      max_completion_tokens: 100,
    });
  });

  it('uses OPENAI_BASE_URL for a provider without one, sends no AI Gateway metadata to plain OpenAI, and refuses a missing or empty key', () => {
    const plain = { ...candidate, kind: 'openai' as const, baseUrl: null, extraHeaders: {} };
    const { url, init } = completionRequest(plain, { ...call, secrets: { GW_KEY: 'sk-x' } });
    expect(url).toBe('https://api.openai.com/v1/chat/completions');
    expect(new Headers(init.headers).has('cf-aig-metadata')).toBe(false);
    for (const secrets of [{}, { GW_KEY: '' }, { GW_KEY: '  ' }, { GW_KEY: { not: 'a string' } }]) {
      expect(() => completionRequest(plain, { ...call, secrets })).toThrow(/missing_secret/);
    }
  });
});

describe('the retry policy', () => {
  const status = (s: number): AttemptFailure => ({ kind: 'status', label: String(s), status: s, retryAfterMs: null });

  it('retries transient failures on the same model, falls back on refused keys, and ends on a 400 or 404', () => {
    for (const s of [429, 500, 502, 503]) expect([retriesSameModel(status(s)), fallsBack(status(s))]).toEqual([true, true]);
    for (const s of [401, 403]) expect([retriesSameModel(status(s)), fallsBack(status(s))]).toEqual([false, true]);
    for (const s of [400, 404]) expect([retriesSameModel(status(s)), fallsBack(status(s))]).toEqual([false, false]);
    expect(retriesSameModel({ kind: 'connect', label: 'connect' })).toBe(true);
    expect(retriesSameModel({ kind: 'missing_secret', label: 'missing_secret', secret: 'X' })).toBe(false);
    expect(fallsBack({ kind: 'missing_secret', label: 'missing_secret', secret: 'X' })).toBe(true);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-12-02T05:00:00Z');
    expect(retryAfterMs('1', now)).toBe(1000);
    expect(retryAfterMs('Wed, 02 Dec 2026 05:00:03 GMT', now)).toBe(3000);
    expect(retryAfterMs('Wed, 02 Dec 2026 04:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });

  it('backs off exponentially with jitter, capped, and slices the budget per model', () => {
    expect([backoffMs(1, () => 0), backoffMs(1, () => 1)]).toEqual([125, 250]);
    expect([backoffMs(3, () => 0), backoffMs(3, () => 1)]).toEqual([500, 1000]);
    expect(backoffMs(20, () => 1)).toBe(4000);
    expect([0, 1, 2].map((i) => retryDeadline(1000, 9000, i, 3))).toEqual([4000, 7000, 10_000]);
  });
});

describe('candidates and cost', () => {
  it('keeps each model once, in order, and drops extra headers that are not a string map', () => {
    const row = { provider_id: 'p', upstream_model: 'u', max_output_tokens: 1, input_price_micros: 0, output_price_micros: 0, price_currency: 'USD', base_url: null, api_key_secret: 'K', kind: 'openai' as const };
    const list = candidatesOf([
      { ...row, position: 2, model_id: 'b', extra_headers: '{"x-a":"1"}' },
      { ...row, position: 0, model_id: 'a', extra_headers: 'not json' },
      { ...row, position: 3, model_id: 'a', extra_headers: '{}' },
      { ...row, position: 1, model_id: 'c', extra_headers: '{"x-n":2}' },
    ]);
    expect(list.map((c) => [c.modelId, c.extraHeaders])).toEqual([
      ['a', {}],
      ['c', {}],
      ['b', { 'x-a': '1' }],
    ]);
  });

  it('prices tokens per million, rounded once to micro-units', () => {
    expect(answerCost(candidate, 1000, 500)).toEqual({ micros: 450, currency: 'USD' });
    expect(answerCost(candidate, 3, 1)).toEqual({ micros: 1, currency: 'USD' });
    expect(answerCost({ ...candidate, inputPriceMicros: 0, outputPriceMicros: 0 }, 1000, 1000).micros).toBe(0);
  });
});

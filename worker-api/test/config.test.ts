import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config';
import type { Bindings } from '../src/env';
import { ApiError } from '../src/http/errors';

describe('readConfig', () => {
  it('fills every var left out with its one default', () => {
    const bare = { DB: env.DB, AUTH_KEYS: env.AUTH_KEYS } as unknown as Bindings;
    expect(readConfig(bare)).toEqual({
      jwtIssuer: 'chat-web',
      jwtAudience: 'chat-api',
      jwksCacheTtlS: 300,
      heartbeatMs: 15_000,
      upstreamTimeoutMs: 30_000,
      upstreamRetryBudgetMs: 8_000,
      openaiBaseUrl: 'https://api.openai.com/v1',
      openaiApiKey: undefined,
      tossApiBase: 'https://api.tosspayments.com',
      tossSecretKey: undefined,
      billingKeySecret: undefined,
      adminEmails: [],
      caps: { conversationsPerUser: 2_000, messagesPerConversation: 5_000, storedBytesPerUser: 50 * 1024 * 1024, openOrdersPerUser: 10 },
      streamStartsPerMinute: 20,
      fxRatesKrw: {},
    });
  });

  it('parses numbers, lower-cases the admin emails and treats an empty secret as unset', () => {
    const config = readConfig({ ...env, JWKS_CACHE_TTL_S: '60', ADMIN_EMAILS: ' A@Example.com, ,b@x.kr ', TOSS_SECRET_KEY: '' });
    expect(config).toMatchObject({ jwksCacheTtlS: 60, adminEmails: ['a@example.com', 'b@x.kr'], tossSecretKey: undefined, heartbeatMs: 300 });
  });

  it('reads an env object once', () => {
    const bindings: Bindings = { ...env };
    expect(readConfig(bindings)).toBe(readConfig(bindings));
  });

  it('names the bad var in a 500 config_invalid instead of failing later', () => {
    let thrown: unknown;
    try {
      readConfig({ ...env, HEARTBEAT_MS: 'soon', OPENAI_BASE_URL: 'not a url' });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    const error = thrown as ApiError;
    expect(error.status).toBe(500);
    expect(error.code).toBe('config_invalid');
    expect(error.message).toContain('HEARTBEAT_MS');
    expect(error.message).toContain('OPENAI_BASE_URL');
  });

  it('parses FX_RATES_KRW as a JSON map of currency to KRW, and names it when it is not one', () => {
    expect(readConfig({ ...env, FX_RATES_KRW: '{"USD":1400,"EUR":1500.5}' }).fxRatesKrw).toEqual({ USD: 1400, EUR: 1500.5 });
    for (const bad of ['1400', '{"USD":0}', '{"usd":1400}', 'not json']) {
      expect(() => readConfig({ ...env, FX_RATES_KRW: bad }), bad).toThrow(/FX_RATES_KRW/);
    }
  });
});

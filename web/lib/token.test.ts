import { createTokenSigner, generateSigningKey, KV_KEYS, wrapPrivateKey, type KeyValueStore } from '@chat/keys';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { authConfig } from './auth';
import { createAccessTokenCache, type AccessClaims, type SignToken } from './token';

// The Cloudflare context only exists inside a Worker request; these tests need none of it.
vi.mock('./platform', () => ({ getBindings: () => ({ authKeys: undefined, api: undefined }), readEnv: () => undefined }));

const SECRET = 'test-wrapping-secret-0123456789abcdef';
const CLAIMS: AccessClaims = { sub: 'usr_abc', roles: ['user'], scopes: ['chat:write', 'conversations:read'], onboarded: true };
const JWT = /eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/;

function memoryStore(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get: async (key) => data.get(key) ?? null,
    put: async (key, value) => void data.set(key, value),
    delete: async (key) => void data.delete(key),
  };
}

describe('tokens minted with the real signer', () => {
  const store = memoryStore();
  let jwks: ReturnType<typeof createLocalJWKSet>;
  let kid: string;

  beforeAll(async () => {
    const key = await generateSigningKey();
    kid = key.kid;
    store.data.set(KV_KEYS.signing(key.kid), await wrapPrivateKey(key.privateJwk, key.kid, SECRET));
    store.data.set(KV_KEYS.active, key.kid);
    jwks = createLocalJWKSet({ keys: [key.publicJwk] });
  });

  it('carries the claims, RS256 with the active kid, and lives 15 minutes', async () => {
    const signer = createTokenSigner({ store, wrappingSecret: SECRET });
    const tokens = createAccessTokenCache({ sign: (claims, opts) => signer.sign({ ...claims }, opts) });
    const token = await tokens.tokenFor(CLAIMS);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'JWT', kid });
    const { payload } = await jwtVerify(token, jwks, { issuer: 'chat-web', audience: 'chat-api', algorithms: ['RS256'] });
    expect(payload).toMatchObject({ sub: CLAIMS.sub, roles: CLAIMS.roles, scopes: CLAIMS.scopes, onboarded: true });
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(typeof payload.jti).toBe('string');
  });
});

describe('createAccessTokenCache', () => {
  function counting() {
    let n = 0;
    const sign = vi.fn<SignToken>(async () => ({ token: `token-${++n}` }));
    return sign;
  }

  it('reuses a token until two minutes before it expires, then mints a new one', async () => {
    let now = 1_000_000;
    const sign = counting();
    const tokens = createAccessTokenCache({ sign, now: () => now });
    expect(await tokens.tokenFor(CLAIMS)).toBe('token-1');
    expect(sign).toHaveBeenCalledWith(CLAIMS, { ttlSeconds: 900 });
    now += (900 - 121) * 1000;
    expect(await tokens.tokenFor(CLAIMS)).toBe('token-1');
    now += 2000;
    expect(await tokens.tokenFor(CLAIMS)).toBe('token-2');
    // An hour idle: never the stale one.
    now += 3600 * 1000;
    expect(await tokens.tokenFor(CLAIMS)).toBe('token-3');
  });

  it('mints anew when any claim changes (onboarding, plan, roles)', async () => {
    const sign = counting();
    const tokens = createAccessTokenCache({ sign });
    await tokens.tokenFor({ ...CLAIMS, onboarded: false });
    expect(await tokens.tokenFor(CLAIMS)).toBe('token-2');
    expect(await tokens.tokenFor({ ...CLAIMS, scopes: [...CLAIMS.scopes].reverse() })).toBe('token-2');
    expect(await tokens.tokenFor({ ...CLAIMS, roles: ['user', 'admin'] })).toBe('token-3');
  });

  it('signs once for concurrent requests and does not cache a failure', async () => {
    const sign = vi
      .fn<SignToken>()
      .mockRejectedValueOnce(new Error('KV down'))
      .mockResolvedValue({ token: 'ok' });
    const tokens = createAccessTokenCache({ sign });
    await expect(tokens.tokenFor(CLAIMS)).rejects.toThrow('KV down');
    const [a, b] = await Promise.all([tokens.tokenFor(CLAIMS), tokens.tokenFor(CLAIMS)]);
    expect([a, b]).toEqual(['ok', 'ok']);
    expect(sign).toHaveBeenCalledTimes(2);
  });

  it('forgets a subject on sign-out and bounds its size', async () => {
    const sign = counting();
    const tokens = createAccessTokenCache({ sign, maxEntries: 2 });
    await tokens.tokenFor(CLAIMS);
    tokens.forget(CLAIMS.sub);
    expect(await tokens.tokenFor(CLAIMS)).toBe('token-2');
    await tokens.tokenFor({ ...CLAIMS, sub: 'usr_b' });
    await tokens.tokenFor({ ...CLAIMS, sub: 'usr_c' });
    // usr_abc was the oldest and went.
    expect(await tokens.tokenFor(CLAIMS)).toBe('token-5');
  });
});

describe('what the browser can read of the session', () => {
  it('holds the claims the token is made from, never a token', async () => {
    const session = authConfig().callbacks!.session!;
    const token = { sub: 'usr_abc', name: '김민준', roles: ['user'], scopes: ['chat:write'], onboarded: true, claimsAt: Date.now() };
    // Auth.js calls session() with the decoded cookie; only what it returns goes to the browser.
    const out = await session({ session: { user: { name: '김민준', email: null, image: null }, expires: '2099-01-01' }, token } as unknown as Parameters<typeof session>[0]);
    expect(JSON.stringify(out)).not.toMatch(JWT);
    expect(out).toMatchObject({ claims: { sub: 'usr_abc', onboarded: true }, user: { id: 'usr_abc' } });
  });
});

import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  createTokenSigner,
  generateSigningKey,
  KV_KEYS,
  MAX_TOKEN_LIFETIME_S,
  parseJwks,
  wrapPrivateKey,
  type AccessClaims,
  type JwksDocument,
} from '../src/index';
import { MemoryStore } from './memory-store';

const SECRET = 'test-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const CLAIMS: AccessClaims = { sub: 'usr_1', roles: ['user'], scopes: ['chat:write', 'usage:read'], onboarded: true };

/** Adds a key the way the CLI's rotate does: wrapped private half, public half published. */
async function addKey(store: MemoryStore, { activate }: { activate: boolean }): Promise<string> {
  const { kid, publicJwk, privateJwk } = await generateSigningKey();
  await store.put(KV_KEYS.signing(kid), await wrapPrivateKey(privateJwk, kid, SECRET));
  const jwks = parseJwks(await store.get(KV_KEYS.jwks));
  await store.put(KV_KEYS.jwks, JSON.stringify({ keys: [...jwks.keys, publicJwk] }));
  if (activate) await store.put(KV_KEYS.active, kid);
  return kid;
}

function jwksOf(store: MemoryStore): JwksDocument {
  return parseJwks(store.data.get(KV_KEYS.jwks) ?? null);
}

function verify(token: string, store: MemoryStore, options: { issuer?: string; audience?: string } = {}) {
  return jwtVerify(token, createLocalJWKSet(jwksOf(store)), {
    algorithms: ['RS256'],
    issuer: options.issuer ?? 'chat-web',
    audience: options.audience ?? 'chat-api',
  });
}

describe('createTokenSigner', () => {
  it('signs an RS256 token with the active kid that verifies against the published set', async () => {
    const store = new MemoryStore();
    const kid = await addKey(store, { activate: true });
    const signer = createTokenSigner({ store, wrappingSecret: SECRET });

    const before = Math.floor(Date.now() / 1000);
    const signed = await signer.sign({ ...CLAIMS, plan: 'pro' });
    expect(signed.kid).toBe(kid);
    expect(decodeProtectedHeader(signed.token)).toEqual({ alg: 'RS256', typ: 'JWT', kid });

    const { payload } = await verify(signed.token, store);
    expect(payload).toMatchObject({ ...CLAIMS, plan: 'pro', iss: 'chat-web', aud: 'chat-api' });
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.exp).toBe((payload.iat ?? 0) + 900);
    expect(signed.expiresAt).toBe(payload.exp);
  });

  it('uses the configured issuer and audience', async () => {
    const store = new MemoryStore();
    await addKey(store, { activate: true });
    const signer = createTokenSigner({ store, wrappingSecret: SECRET, issuer: 'web-staging', audience: 'api-staging' });
    const { token } = await signer.sign(CLAIMS);
    await expect(verify(token, store, { issuer: 'web-staging', audience: 'api-staging' })).resolves.toBeDefined();
    await expect(verify(token, store)).rejects.toThrow(/iss/);
  });

  it('gives every token its own jti', async () => {
    const store = new MemoryStore();
    await addKey(store, { activate: true });
    const signer = createTokenSigner({ store, wrappingSecret: SECRET });
    const tokens = await Promise.all(Array.from({ length: 20 }, () => signer.sign(CLAIMS)));
    expect(new Set(tokens.map(({ token }) => decodeJwt(token).jti)).size).toBe(20);
  });

  it('accepts lifetimes up to 60 minutes and nothing else', async () => {
    const store = new MemoryStore();
    await addKey(store, { activate: true });
    const signer = createTokenSigner({ store, wrappingSecret: SECRET });
    const longest = await signer.sign(CLAIMS, { ttlSeconds: MAX_TOKEN_LIFETIME_S });
    const payload = decodeJwt(longest.token);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);
    for (const ttlSeconds of [3601, 0, -5, 1.5, Number.NaN]) {
      await expect(signer.sign(CLAIMS, { ttlSeconds })).rejects.toThrow(/ttlSeconds/);
    }
  });

  it('rejects malformed claims', async () => {
    const store = new MemoryStore();
    await addKey(store, { activate: true });
    const signer = createTokenSigner({ store, wrappingSecret: SECRET });
    await expect(signer.sign({ ...CLAIMS, sub: '' })).rejects.toThrow(/sub/);
    await expect(signer.sign({ ...CLAIMS, scopes: 'chat:write' } as unknown as AccessClaims)).rejects.toThrow(/scopes/);
  });

  it('unwraps the key once and re-reads nothing within the cache window', async () => {
    const store = new MemoryStore();
    await addKey(store, { activate: true });
    const signer = createTokenSigner({ store, wrappingSecret: SECRET, activeKidCacheMs: 60_000 });
    await signer.sign(CLAIMS);
    const reads = store.reads;
    await signer.sign(CLAIMS);
    await signer.sign(CLAIMS);
    expect(store.reads).toBe(reads);
  });

  it('picks up an activation once the active-kid cache expires', async () => {
    const store = new MemoryStore();
    const first = await addKey(store, { activate: true });
    const second = await addKey(store, { activate: false });
    const signer = createTokenSigner({ store, wrappingSecret: SECRET, activeKidCacheMs: 200 });
    expect((await signer.sign(CLAIMS)).kid).toBe(first);

    await store.put(KV_KEYS.active, second);
    expect((await signer.sign(CLAIMS)).kid).toBe(first);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const after = await signer.sign(CLAIMS);
    expect(after.kid).toBe(second);
    expect((await verify(after.token, store)).protectedHeader.kid).toBe(second);
  });

  it('explains a missing active key, a missing private key and a wrong secret', async () => {
    const empty = new MemoryStore();
    await expect(createTokenSigner({ store: empty, wrappingSecret: SECRET }).sign(CLAIMS)).rejects.toThrow(/No active signing key/);

    const dangling = new MemoryStore();
    await dangling.put(KV_KEYS.active, 'k_gone');
    await expect(createTokenSigner({ store: dangling, wrappingSecret: SECRET }).sign(CLAIMS)).rejects.toThrow(
      'The active signing key k_gone is not in the store (signing:k_gone is missing)',
    );

    const store = new MemoryStore();
    await addKey(store, { activate: true });
    const wrong = createTokenSigner({ store, wrappingSecret: 'a-different-secret-0123456789abcdefghij' });
    await expect(wrong.sign(CLAIMS)).rejects.toThrow(/wrong KEY_WRAPPING_SECRET/);
  });

  it('retries a key that failed to load instead of caching the failure', async () => {
    const store = new MemoryStore();
    const { kid, privateJwk } = await generateSigningKey();
    await store.put(KV_KEYS.active, kid);
    const signer = createTokenSigner({ store, wrappingSecret: SECRET });
    await expect(signer.sign(CLAIMS)).rejects.toThrow(/not in the store/);
    await store.put(KV_KEYS.signing(kid), await wrapPrivateKey(privateJwk, kid, SECRET));
    expect((await signer.sign(CLAIMS)).kid).toBe(kid);
  });
});

import { describe, expect, it } from 'vitest';
import { generateSigningKey, KV_KEYS, parseJwks, readEnvelopeMeta, unwrapPrivateKey, withEnvelopeMeta, wrapPrivateKey } from '../src/index';

const SECRET = 'test-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const OTHER_SECRET = 'other-secret-0123456789abcdefghijklmnopqrstuvwxyz';

describe('generateSigningKey', () => {
  it('makes an RS256 key pair with a dated kid on both halves', async () => {
    const { kid, publicJwk, privateJwk } = await generateSigningKey();
    expect(kid).toMatch(/^k_\d{8}_[0-9a-f]{12}$/);
    expect(publicJwk).toEqual({ kty: 'RSA', n: expect.any(String), e: 'AQAB', kid, alg: 'RS256', use: 'sig' });
    expect(privateJwk).toMatchObject({ kty: 'RSA', n: publicJwk.n, e: publicJwk.e, d: expect.any(String), kid, alg: 'RS256' });
    // 2048-bit modulus = 256 bytes = 342 base64url characters.
    expect(publicJwk.n).toHaveLength(342);
  });
});

describe('KV_KEYS', () => {
  it('names the signing key of a kid and refuses kids that would clash or escape', () => {
    expect(KV_KEYS.signing('k_1')).toBe('signing:k_1');
    expect(() => KV_KEYS.signing('active')).toThrow(/usable kid/);
    expect(() => KV_KEYS.signing('a:b')).toThrow(/usable kid/);
  });
});

describe('wrapPrivateKey / unwrapPrivateKey', () => {
  it('round-trips the private JWK and records plaintext metadata', async () => {
    const { kid, privateJwk } = await generateSigningKey();
    const envelope = await wrapPrivateKey(privateJwk, kid, SECRET, { createdAt: '2026-01-02T03:04:05.000Z' });
    const doc = JSON.parse(envelope) as Record<string, unknown>;
    expect(doc).toMatchObject({ v: 1, kid, alg: 'A256GCM', kdf: 'HKDF-SHA256', createdAt: '2026-01-02T03:04:05.000Z' });
    expect(envelope).not.toContain(privateJwk.d);
    expect(await unwrapPrivateKey(envelope, kid, SECRET)).toEqual(privateJwk);
  });

  it('uses a fresh salt and iv each time', async () => {
    const { kid, privateJwk } = await generateSigningKey();
    const a = JSON.parse(await wrapPrivateKey(privateJwk, kid, SECRET)) as Record<string, string>;
    const b = JSON.parse(await wrapPrivateKey(privateJwk, kid, SECRET)) as Record<string, string>;
    expect(a.salt).not.toBe(b.salt);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
  });

  it('fails clearly with the wrong secret', async () => {
    const { kid, privateJwk } = await generateSigningKey();
    const envelope = await wrapPrivateKey(privateJwk, kid, SECRET);
    await expect(unwrapPrivateKey(envelope, kid, OTHER_SECRET)).rejects.toThrow(/wrong KEY_WRAPPING_SECRET/);
  });

  it('fails when the ciphertext was tampered with', async () => {
    const { kid, privateJwk } = await generateSigningKey();
    const doc = JSON.parse(await wrapPrivateKey(privateJwk, kid, SECRET)) as Record<string, string>;
    const ct = doc.ct ?? '';
    doc.ct = (ct[0] === 'A' ? 'B' : 'A') + ct.slice(1);
    await expect(unwrapPrivateKey(JSON.stringify(doc), kid, SECRET)).rejects.toThrow(/tampered/);
  });

  it('binds the kid: another kid is refused, and relabelling the envelope breaks it', async () => {
    const { kid, privateJwk } = await generateSigningKey();
    const envelope = await wrapPrivateKey(privateJwk, kid, SECRET);
    await expect(unwrapPrivateKey(envelope, 'k_other', SECRET)).rejects.toThrow(`is for kid ${kid}, not k_other`);
    const relabelled = JSON.stringify({ ...(JSON.parse(envelope) as object), kid: 'k_other' });
    await expect(unwrapPrivateKey(relabelled, 'k_other', SECRET)).rejects.toThrow(/tampered/);
  });

  it('refuses a short secret and a malformed envelope', async () => {
    const { kid, privateJwk } = await generateSigningKey();
    await expect(wrapPrivateKey(privateJwk, kid, 'short')).rejects.toThrow(/at least 32 characters/);
    await expect(unwrapPrivateKey('{"v":2}', kid, SECRET)).rejects.toThrow(/unknown version/);
    await expect(unwrapPrivateKey('nope', kid, SECRET)).rejects.toThrow(/not JSON/);
  });
});

describe('envelope metadata', () => {
  it('is readable and stampable without the secret, leaving the key intact', async () => {
    const { kid, privateJwk } = await generateSigningKey();
    const envelope = await wrapPrivateKey(privateJwk, kid, SECRET, { createdAt: '2026-01-02T03:04:05.000Z' });
    expect(readEnvelopeMeta(envelope)).toEqual({ kid, createdAt: '2026-01-02T03:04:05.000Z' });

    const stamped = withEnvelopeMeta(envelope, { deactivatedAt: '2026-02-03T04:05:06.000Z' });
    expect(readEnvelopeMeta(stamped)).toEqual({ kid, createdAt: '2026-01-02T03:04:05.000Z', deactivatedAt: '2026-02-03T04:05:06.000Z' });
    expect(await unwrapPrivateKey(stamped, kid, SECRET)).toEqual(privateJwk);

    expect(readEnvelopeMeta(withEnvelopeMeta(stamped, {}))).toEqual({ kid, createdAt: '2026-01-02T03:04:05.000Z' });
    expect(() => withEnvelopeMeta(envelope, { deactivatedAt: 'yesterday' })).toThrow(/ISO timestamp/);
  });
});

describe('parseJwks', () => {
  it('treats an absent set as empty and keeps only the published members', () => {
    expect(parseJwks(null)).toEqual({ keys: [] });
    const key = { kty: 'RSA', n: 'abc', e: 'AQAB', kid: 'k_1', alg: 'RS256', use: 'sig' };
    expect(parseJwks(JSON.stringify({ keys: [{ ...key, d: 'secret!' }] }))).toEqual({ keys: [key] });
  });

  it('rejects anything malformed instead of dropping it', () => {
    const key = { kty: 'RSA', n: 'abc', e: 'AQAB', kid: 'k_1', alg: 'RS256', use: 'sig' };
    expect(() => parseJwks('{')).toThrow(/not JSON/);
    expect(() => parseJwks('{}')).toThrow(/"keys" array/);
    expect(() => parseJwks(JSON.stringify({ keys: [{ ...key, alg: 'HS256' }] }))).toThrow(/jwks.keys\[0\]/);
    expect(() => parseJwks(JSON.stringify({ keys: [key, key] }))).toThrow(/twice/);
  });
});

import { describe, expect, it } from 'vitest';
import { JwksCache } from '../src/auth/jwks';
import { makeKey, type TestKey } from './support/tokens';

class CountingKv {
  reads = 0;
  value: string | null = null;
  fail = false;
  async get(_key: string): Promise<string | null> {
    this.reads++;
    await new Promise((r) => setTimeout(r, 1));
    if (this.fail) throw new Error('kv down');
    return this.value;
  }
  publish(...keys: TestKey[]): void {
    this.value = JSON.stringify({ keys: keys.map((k) => k.publicJwk) });
  }
}

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('JwksCache', () => {
  it('reads KV once while warm, then again after the TTL', async () => {
    const kv = new CountingKv();
    const a = await makeKey();
    kv.publish(a);
    const time = clock();
    const cache = new JwksCache({ ttlMs: 300_000, now: time.now });
    for (let i = 0; i < 50; i++) expect(await cache.keyFor(kv, a.kid)).not.toBeNull();
    expect(kv.reads).toBe(1);
    time.advance(300_000);
    await cache.keyFor(kv, a.kid);
    expect(kv.reads).toBe(2);
  });

  it('picks up a newly published kid on the first miss, without waiting for the TTL', async () => {
    const kv = new CountingKv();
    const a = await makeKey();
    const b = await makeKey();
    kv.publish(a);
    const time = clock();
    const cache = new JwksCache({ ttlMs: 300_000, now: time.now });
    await cache.keyFor(kv, a.kid);
    kv.publish(a, b);
    expect(await cache.keyFor(kv, b.kid)).not.toBeNull();
    expect(kv.reads).toBe(2);
  });

  it('holds the cooldown under a burst of forged kids: one KV read per 30 s', async () => {
    const kv = new CountingKv();
    const a = await makeKey();
    kv.publish(a);
    const time = clock();
    const cache = new JwksCache({ ttlMs: 300_000, now: time.now });
    await cache.keyFor(kv, a.kid);
    const forged = Array.from({ length: 500 }, (_, i) => cache.keyFor(kv, `forged-${i}`));
    expect((await Promise.all(forged)).every((k) => k === null)).toBe(true);
    expect(kv.reads).toBe(2);
    time.advance(10_000);
    for (let i = 0; i < 100; i++) await cache.keyFor(kv, `forged-late-${i}`);
    expect(kv.reads).toBe(2);
    time.advance(20_000);
    await cache.keyFor(kv, 'forged-after-cooldown');
    expect(kv.reads).toBe(3);
  });

  it('shares one KV read between concurrent cold requests', async () => {
    const kv = new CountingKv();
    const a = await makeKey();
    kv.publish(a);
    const cache = new JwksCache({ ttlMs: 300_000 });
    await Promise.all(Array.from({ length: 50 }, () => cache.keyFor(kv, a.kid)));
    expect(kv.reads).toBe(1);
  });

  it('keeps verifying with the last good set when KV fails on a reload', async () => {
    const kv = new CountingKv();
    const a = await makeKey();
    kv.publish(a);
    const time = clock();
    const cache = new JwksCache({ ttlMs: 1000, now: time.now });
    await cache.keyFor(kv, a.kid);
    kv.fail = true;
    time.advance(5000);
    expect(await cache.keyFor(kv, a.kid)).not.toBeNull();
  });

  it('drops a retired kid on reload and ignores malformed entries', async () => {
    const kv = new CountingKv();
    const a = await makeKey();
    const b = await makeKey();
    kv.value = JSON.stringify({ keys: [a.publicJwk, b.publicJwk, { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' }, 'junk'] });
    const time = clock();
    const cache = new JwksCache({ ttlMs: 1000, now: time.now });
    expect(await cache.keyFor(kv, b.kid)).not.toBeNull();
    expect(await cache.keyFor(kv, 'hmac')).toBeNull();
    kv.publish(a);
    time.advance(1000);
    expect(await cache.keyFor(kv, b.kid)).toBeNull();
    const snap = await cache.current(kv);
    expect(JSON.parse(snap.body)).toEqual({ keys: [{ ...a.publicJwk, use: 'sig' }] });
  });

  it('treats a missing or broken document as an empty set', async () => {
    const kv = new CountingKv();
    const cache = new JwksCache({ ttlMs: 1000 });
    expect((await cache.current(kv)).body).toBe('{"keys":[]}');
    kv.value = '{not json';
    const c2 = new JwksCache({ ttlMs: 1000 });
    expect((await c2.current(kv)).kids.size).toBe(0);
  });
});

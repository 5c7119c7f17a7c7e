import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { KV_KEYS, parseJwks, readEnvelopeMeta } from '@chat/keys';
import type { ListableStore } from '../src/keys/inventory';
import { LIVE_TOKEN_WINDOW_S } from '../src/keys/policy';
import { activate } from '../src/keys/verbs/activate';
import type { VerbContext } from '../src/keys/verbs/context';
import { list } from '../src/keys/verbs/list';
import { retire } from '../src/keys/verbs/retire';
import { rotate } from '../src/keys/verbs/rotate';
import { token } from '../src/keys/verbs/token';

const SECRET = 'verbs-test-secret-0123456789abcdefghijklmnop';

class MemoryStore implements ListableStore {
  readonly data = new Map<string, string>();
  async get(key: string) {
    return this.data.get(key) ?? null;
  }
  async put(key: string, value: string) {
    this.data.set(key, value);
  }
  async delete(key: string) {
    this.data.delete(key);
  }
  async list(prefix: string) {
    return [...this.data.keys()].filter((key) => key.startsWith(prefix));
  }
}

/** A context over a fresh store with a clock the test moves by hand. */
function harness() {
  const store = new MemoryStore();
  let now = new Date('2026-03-01T00:00:00.000Z');
  const out: string[] = [];
  const err: string[] = [];
  const ctx: VerbContext = {
    store,
    now: () => now,
    print: (line) => out.push(line),
    log: (line) => err.push(line),
    secret: () => SECRET,
  };
  return {
    store,
    ctx,
    out,
    err,
    advance(seconds: number) {
      now = new Date(now.getTime() + seconds * 1000);
    },
    /** What the last verb printed on stdout, then forgets it. */
    take() {
      return out.splice(0).join('\n');
    },
  };
}

const TTL = 300;

describe('keys verbs', () => {
  it('rotate --activate-now creates, publishes and activates the first key', async () => {
    const h = harness();
    await rotate(h.ctx, { activateNow: true, force: false, jwksTtlS: TTL });
    const kid = h.take();
    expect(h.store.data.get(KV_KEYS.active)).toBe(kid);
    expect(parseJwks(h.store.data.get(KV_KEYS.jwks) ?? null).keys.map((key) => key.kid)).toEqual([kid]);
    expect(readEnvelopeMeta(h.store.data.get(KV_KEYS.signing(kid)) ?? '')).toEqual({ kid, createdAt: '2026-03-01T00:00:00.000Z' });
  });

  it('rotate --activate-now is refused once a key is active, unless forced', async () => {
    const h = harness();
    await rotate(h.ctx, { activateNow: true, force: false, jwksTtlS: TTL });
    const first = h.take();
    await expect(rotate(h.ctx, { activateNow: true, force: false, jwksTtlS: TTL })).rejects.toThrow(/is for the first key/);
    expect(parseJwks(h.store.data.get(KV_KEYS.jwks) ?? null).keys).toHaveLength(1);
    await rotate(h.ctx, { activateNow: true, force: true, jwksTtlS: TTL });
    const second = h.take();
    expect(h.store.data.get(KV_KEYS.active)).toBe(second);
    expect(readEnvelopeMeta(h.store.data.get(KV_KEYS.signing(first)) ?? '').deactivatedAt).toBe('2026-03-01T00:00:00.000Z');
  });

  it('walks a full rotation: publish, wait, activate, wait, retire', async () => {
    const h = harness();
    await rotate(h.ctx, { activateNow: true, force: false, jwksTtlS: TTL });
    const first = h.take();
    await rotate(h.ctx, { activateNow: false, force: false, jwksTtlS: TTL });
    const second = h.take();
    expect(h.store.data.get(KV_KEYS.active)).toBe(first);
    expect(h.err.join('\n')).toContain(`activate ${second}`);

    await expect(activate(h.ctx, { kid: second, force: false, jwksTtlS: TTL })).rejects.toThrow(/JWKS_CACHE_TTL_S.*--force/s);
    h.advance(TTL + 60);
    await activate(h.ctx, { kid: second, force: false, jwksTtlS: TTL });
    expect(h.store.data.get(KV_KEYS.active)).toBe(second);
    expect(readEnvelopeMeta(h.store.data.get(KV_KEYS.signing(first)) ?? '').deactivatedAt).toBeDefined();

    await expect(retire(h.ctx, { kid: second, force: true })).rejects.toThrow(/active signing key/);
    await expect(retire(h.ctx, { kid: first, force: false })).rejects.toThrow(/may be live until.*--force/);
    h.advance(LIVE_TOKEN_WINDOW_S);
    await retire(h.ctx, { kid: first, force: false });
    expect(parseJwks(h.store.data.get(KV_KEYS.jwks) ?? null).keys.map((key) => key.kid)).toEqual([second]);
    expect(h.store.data.has(KV_KEYS.signing(first))).toBe(false);
  });

  it('activate needs a published, stored key and is a no-op for the active one', async () => {
    const h = harness();
    await expect(activate(h.ctx, { kid: 'k_nope', force: true, jwksTtlS: TTL })).rejects.toThrow(/not published/);
    await rotate(h.ctx, { activateNow: true, force: false, jwksTtlS: TTL });
    const kid = h.take();
    await activate(h.ctx, { kid, force: false, jwksTtlS: TTL });
    expect(h.err.at(-1)).toBe(`${kid} is already active`);
    h.store.data.delete(KV_KEYS.signing(kid));
    await h.store.put(KV_KEYS.active, 'k_other');
    await expect(activate(h.ctx, { kid, force: true, jwksTtlS: TTL })).rejects.toThrow(/no stored private key/);
  });

  it('re-activating a deactivated key clears its deactivation stamp', async () => {
    const h = harness();
    await rotate(h.ctx, { activateNow: true, force: false, jwksTtlS: TTL });
    const first = h.take();
    await rotate(h.ctx, { activateNow: false, force: false, jwksTtlS: TTL });
    const second = h.take();
    h.advance(TTL + 60);
    await activate(h.ctx, { kid: second, force: false, jwksTtlS: TTL });
    await activate(h.ctx, { kid: first, force: false, jwksTtlS: TTL });
    expect(readEnvelopeMeta(h.store.data.get(KV_KEYS.signing(first)) ?? '').deactivatedAt).toBeUndefined();
    expect(readEnvelopeMeta(h.store.data.get(KV_KEYS.signing(second)) ?? '').deactivatedAt).toBeDefined();
  });

  it('retire refuses a never-deactivated key unless forced, and unknown kids always', async () => {
    const h = harness();
    await rotate(h.ctx, { activateNow: true, force: false, jwksTtlS: TTL });
    await rotate(h.ctx, { activateNow: false, force: false, jwksTtlS: TTL });
    const spare = h.take().split('\n').at(-1) ?? '';
    await expect(retire(h.ctx, { kid: spare, force: false })).rejects.toThrow(/no deactivation stamp/);
    await retire(h.ctx, { kid: spare, force: true });
    await expect(retire(h.ctx, { kid: spare, force: true })).rejects.toThrow(/neither published nor stored/);
  });

  it('list shows every key with its state', async () => {
    const h = harness();
    await rotate(h.ctx, { activateNow: true, force: false, jwksTtlS: TTL });
    await rotate(h.ctx, { activateNow: false, force: false, jwksTtlS: TTL });
    const [first, second] = h.take().split('\n');
    h.advance(TTL + 60);
    await activate(h.ctx, { kid: second ?? '', force: false, jwksTtlS: TTL });
    await list(h.ctx);
    const [header, ...rows] = h.take().split('\n');
    expect(header).toMatch(/^KID\s+PUBLISHED\s+ACTIVE\s+CREATED\s+DEACTIVATED\s+RETIRABLE$/);
    expect(rows).toHaveLength(2);
    expect(rows.find((row) => row.startsWith(first ?? '-'))).toMatch(/\byes\s+no\s+2026-03-01T00:00:00.000Z\s+2026-03-01T00:06:00.000Z\s+after 2026-03-01T01:07:00.000Z$/);
    expect(rows.find((row) => row.startsWith(second ?? '-'))).toMatch(/\byes\s+yes\s+\S+\s+-\s+no \(active\)$/);
  });

  it('token prints only a token that verifies against the published set', async () => {
    const h = harness();
    await rotate(h.ctx, { activateNow: true, force: false, jwksTtlS: TTL });
    const kid = h.take();
    await token(h.ctx, { claims: { sub: 'svc:web', roles: [], scopes: ['users:provision'], onboarded: false }, ttlSeconds: 60 });
    const jwt = h.take();
    expect(jwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(decodeProtectedHeader(jwt).kid).toBe(kid);
    const jwks = createLocalJWKSet(parseJwks(h.store.data.get(KV_KEYS.jwks) ?? null));
    const { payload } = await jwtVerify(jwt, jwks, { algorithms: ['RS256'], issuer: 'chat-web', audience: 'chat-api' });
    expect(payload).toMatchObject({ sub: 'svc:web', scopes: ['users:provision'], roles: [] });
  });
});

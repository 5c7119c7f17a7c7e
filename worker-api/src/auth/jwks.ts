import { importJWK } from 'jose';
import { z } from 'zod';
import type { Config } from '../config';
import { log, type LogLevel } from '../log';

/** KV key of the public JWK Set (contract section 4). */
export const JWKS_KV_KEY = 'jwks';
/** A kid we do not know triggers at most one KV re-read per this window. */
export const KID_MISS_COOLDOWN_MS = 30_000;

const PublicJwk = z.object({
  kty: z.literal('RSA'),
  n: z.string().min(1),
  e: z.string().min(1),
  kid: z.string().min(1),
  alg: z.literal('RS256'),
  use: z.literal('sig').optional(),
});
type PublicJwk = z.infer<typeof PublicJwk>;

const JwksDocument = z.object({ keys: z.array(z.unknown()) });

/** The published set as served at /.well-known/jwks.json, parsed once per load. */
export type JwksSnapshot = {
  /** Canonical JSON of the usable public keys (what we serve). */
  body: string;
  etag: string;
  kids: ReadonlySet<string>;
  loadedAt: number;
};

type KeySource = { get(key: string): Promise<string | null> };

export type JwksCacheOptions = {
  /** How long a loaded set is trusted before KV is read again. */
  ttlMs: number;
  missCooldownMs?: number;
  now?: () => number;
  log?: (level: LogLevel, event: string, fields: Record<string, unknown>) => void;
};

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The JWK Set from KV, kept in isolate memory so that verifying a token costs no KV read
 * and no JSON parse once warm. An unknown kid re-reads KV at most once per cooldown, and
 * concurrent loads share one read, so a flood of forged kids cannot become a flood of reads.
 *
 * @example const key = await cache.keyFor(env.AUTH_KEYS, header.kid)
 */
export class JwksCache {
  private snapshot: JwksSnapshot | undefined;
  private loading: Promise<JwksSnapshot> | undefined;
  private lastMissRefreshAt = Number.NEGATIVE_INFINITY;
  private readonly jwks = new Map<string, PublicJwk>();
  private readonly imported = new Map<string, Promise<CryptoKey>>();
  private readonly now: () => number;
  private readonly missCooldownMs: number;

  constructor(private readonly options: JwksCacheOptions) {
    this.now = options.now ?? Date.now;
    this.missCooldownMs = options.missCooldownMs ?? KID_MISS_COOLDOWN_MS;
  }

  /** The current set, re-read from KV when older than the TTL. */
  async current(kv: KeySource): Promise<JwksSnapshot> {
    const snap = this.snapshot;
    if (snap && this.now() - snap.loadedAt < this.options.ttlMs) return snap;
    return this.reload(kv);
  }

  /** The verification key for `kid`, or null when it is not published (after at most one refresh). */
  async keyFor(kv: KeySource, kid: string): Promise<CryptoKey | null> {
    await this.current(kv);
    if (!this.jwks.has(kid) && this.now() - this.lastMissRefreshAt >= this.missCooldownMs) {
      this.lastMissRefreshAt = this.now();
      await this.reload(kv);
    }
    const jwk = this.jwks.get(kid);
    if (!jwk) return null;
    let key = this.imported.get(kid);
    if (!key) {
      key = importJWK(jwk, 'RS256') as Promise<CryptoKey>;
      this.imported.set(kid, key);
    }
    return key;
  }

  private reload(kv: KeySource): Promise<JwksSnapshot> {
    this.loading ??= this.load(kv).finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(kv: KeySource): Promise<JwksSnapshot> {
    let text: string | null;
    try {
      text = await kv.get(JWKS_KV_KEY);
    } catch (err) {
      // A KV hiccup must not log everyone out: keep verifying with the set we have.
      if (this.snapshot) {
        this.options.log?.('warn', 'jwks_reload_failed', { error: String(err) });
        this.snapshot = { ...this.snapshot, loadedAt: this.now() };
        return this.snapshot;
      }
      throw err;
    }
    const keys = this.parse(text);
    this.jwks.clear();
    for (const k of keys) this.jwks.set(k.kid, k);
    for (const kid of this.imported.keys()) if (!this.jwks.has(kid)) this.imported.delete(kid);
    const body = JSON.stringify({
      keys: keys.map(({ kty, n, e, kid, alg }) => ({ kty, n, e, kid, alg, use: 'sig' })),
    });
    this.snapshot = { body, etag: `"${(await sha256Hex(body)).slice(0, 32)}"`, kids: new Set(this.jwks.keys()), loadedAt: this.now() };
    return this.snapshot;
  }

  private parse(text: string | null): PublicJwk[] {
    if (text === null) return [];
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      this.options.log?.('warn', 'jwks_invalid', { reason: 'not JSON' });
      return [];
    }
    const parsed = JwksDocument.safeParse(doc);
    if (!parsed.success) {
      this.options.log?.('warn', 'jwks_invalid', { reason: 'no keys array' });
      return [];
    }
    // One malformed entry must not take the others down with it.
    return parsed.data.keys.flatMap((k) => {
      const key = PublicJwk.safeParse(k);
      return key.success ? [key.data] : [];
    });
  }
}

let isolateCache: JwksCache | undefined;

/** The isolate's cache, created on first use with the Worker's configured TTL. */
export function jwksCacheFor(config: Pick<Config, 'jwksCacheTtlS'>): JwksCache {
  isolateCache ??= new JwksCache({ ttlMs: config.jwksCacheTtlS * 1000, log });
  return isolateCache;
}

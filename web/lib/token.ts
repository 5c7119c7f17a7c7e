import { DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_ISSUER } from '@chat/contract';
import { createTokenSigner, DEFAULT_TOKEN_TTL_S, type AccessClaims, type KeyValueStore } from '@chat/keys';
import { getBindings, readEnv } from './platform';

/** What the Worker authorizes on (contract section 3), beside the registered claims. */
export type { AccessClaims };

/** Signs one token; the shape of `TokenSigner.sign` from @chat/keys. */
export type SignToken = (claims: AccessClaims, options: { ttlSeconds: number }) => Promise<{ token: string }>;

export type AccessTokenCacheOptions = {
  sign: SignToken;
  /** Token lifetime; the contract's default is 15 minutes. */
  ttlSeconds?: number;
  /** A cached token this close to its expiry is replaced, so no request carries one about to lapse. */
  renewBeforeSeconds?: number;
  /** Cached tokens kept at most (oldest dropped first); bounds memory in a long-lived isolate. */
  maxEntries?: number;
  now?: () => number;
};

/** The BFF's identity when it calls `/internal/*`. */
export const SERVICE_CLAIMS: AccessClaims = { sub: 'svc:web', roles: ['service'], scopes: ['users:provision'], onboarded: false };

type Entry = { token: Promise<string>; expiresAt: number };

/**
 * Short-lived RS256 tokens for the Worker, minted on demand and reused until shortly before
 * they expire. Kept in isolate memory only: they never go into a cookie or a response, and
 * a cold isolate simply mints again. A token is keyed by every claim it carries, so a
 * changed role, scope or onboarding state gets a fresh token at once.
 *
 * @example const tokens = createAccessTokenCache({ sign }); await tokens.tokenFor(claims)
 */
export function createAccessTokenCache(options: AccessTokenCacheOptions) {
  const ttlSeconds = options.ttlSeconds ?? DEFAULT_TOKEN_TTL_S;
  const renewBeforeMs = (options.renewBeforeSeconds ?? 120) * 1000;
  const maxEntries = options.maxEntries ?? 1000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  const keyOf = (claims: AccessClaims) =>
    JSON.stringify([claims.sub, [...claims.roles].sort(), [...claims.scopes].sort(), claims.onboarded]);

  return {
    /** A token for these claims with at least `renewBeforeSeconds` of life left. */
    tokenFor(claims: AccessClaims): Promise<string> {
      const key = keyOf(claims);
      const cached = entries.get(key);
      if (cached && cached.expiresAt - now() > renewBeforeMs) return cached.token;
      // Counted from before signing, so the cached expiry is never later than the token's.
      const expiresAt = now() + ttlSeconds * 1000;
      const token = options.sign(claims, { ttlSeconds }).then((signed) => signed.token);
      entries.delete(key);
      entries.set(key, { token, expiresAt });
      // A failed signing must not be served from the cache.
      token.catch(() => {
        if (entries.get(key)?.token === token) entries.delete(key);
      });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
      return token;
    },
    /** Drops every cached token of a subject (sign-out). */
    forget(sub: string): void {
      for (const key of entries.keys()) if (JSON.parse(key)[0] === sub) entries.delete(key);
    },
  };
}

export type AccessTokenCache = ReturnType<typeof createAccessTokenCache>;

/** The KV binding of the request at hand, looked up per call (bindings are per request). */
const authKeysStore: KeyValueStore = {
  get: (key) => requireAuthKeys().get(key),
  put: (key, value) => requireAuthKeys().put(key, value),
  delete: (key) => requireAuthKeys().delete(key),
};

function requireAuthKeys(): KVNamespace {
  const kv = getBindings().authKeys;
  if (!kv) throw new Error('The AUTH_KEYS KV binding is missing (see web/wrangler.toml)');
  return kv;
}

let shared: { config: string; cache: AccessTokenCache } | undefined;

/**
 * The isolate's token cache over the real signer. The signer is rebuilt only when its
 * configuration changes, so its cached private key survives from request to request.
 */
export function accessTokens(): AccessTokenCache {
  const wrappingSecret = readEnv('KEY_WRAPPING_SECRET');
  if (!wrappingSecret) throw new Error('KEY_WRAPPING_SECRET is not set (web/.dev.vars locally, a secret of the web Worker deployed)');
  const issuer = readEnv('JWT_ISSUER') ?? DEFAULT_JWT_ISSUER;
  const audience = readEnv('JWT_AUDIENCE') ?? DEFAULT_JWT_AUDIENCE;
  const config = JSON.stringify([wrappingSecret, issuer, audience]);
  if (shared?.config !== config) {
    const signer = createTokenSigner({ store: authKeysStore, wrappingSecret, issuer, audience });
    shared = { config, cache: createAccessTokenCache({ sign: (claims, opts) => signer.sign({ ...claims }, opts) }) };
  }
  return shared.cache;
}

import { DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_ISSUER, MAX_TOKEN_LIFETIME_S } from '@chat/contract';
import { importJWK, SignJWT, type CryptoKey } from 'jose';
import { KID_PATTERN, KV_KEYS, type KeyValueStore } from './store';
import { unwrapPrivateKey } from './wrap';

/**
 * The claims of contract section 3 that the caller decides. A type alias rather than an
 * interface so a plain `AccessClaims` value satisfies `sign`'s `Record<string, unknown>` side.
 */
export type AccessClaims = {
  sub: string;
  roles: string[];
  scopes: string[];
  onboarded: boolean;
};

/** Token lifetime when the caller does not ask for one (15 min). */
export const DEFAULT_TOKEN_TTL_S = 900;
/**
 * How long a signer keeps using the active kid it read: after an activation the old key may
 * still sign for this long, so retirement has to allow for it.
 */
export const DEFAULT_ACTIVE_KID_CACHE_MS = 30_000;

export interface TokenSignerOptions {
  store: KeyValueStore;
  wrappingSecret: string;
  /** `iss`; default `chat-web`. */
  issuer?: string;
  /** `aud`; default `chat-api`. */
  audience?: string;
  /** How long the active kid is trusted before `signing:active` is read again. */
  activeKidCacheMs?: number;
}

export interface SignedToken {
  token: string;
  kid: string;
  /** epoch seconds */
  expiresAt: number;
}

export interface TokenSigner {
  sign(claims: AccessClaims & Record<string, unknown>, options?: { ttlSeconds?: number }): Promise<SignedToken>;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function checkClaims(claims: AccessClaims): void {
  if (typeof claims.sub !== 'string' || claims.sub.length === 0) throw new TypeError('sub must be a non-empty string');
  if (!isStringArray(claims.roles)) throw new TypeError('roles must be an array of strings');
  if (!isStringArray(claims.scopes)) throw new TypeError('scopes must be an array of strings');
  if (typeof claims.onboarded !== 'boolean') throw new TypeError('onboarded must be a boolean');
}

function checkTtl(ttl: number): void {
  if (!Number.isInteger(ttl) || ttl <= 0 || ttl > MAX_TOKEN_LIFETIME_S) {
    throw new RangeError(`ttlSeconds must be a whole number of seconds in 1..${MAX_TOKEN_LIFETIME_S}, got ${ttl}`);
  }
}

/**
 * A signer over the keys in `store`: it signs with whatever `signing:active` names, unwraps
 * and imports each private key once, and re-reads the active kid every `activeKidCacheMs`
 * so an operator's activation reaches it without a restart.
 *
 * @example const { token } = await signer.sign({ sub, roles: ['user'], scopes, onboarded: true })
 */
export function createTokenSigner(options: TokenSignerOptions): TokenSigner {
  const { store, wrappingSecret } = options;
  const issuer = options.issuer ?? DEFAULT_JWT_ISSUER;
  const audience = options.audience ?? DEFAULT_JWT_AUDIENCE;
  const cacheMs = options.activeKidCacheMs ?? DEFAULT_ACTIVE_KID_CACHE_MS;

  let active: { kid: string; readAt: number } | undefined;
  let activeRead: Promise<string> | undefined;
  const keys = new Map<string, Promise<CryptoKey>>();

  async function readActiveKid(): Promise<string> {
    const value = await store.get(KV_KEYS.active);
    if (value === null || value.trim() === '') {
      throw new Error(`No active signing key: ${KV_KEYS.active} is not set (create one with \`npm run keys -- rotate --activate-now\`)`);
    }
    const kid = value.trim();
    if (!KID_PATTERN.test(kid)) throw new Error(`${KV_KEYS.active} holds ${JSON.stringify(kid)}, which is not a kid`);
    return kid;
  }

  function activeKid(): Promise<string> {
    if (active && Date.now() - active.readAt < cacheMs) return Promise.resolve(active.kid);
    // Concurrent signs share one read instead of each hitting the store.
    activeRead ??= readActiveKid()
      .then((kid) => {
        active = { kid, readAt: Date.now() };
        return kid;
      })
      .finally(() => {
        activeRead = undefined;
      });
    return activeRead;
  }

  async function loadKey(kid: string): Promise<CryptoKey> {
    const envelope = await store.get(KV_KEYS.signing(kid));
    if (envelope === null) throw new Error(`The active signing key ${kid} is not in the store (${KV_KEYS.signing(kid)} is missing)`);
    const jwk = await unwrapPrivateKey(envelope, kid, wrappingSecret);
    const key = await importJWK(jwk, 'RS256', { extractable: false });
    if (key instanceof Uint8Array) throw new Error(`Signing key ${kid} is not an RSA key`);
    return key;
  }

  function signingKey(kid: string): Promise<CryptoKey> {
    const cached = keys.get(kid);
    if (cached) return cached;
    // Private keys of kids no longer active have no business staying in memory.
    keys.clear();
    const loading = loadKey(kid);
    keys.set(kid, loading);
    // A failed load (key not written yet, store hiccup) must be retried on the next sign.
    loading.catch(() => {
      if (keys.get(kid) === loading) keys.delete(kid);
    });
    return loading;
  }

  return {
    async sign(claims, signOptions) {
      checkClaims(claims);
      const ttl = signOptions?.ttlSeconds ?? DEFAULT_TOKEN_TTL_S;
      checkTtl(ttl);
      const kid = await activeKid();
      const key = await signingKey(kid);
      const iat = Math.floor(Date.now() / 1000);
      const expiresAt = iat + ttl;
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(iat)
        .setExpirationTime(expiresAt)
        .setJti(crypto.randomUUID())
        .sign(key);
      return { token, kid, expiresAt };
    },
  };
}

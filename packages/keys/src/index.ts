// The limits the signer enforces, for its callers (the keys CLI); they live in the contract.
export { CLOCK_SKEW_S, MAX_TOKEN_LIFETIME_S } from '@chat/contract';
export { generateSigningKey } from './generate';
export { parseJwks, type JwksDocument, type PublicJwk } from './jwks';
export {
  createTokenSigner,
  DEFAULT_ACTIVE_KID_CACHE_MS,
  DEFAULT_TOKEN_TTL_S,
  type AccessClaims,
  type SignedToken,
  type TokenSigner,
  type TokenSignerOptions,
} from './signer';
export { KID_PATTERN, KV_KEYS, type KeyValueStore } from './store';
export { readEnvelopeMeta, unwrapPrivateKey, withEnvelopeMeta, wrapPrivateKey } from './wrap';

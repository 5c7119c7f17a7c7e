/** A published RSA verification key, exactly the members the Worker serves. */
export interface PublicJwk {
  kty: 'RSA';
  n: string;
  e: string;
  kid: string;
  alg: 'RS256';
  use: 'sig';
}

/** The JWK Set stored under `jwks`. */
export interface JwksDocument {
  keys: PublicJwk[];
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function toPublicJwk(value: unknown, index: number): PublicJwk {
  const where = `jwks.keys[${index}]`;
  if (typeof value !== 'object' || value === null) throw new Error(`${where} is not an object`);
  const { kty, n, e, kid, alg, use } = value as Record<string, unknown>;
  if (kty !== 'RSA' || alg !== 'RS256' || use !== 'sig') throw new Error(`${where} is not an RS256 signing key (kty RSA, alg RS256, use sig)`);
  if (!nonEmptyString(n) || !nonEmptyString(e) || !nonEmptyString(kid)) throw new Error(`${where} lacks n, e or kid`);
  return { kty, n, e, kid, alg, use };
}

/**
 * Parses and validates the stored JWK Set; an absent value is the empty set. Throws on
 * anything malformed rather than dropping entries, so a writer never rewrites a damaged
 * set as if the lost keys had never been published.
 */
export function parseJwks(text: string | null): JwksDocument {
  if (text === null) return { keys: [] };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error('The stored jwks is not JSON');
  }
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { keys?: unknown }).keys)) {
    throw new Error('The stored jwks has no "keys" array');
  }
  const keys = ((doc as { keys: unknown[] }).keys).map(toPublicJwk);
  const seen = new Set<string>();
  for (const { kid } of keys) {
    if (seen.has(kid)) throw new Error(`The stored jwks holds kid ${kid} twice`);
    seen.add(kid);
  }
  return { keys };
}

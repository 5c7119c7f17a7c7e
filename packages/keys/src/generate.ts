import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { PublicJwk } from './jwks';

function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** `k_<yyyymmdd>_<random>`: the date tells an operator at a glance how old a key is. */
function newKid(now: Date): string {
  return `k_${now.toISOString().slice(0, 10).replaceAll('-', '')}_${randomHex(6)}`;
}

/**
 * Creates a fresh RSA-2048 RS256 signing key: the public half ready to publish in `jwks`,
 * the private half as a JWK for `wrapPrivateKey` (never store it unwrapped).
 */
export async function generateSigningKey(): Promise<{ kid: string; publicJwk: PublicJwk; privateJwk: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const kid = newKid(new Date());
  const pub = await exportJWK(publicKey);
  if (pub.kty !== 'RSA' || !pub.n || !pub.e) throw new Error('The runtime exported an unexpected public key');
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, publicJwk: { kty: 'RSA', n: pub.n, e: pub.e, kid, alg: 'RS256', use: 'sig' }, privateJwk };
}

import { env } from 'cloudflare:test';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';

export type TestKey = { kid: string; privateKey: CryptoKey; publicJwk: JWK };

/** A fresh RS256 key pair with a unique kid. */
export async function makeKey(kid = `test_${crypto.randomUUID().slice(0, 8)}`): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { kid, privateKey, publicJwk: { ...jwk, kid, alg: 'RS256', use: 'sig' } };
}

/** Puts these keys' public halves in KV `jwks`, as the keys CLI does. */
export async function publish(...keys: TestKey[]): Promise<void> {
  await env.AUTH_KEYS.put('jwks', JSON.stringify({ keys: keys.map((k) => k.publicJwk) }));
}

/** A new signing key, published as the only one in the JWK Set: what most test files start from. */
export async function publishedKey(): Promise<TestKey> {
  const key = await makeKey();
  await publish(key);
  return key;
}

export const USER_SCOPES = ['chat:write', 'conversations:read', 'conversations:write', 'usage:read', 'billing:read', 'billing:write'];

/** A valid token for `sub` unless the claims or header overrides say otherwise. */
export async function sign(
  key: TestKey,
  claims: Partial<JWTPayload> & Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    roles: ['user'],
    scopes: USER_SCOPES,
    onboarded: true,
    iss: 'chat-web',
    aud: 'chat-api',
    sub: 'usr_test',
    iat: now,
    exp: now + 900,
    jti: crypto.randomUUID(),
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid, ...header })
    .sign(key.privateKey);
}

/** A request to the Worker with a bearer token. */
export function authed(token: string, init: RequestInit = {}): RequestInit {
  const headers = new Headers(init.headers);
  headers.set('Authorization', `Bearer ${token}`);
  if (init.body && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  return { ...init, headers };
}

export function b64url(input: string | Uint8Array): string {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

import { encode } from 'next-auth/jwt';

/** An Auth.js session cookie for the given claims, as the web app itself sets after login. */
export async function sessionCookie(secret: string, claims: { sub: string; roles: string[]; scopes: string[]; onboarded: boolean }): Promise<string> {
  const name = 'authjs.session-token';
  const value = await encode({ secret, salt: name, token: { ...claims, name: 'E2E', claimsAt: Date.now() }, maxAge: 3600 });
  return `${name}=${value}`;
}

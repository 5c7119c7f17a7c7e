import { encode } from 'next-auth/jwt';
import { describe, expect, it, vi } from 'vitest';
import { currentClaims } from './auth';

const SECRET = 'test-auth-secret-0123456789abcdef0123456789';
const ENV: Record<string, string> = { AUTH_SECRET: SECRET, AUTH_URL: 'http://localhost:3000' };
// No Worker to re-read the claims from (no signing secret): Auth.js keeps the claims it has.
vi.mock('./platform', () => ({ getBindings: () => ({ authKeys: undefined, api: undefined }), readEnv: (name: string) => ENV[name] }));

const CLAIMS = { sub: 'usr_abc', roles: ['user'], scopes: ['chat:write'], onboarded: true };

async function requestWith(token: Record<string, unknown> | null): Promise<Request> {
  const name = 'authjs.session-token';
  const headers = new Headers();
  if (token) headers.set('cookie', `${name}=${await encode({ secret: SECRET, salt: name, token, maxAge: 3600 })}`);
  return new Request('http://localhost:3000/api/me', { headers });
}

// What the built app's Worker entry runs, with no Next request scope around it.
describe('currentClaims outside Next', () => {
  it('reads fresh claims from the cookie', async () => {
    await expect(currentClaims(await requestWith({ ...CLAIMS, claimsAt: Date.now() }))).resolves.toEqual(CLAIMS);
  });

  it("takes claims due for a re-read through Auth.js's own session round", async () => {
    await expect(currentClaims(await requestWith({ ...CLAIMS, claimsAt: Date.now() - 6 * 60_000 }))).resolves.toEqual(CLAIMS);
  });

  it('is null without a session', async () => {
    await expect(currentClaims(await requestWith(null))).resolves.toBeNull();
    await expect(currentClaims(await requestWith({ sub: 'kakao-123', claimsAt: 0 }))).resolves.toBeNull();
  });
});

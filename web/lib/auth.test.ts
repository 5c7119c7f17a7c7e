import { encode } from 'next-auth/jwt';
import { describe, expect, it, vi } from 'vitest';
import { authConfig, freshSessionClaims, kakaoEmailVerified } from './auth';

// The Cloudflare context only exists inside a Worker request; these tests need none of it.
vi.mock('./platform', () => ({ getBindings: () => ({ authKeys: undefined, api: undefined }), readEnv: () => undefined }));

// The Worker as the session code sees it: `/me` answers with the account's session version now.
const worker = vi.hoisted(() => ({ sessionVersion: 0, calls: [] as string[] }));
vi.mock('./token', () => ({ SERVICE_CLAIMS: { sub: 'svc:web' }, accessTokens: () => ({ tokenFor: async () => 'jwt', forget: () => undefined }) }));
vi.mock('./worker', () => ({
  workerAnswer: async <T>(answer: Promise<T>) => answer,
  workerApi: () => ({
    GET: async (path: string) => {
      worker.calls.push(`GET ${path}`);
      return { name: 'Minjun', roles: ['user'], scopes: ['chat:write'], onboarded: true, sessionVersion: worker.sessionVersion };
    },
    POST: async (path: string) => {
      worker.calls.push(`POST ${path}`);
      worker.sessionVersion++;
      return { sessionVersion: worker.sessionVersion };
    },
  }),
}));

const SECRET = 'test-auth-secret-0123456789abcdef0123456789';
const CLAIMS = { sub: 'usr_abc', roles: ['user'], scopes: ['chat:write'], onboarded: true };

/** A session cookie as Auth.js sets it after sign-in (name and salt as in lib/auth's config). */
async function sessionCookie(token: Record<string, unknown>, options: { secure?: boolean; secret?: string } = {}): Promise<string> {
  const name = options.secure ? '__Secure-authjs.session-token' : 'authjs.session-token';
  const value = await encode({ secret: options.secret ?? SECRET, salt: name, token, maxAge: 3600 });
  return `theme=dark; ${name}=${value}`;
}

describe('freshSessionClaims', () => {
  it('reads fresh claims from the session cookie', async () => {
    const cookie = await sessionCookie({ ...CLAIMS, name: 'Minjun', claimsAt: Date.now() - 60_000 });
    await expect(freshSessionClaims(cookie, { secret: SECRET, secureCookie: false })).resolves.toEqual(CLAIMS);
  });

  it('reads the __Secure- cookie when the app is served over https, and only that one', async () => {
    const cookie = await sessionCookie({ ...CLAIMS, claimsAt: Date.now() }, { secure: true });
    await expect(freshSessionClaims(cookie, { secret: SECRET, secureCookie: true })).resolves.toEqual(CLAIMS);
    await expect(freshSessionClaims(cookie, { secret: SECRET, secureCookie: false })).resolves.toBeUndefined();
  });

  it('leaves claims due for a re-read from the Worker to Auth.js', async () => {
    const cookie = await sessionCookie({ ...CLAIMS, claimsAt: Date.now() - 6 * 60_000 });
    await expect(freshSessionClaims(cookie, { secret: SECRET, secureCookie: false })).resolves.toBeUndefined();
  });

  it('leaves a missing, foreign or tampered cookie to Auth.js', async () => {
    const options = { secret: SECRET, secureCookie: false };
    await expect(freshSessionClaims(null, options)).resolves.toBeUndefined();
    await expect(freshSessionClaims('theme=dark', options)).resolves.toBeUndefined();
    const foreign = await sessionCookie({ ...CLAIMS, claimsAt: Date.now() }, { secret: 'another-secret-0123456789abcdef0123456789ab' });
    await expect(freshSessionClaims(foreign, options)).resolves.toBeUndefined();
    const cookie = await sessionCookie({ ...CLAIMS, claimsAt: Date.now() });
    await expect(freshSessionClaims(`${cookie.slice(0, -4)}AAAA`, options)).resolves.toBeUndefined();
  });

  it('has no user for a session that is not a Worker user', async () => {
    const cookie = await sessionCookie({ sub: 'kakao-12345', claimsAt: Date.now() });
    await expect(freshSessionClaims(cookie, { secret: SECRET, secureCookie: false })).resolves.toBeNull();
  });
});

describe('kakaoEmailVerified', () => {
  it('is true only when Kakao marks a valid address verified', () => {
    expect(kakaoEmailVerified({ id: 1, kakao_account: { email: 'a@example.com', is_email_valid: true, is_email_verified: true } })).toBe(true);
    expect(kakaoEmailVerified({ id: 1, kakao_account: { email: 'a@example.com', is_email_valid: true, is_email_verified: false } })).toBe(false);
    expect(kakaoEmailVerified({ id: 1, kakao_account: { email: 'a@example.com', is_email_valid: false, is_email_verified: true } })).toBe(false);
    expect(kakaoEmailVerified({ id: 1, kakao_account: { email: 'a@example.com' } })).toBe(false);
    expect(kakaoEmailVerified({ id: 1 })).toBe(false);
    expect(kakaoEmailVerified(undefined)).toBe(false);
  });
});

describe('server-side sign-out', () => {
  type JwtParams = Parameters<NonNullable<NonNullable<ReturnType<typeof authConfig>['callbacks']>['jwt']>>[0];
  const refresh = (token: Record<string, unknown>) => authConfig().callbacks!.jwt!({ token, trigger: undefined } as unknown as JwtParams);

  it('ends, at the next claims refresh, every session minted before a sign-out; a later one lives on', async () => {
    worker.sessionVersion = 3;
    const copied = { ...CLAIMS, claimsAt: 0, sessionVersion: 3 };
    await expect(refresh(copied)).resolves.toMatchObject({ ...CLAIMS, sessionVersion: 3, claimsAt: expect.any(Number) });

    // Signing out anywhere bumps the version at the Worker...
    const signOut = authConfig().events!.signOut!;
    await signOut({ token: { ...copied } } as Parameters<typeof signOut>[0]);
    expect(worker.calls).toContain('POST /me/sessions/end');
    expect(worker.sessionVersion).toBe(4);
    // ...so a copy of the old cookie is over once its claims are re-read,
    await expect(refresh(copied)).resolves.toBeNull();
    // while a session signed in since carries the new version.
    await expect(refresh({ ...copied, sessionVersion: 4 })).resolves.toMatchObject({ sub: CLAIMS.sub, sessionVersion: 4 });
  });
});

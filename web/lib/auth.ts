import { Auth, createActionURL } from '@auth/core';
import type { NextAuthConfig, Session } from 'next-auth';
import { getToken, type JWT } from 'next-auth/jwt';
// zod's tree-shakable build: this module is also bundled into the built app's Worker entry (worker.ts).
import { z } from 'zod/mini';
import Kakao from 'next-auth/providers/kakao';
import { readEnv } from './platform';
import { accessTokens, SERVICE_CLAIMS, type AccessClaims } from './token';
import { ApiError } from './errors';
import { workerAnswer, workerApi } from './worker';

declare module '@auth/core/jwt' {
  interface JWT {
    roles?: string[];
    scopes?: string[];
    onboarded?: boolean;
    /** When roles, scopes and onboarding were last read from the Worker (epoch ms). */
    claimsAt?: number;
    /** The account's session version at sign-in: a sign-out bumps it, which ends this session at its next claims refresh. */
    sessionVersion?: number;
  }
}

declare module 'next-auth' {
  interface Session {
    /** What the Worker token is minted from; never the token itself. */
    claims: AccessClaims;
  }
}

/** Claims older than this are re-read from `/me`, so plan and role changes reach the token. */
const CLAIMS_MAX_AGE_MS = 5 * 60_000;
/** Idle timeout of the session cookie: Auth.js pushes the expiry forward on every read. */
const SESSION_MAX_AGE_S = 30 * 24 * 3600;

/** Whether the token's roles, scopes and onboarding are recent enough to mint Worker tokens from. */
function claimsAreFresh(token: JWT): boolean {
  return Date.now() - (token.claimsAt ?? 0) < CLAIMS_MAX_AGE_MS;
}

/**
 * Whether the session cookie is the `__Secure-` one: AUTH_URL's scheme says. Without AUTH_URL,
 * undefined: Auth.js then decides per request (and, outside a route handler, assumes https
 * unless a proxy header says otherwise, so it would look for the __Secure- cookie on
 * plain-http localhost).
 */
function secureCookies(): boolean | undefined {
  const appUrl = readEnv('AUTH_URL');
  return appUrl === undefined ? undefined : appUrl.startsWith('https:');
}

/** Finds or creates the Worker's user for a Kakao identity (contract: `/internal/users/provision`). */
async function provision(input: { provider: string; providerAccountId: string; email?: string | null; emailVerified: boolean; name?: string | null; image?: string | null }) {
  const token = await accessTokens().tokenFor(SERVICE_CLAIMS);
  // Blank profile fields are left out (undefined is not serialised) rather than sent empty.
  const body = { ...input, email: input.email || undefined, name: input.name || undefined, image: input.image || undefined };
  return workerAnswer(workerApi(token).POST('/internal/users/provision', { body }));
}

/** The user's current roles, scopes and onboarding state, as the Worker has them. */
async function readClaims(claims: AccessClaims) {
  const token = await accessTokens().tokenFor(claims);
  return workerAnswer(workerApi(token).GET('/me'));
}

/** Ends every session of the user at the Worker, so a copy of this cookie stops working at its next claims refresh. */
export async function endSessions(claims: AccessClaims): Promise<void> {
  const token = await accessTokens().tokenFor(claims);
  await workerAnswer(workerApi(token).POST('/me/sessions/end'));
}

/**
 * The session after a claims refresh read `me`: over (null) when a sign-out has bumped the
 * account's session version since this session began, else with the claims renewed.
 */
export function refreshedSession(token: JWT, me: { name: string | null; roles: string[]; scopes: string[]; onboarded: boolean; sessionVersion: number }, now = Date.now()): JWT | null {
  if (me.sessionVersion !== (token.sessionVersion ?? 0)) return null;
  return { ...token, name: me.name ?? token.name, roles: me.roles, scopes: me.scopes, onboarded: me.onboarded, claimsAt: now };
}

/** Kakao's login and API hosts, or the local fake's (KAKAO_AUTH_BASE, KAKAO_API_BASE); no trailing slash. */
export function kakaoEndpoints(): { authBase: string; apiBase: string } {
  return {
    authBase: (readEnv('KAKAO_AUTH_BASE') ?? 'https://kauth.kakao.com').replace(/\/+$/, ''),
    apiBase: (readEnv('KAKAO_API_BASE') ?? 'https://kapi.kakao.com').replace(/\/+$/, ''),
  };
}

/**
 * Auth.js configuration, built per request: on Workers the environment exists only inside a
 * request. Kakao's endpoints can point at a local fake (KAKAO_AUTH_BASE, KAKAO_API_BASE); the
 * bare `?scope` on authorize keeps Auth.js from asking Kakao for `openid`.
 */
export function authConfig(): NextAuthConfig {
  const { authBase, apiBase } = kakaoEndpoints();
  const appUrl = readEnv('AUTH_URL');
  return {
    secret: readEnv('AUTH_SECRET'),
    trustHost: readEnv('AUTH_TRUST_HOST') === 'true' || appUrl !== undefined,
    useSecureCookies: secureCookies(),
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: '/', error: '/' },
    providers: [
      Kakao({
        clientId: readEnv('AUTH_KAKAO_ID'),
        clientSecret: readEnv('AUTH_KAKAO_SECRET'),
        authorization: `${authBase}/oauth/authorize?scope`,
        token: `${authBase}/oauth/token`,
        userinfo: `${apiBase}/v2/user/me`,
      }),
    ],
    callbacks: {
      async jwt({ token, account, profile, user, trigger }) {
        if (account) {
          // First request of a sign-in: the Worker's user id replaces Kakao's as `sub`.
          const provisioned = await provision({
            provider: account.provider,
            providerAccountId: account.providerAccountId,
            email: user.email,
            emailVerified: kakaoEmailVerified(profile),
            name: user.name,
            image: user.image,
          });
          return {
            sub: provisioned.id,
            name: user.name ?? null,
            email: user.email ?? null,
            picture: user.image ?? null,
            roles: provisioned.roles,
            scopes: provisioned.scopes,
            onboarded: provisioned.onboarded,
            claimsAt: Date.now(),
            sessionVersion: provisioned.sessionVersion,
          };
        }
        const claims = claimsOf(token);
        if (!claims) return null;
        if (trigger !== 'update' && claimsAreFresh(token)) return token;
        try {
          return refreshedSession(token, await readClaims(claims));
        } catch (err) {
          // The user is gone or the key set no longer trusts us: end the session.
          if (err instanceof ApiError && (err.status === 401 || err.status === 404)) return null;
          // Anything else is passing (Worker down); keep the claims we have and try later.
          return token;
        }
      },
      session({ session, token }) {
        const claims = claimsOf(token);
        if (claims) session.claims = claims;
        if (token.sub) session.user.id = token.sub;
        return session;
      },
    },
    events: {
      async signOut(message) {
        const token = 'token' in message ? message.token : null;
        const claims = token ? claimsOf(token) : null;
        if (!claims) return;
        // Server-side: every copy of the cookie ends at its next claims refresh, not when it expires.
        await endSessions(claims).catch((err: unknown) => console.error('end_sessions_failed', err));
        accessTokens().forget(claims.sub);
      },
    },
  };
}

/** The part of Kakao's `/v2/user/me` answer that says whether the email is vouched for. */
const KakaoEmailStatus = z.object({ kakao_account: z.object({ is_email_valid: z.optional(z.boolean()), is_email_verified: z.literal(true) }) });

/**
 * Whether Kakao vouches for the account's email. Auth.js's Kakao profile keeps only the address,
 * so the flag is read from the raw `/v2/user/me` answer it passes as `profile`; anything but an
 * explicit true (an unverified or invalid address, a missing field) counts as unverified.
 */
export function kakaoEmailVerified(profile: unknown): boolean {
  const status = KakaoEmailStatus.safeParse(profile);
  return status.success && status.data.kakao_account.is_email_valid !== false;
}

function claimsOf(token: { sub?: string | undefined; roles?: string[]; scopes?: string[]; onboarded?: boolean }): AccessClaims | null {
  if (!token.sub || !token.sub.startsWith('usr_')) return null;
  return { sub: token.sub, roles: token.roles ?? [], scopes: token.scopes ?? [], onboarded: token.onboarded ?? false };
}

export type SessionCookieOptions = { secret: string; secureCookie: boolean };

/**
 * The claims in a session cookie whose claims are fresh, decrypted with Auth.js's own
 * `getToken`: exactly what the jwt and session callbacks would make of it, without the rest
 * of Auth.js's session round (its config, a re-encrypted cookie that nobody sends, JSON).
 * Undefined when only that round can tell: no readable cookie, or claims due for a re-read.
 *
 * @example const claims = await freshSessionClaims(req.headers.get('cookie'), { secret, secureCookie: true })
 */
export async function freshSessionClaims(cookie: string | null, options: SessionCookieOptions): Promise<AccessClaims | null | undefined> {
  if (!cookie) return undefined;
  // Only the cookie: Auth.js's session never comes from an Authorization header.
  const token = await getToken({ req: { headers: { cookie } }, secret: options.secret, secureCookie: options.secureCookie });
  if (!token || !claimsAreFresh(token)) return undefined;
  return claimsOf(token);
}

/**
 * The signed-in user's token claims, or null without a session. Every BFF call asks, so fresh
 * claims are read straight from the cookie; anything else goes through Auth.js (which also
 * re-reads stale claims from the Worker).
 */
export async function currentClaims(request: Request): Promise<AccessClaims | null> {
  const secret = readEnv('AUTH_SECRET');
  const secureCookie = secureCookies();
  if (secret !== undefined && secureCookie !== undefined) {
    const claims = await freshSessionClaims(request.headers.get('cookie'), { secret, secureCookie });
    if (claims !== undefined) return claims;
  }
  const session = await sessionOf(request);
  return session?.claims ?? null;
}

/** Where Auth.js's routes live (app/api/auth/[...nextauth]); next-auth's default, which Auth.js itself needs told. */
const AUTH_BASE_PATH = '/api/auth';

/**
 * Auth.js's session round for `request` (what `auth()` does in a page), called on Auth.js
 * itself: it needs no Next request scope, which the built app's Worker entry (worker.ts) does
 * not have. The cookie it would renew is not sent back; the next round renews it again.
 */
async function sessionOf(request: Request): Promise<Session | null> {
  const config = { ...authConfig(), basePath: AUTH_BASE_PATH };
  const url = createActionURL('session', new URL(request.url).protocol.replace(/:$/, ''), request.headers, process.env, config);
  const response = await Auth(new Request(url, { headers: { cookie: request.headers.get('cookie') ?? '' } }), config);
  // Anything but a session (a misconfiguration answers 500 with a message) is no session.
  if (!response.ok) return null;
  const session: unknown = await response.json();
  return session !== null && typeof session === 'object' && 'claims' in session ? (session as Session) : null;
}

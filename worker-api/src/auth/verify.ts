import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { errors as joseErrors, jwtVerify, type JWTHeaderParameters } from 'jose';
import { readConfig } from '../config';
import type { AppEnv, AuthContext } from '../env';
import { ApiError } from '../http/errors';
import { guardWrites } from '../policy/burst';
import { CLOCK_SKEW_S, MAX_TOKEN_LIFETIME_S } from '@chat/contract';
import { AccessClaimsSchema } from './claims';
import { jwksCacheFor } from './jwks';
import { refuseIfSuspended } from './suspension';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/;

/** The 401 every rejected token gets: one shape, one `WWW-Authenticate`. */
export function invalidToken(description: string): ApiError {
  const safe = description.replaceAll('"', "'");
  return new ApiError(401, 'invalid_token', description, {
    'WWW-Authenticate': `Bearer error="invalid_token", error_description="${safe}"`,
  });
}

function describe(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'The token has expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `The token's "${err.claim}" claim is not valid`;
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'Only RS256 tokens are accepted';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'The token signature is not valid';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'The token was signed with an unknown key';
  if (err instanceof ApiError) return err.message;
  return 'The token is malformed';
}

/**
 * Verifies `Authorization: Bearer <jwt>` (RS256 only; iss, aud, exp required; 30 s skew)
 * against the JWK Set cache and puts the caller in `c.get('auth')`. A suspended user is
 * refused here with 403 `account_suspended`, whatever their token says, and the request
 * counts against the burst `countBurst` names (429 `rate_limited`): here, so that no route
 * that changes something can be left out. (A stream start is counted where it is admitted.)
 */
function authenticate(countBurst?: (c: Context<AppEnv>) => Promise<void>) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('Authorization');
    if (!header) throw invalidToken('Missing bearer token');
    const match = BEARER.exec(header);
    if (!match?.[1]) throw invalidToken('The Authorization header must be "Bearer <token>"');

    const config = readConfig(c.env);
    const cache = jwksCacheFor(config);
    const kv = c.env.AUTH_KEYS;
    let payload: Record<string, unknown>;
    try {
      const verified = await jwtVerify(
        match[1],
        async (protectedHeader: JWTHeaderParameters) => {
          if (protectedHeader.alg !== 'RS256') throw new joseErrors.JOSEAlgNotAllowed('alg not allowed');
          if (!protectedHeader.kid) throw new joseErrors.JWKSNoMatchingKey();
          const key = await cache.keyFor(kv, protectedHeader.kid);
          if (!key) throw new joseErrors.JWKSNoMatchingKey();
          return key;
        },
        {
          algorithms: ['RS256'],
          issuer: config.jwtIssuer,
          audience: config.jwtAudience,
          clockTolerance: CLOCK_SKEW_S,
          requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub', 'jti'],
        },
      );
      payload = verified.payload as Record<string, unknown>;
    } catch (err) {
      throw invalidToken(describe(err));
    }

    const claims = AccessClaimsSchema.safeParse(payload);
    if (!claims.success) throw invalidToken('The token claims are malformed');
    const { sub, jti, iat, exp, roles, scopes, onboarded } = claims.data;
    const now = Math.floor(Date.now() / 1000);
    if (iat > now + CLOCK_SKEW_S) throw invalidToken('The token was issued in the future');
    if (exp - iat > MAX_TOKEN_LIFETIME_S) throw invalidToken('The token lifetime exceeds 60 minutes');

    const auth: AuthContext = { sub, jti, roles, scopes, onboarded, expiresAt: exp, isService: sub.startsWith('svc:') };
    c.set('auth', auth);
    if (!auth.isService) await refuseIfSuspended(c);
    if (countBurst) await countBurst(c);
    await next();
  });
}

/** Every route but the answer's starts: a user's state-changing request counts against their write burst. */
export const requireAuth = authenticate(guardWrites);

/**
 * The routes that start an answer: a start counts against the stream-start burst instead, in
 * the user's generation object before anything is read or reserved (policy/stream-starts.ts).
 * One request, one count: the write burst is for the changes a user makes.
 */
export const requireAuthToStart = authenticate();

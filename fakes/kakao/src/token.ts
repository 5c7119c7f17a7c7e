import { createHash, timingSafeEqual } from 'node:crypto';
import { ACCESS_TOKEN_TTL_S, REFRESH_TOKEN_TTL_S, type Client, type CodeGrant, type GrantStore, type TokenGrant } from './store';

export type TokenContext = { client: Client; store: GrantStore };

export type TokenRequest = {
  form: URLSearchParams;
  /** The Authorization header, for clients that authenticate with HTTP Basic. */
  authorization: string | undefined;
  /** Whether the body was declared `application/x-www-form-urlencoded`. */
  isForm: boolean;
};

export type OAuthErrorBody = { error: string; error_description: string; error_code: string };

// No id_token ever: Kakao sends one only with OIDC enabled, and Auth.js would then validate it.
export type TokenBody = {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  scope?: string;
};

export type TokenResult = { status: number; body: TokenBody | OAuthErrorBody; log: string };

function fail(status: number, error: string, description: string, code: string): TokenResult {
  return { status, body: { error, error_description: description, error_code: code }, log: `${status} ${error} ${code}: ${description}` };
}

const invalidRequest = (description: string) => fail(400, 'invalid_request', description, 'KOE001');
const invalidClient = (description: string) => fail(401, 'invalid_client', description, 'KOE010');
const invalidCode = (description: string) => fail(400, 'invalid_grant', description, 'KOE320');

/** Compares secrets in constant time, lengths included (both sides are hashed first). */
function sameSecret(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** RFC 6749 §2.3.1: Basic credentials are form-encoded before base64. */
function formDecode(value: string): string | null {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

type Credentials = { id: string; secret: string } | { problem: TokenResult };

/** The caller's client credentials, from HTTP Basic or from the body (client_secret_post). */
function credentialsOf(request: TokenRequest): Credentials {
  const basic = /^Basic\s+(\S+)$/i.exec(request.authorization ?? '')?.[1];
  if (basic === undefined) return { id: request.form.get('client_id') ?? '', secret: request.form.get('client_secret') ?? '' };
  // RFC 6749 §2.3: a client uses one authentication method per request.
  if (request.form.has('client_secret')) return { problem: invalidRequest('client credentials sent both in the Authorization header and in the body') };
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const id = formDecode(colon < 0 ? decoded : decoded.slice(0, colon));
  const secret = formDecode(colon < 0 ? '' : decoded.slice(colon + 1));
  if (id === null || secret === null) return { problem: invalidClient('malformed Basic credentials') };
  return { id, secret };
}

// RFC 7636 §4.1: a verifier is 43-128 characters of the unreserved set.
const VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;

function verifierMatches(grant: CodeGrant, verifier: string | null): boolean {
  if (grant.challenge === null) return true;
  if (verifier === null || !VERIFIER_PATTERN.test(verifier)) return false;
  const derived = grant.challenge.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  return sameSecret(derived, grant.challenge.value);
}

function exchangeCode(form: URLSearchParams, clientId: string, store: GrantStore): TokenResult {
  const code = form.get('code');
  const redirectUri = form.get('redirect_uri');
  if (!code || !redirectUri) return invalidRequest('code and redirect_uri are required');
  const grant = store.takeCode(code);
  // Kakao words an unknown, spent or expired code this way.
  if (grant === undefined || grant.clientId !== clientId) return invalidCode(`authorization code not found for code=${code}`);
  if (grant.redirectUri !== redirectUri) return invalidCode('redirect_uri mismatch');
  if (!verifierMatches(grant, form.get('code_verifier'))) return invalidCode('invalid code_verifier');

  const tokenGrant: TokenGrant = { user: grant.user, clientId, scope: grant.scope };
  return {
    status: 200,
    body: {
      access_token: store.issueAccessToken(tokenGrant),
      token_type: 'bearer',
      refresh_token: store.issueRefreshToken(tokenGrant),
      expires_in: ACCESS_TOKEN_TTL_S,
      scope: grant.scope,
      refresh_token_expires_in: REFRESH_TOKEN_TTL_S,
    },
    log: `200 tokens for user ${grant.user.id}`,
  };
}

/** Kakao renews only the access token here; the refresh token is re-issued only near its end, which a fake never reaches. */
function refresh(form: URLSearchParams, clientId: string, store: GrantStore): TokenResult {
  const refreshToken = form.get('refresh_token');
  if (!refreshToken) return invalidRequest('refresh_token is required');
  const grant = store.refreshGrant(refreshToken);
  if (grant === undefined || grant.clientId !== clientId) return fail(400, 'invalid_grant', 'expired_or_invalid_refresh_token', 'KOE322');
  return {
    status: 200,
    body: { access_token: store.issueAccessToken(grant), token_type: 'bearer', expires_in: ACCESS_TOKEN_TTL_S },
    log: `200 access token for user ${grant.user.id}`,
  };
}

/** `POST /oauth/token`: the authorization_code grant (with PKCE) and the refresh_token grant. */
export function exchangeToken(request: TokenRequest, ctx: TokenContext): TokenResult {
  if (!request.isForm) return invalidRequest('the body must be application/x-www-form-urlencoded');
  const credentials = credentialsOf(request);
  if ('problem' in credentials) return credentials.problem;
  if (credentials.id === '') return invalidRequest('client_id is required');
  if (!sameSecret(credentials.id, ctx.client.id) || !sameSecret(credentials.secret, ctx.client.secret)) {
    return invalidClient('Bad client credentials');
  }
  const grantType = request.form.get('grant_type');
  if (grantType === 'authorization_code') return exchangeCode(request.form, credentials.id, ctx.store);
  if (grantType === 'refresh_token') return refresh(request.form, credentials.id, ctx.store);
  return invalidRequest(`unsupported grant_type: ${grantType ?? '(none)'}`);
}

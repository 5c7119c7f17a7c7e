import { createHash, timingSafeEqual } from 'node:crypto';
import { ACCESS_TOKEN_TTL_S, customUser, PRESET_USERS, type GrantStore, type KakaoUser } from './store';

export type Client = { id: string; secret: string };

export type OAuthError = { status: number; body: { error: string; error_description: string; error_code: string } };

function oauthError(status: number, error: string, description: string, code: string): OAuthError {
  return { status, body: { error, error_description: description, error_code: code } };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The person chosen on the consent page, or null when the form is incomplete. */
export function chosenUser(form: URLSearchParams): KakaoUser | null {
  const choice = form.get('user') ?? '';
  if (choice === 'custom') {
    const nickname = (form.get('nickname') ?? '').trim();
    const email = (form.get('email') ?? '').trim();
    if (!nickname) return null;
    return customUser(nickname.slice(0, 40), email || null);
  }
  return PRESET_USERS[choice] ?? null;
}

function verifierMatches(verifier: string, challenge: string, method: 'S256' | 'plain'): boolean {
  const computed = method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  return same(computed, challenge);
}

function clientFrom(form: URLSearchParams, authorization: string | undefined): { id: string; secret: string } {
  const basic = /^Basic (.+)$/i.exec(authorization ?? '');
  if (basic?.[1]) {
    const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    return { id: decodeURIComponent(id ?? ''), secret: decodeURIComponent(secret ?? '') };
  }
  return { id: form.get('client_id') ?? '', secret: form.get('client_secret') ?? '' };
}

/** `POST /oauth/token`: authorization_code (with PKCE) and refresh_token grants. */
export function exchangeToken(
  form: URLSearchParams,
  authorization: string | undefined,
  client: Client,
  store: GrantStore,
): { status: 200; body: Record<string, unknown> } | OAuthError {
  const grantType = form.get('grant_type');
  const caller = clientFrom(form, authorization);
  if (!caller.id) return oauthError(400, 'invalid_request', 'client_id is required', 'KOE101');
  if (!same(caller.id, client.id) || !same(caller.secret, client.secret)) {
    return oauthError(401, 'invalid_client', 'Bad client credentials', 'KOE010');
  }

  let user: KakaoUser | undefined;
  if (grantType === 'authorization_code') {
    const code = form.get('code');
    const redirectUri = form.get('redirect_uri');
    if (!code || !redirectUri) return oauthError(400, 'invalid_request', 'code and redirect_uri are required', 'KOE320');
    const grant = store.takeCode(code);
    if (!grant || grant.clientId !== caller.id) return oauthError(400, 'invalid_grant', `authorization code not found for code=${code}`, 'KOE320');
    if (grant.redirectUri !== redirectUri) return oauthError(400, 'invalid_grant', 'redirect_uri mismatch', 'KOE303');
    if (grant.challenge !== null) {
      const verifier = form.get('code_verifier');
      if (!verifier || !verifierMatches(verifier, grant.challenge, grant.challengeMethod)) {
        return oauthError(400, 'invalid_grant', 'PKCE verification failed', 'KOE322');
      }
    }
    user = grant.user;
  } else if (grantType === 'refresh_token') {
    user = store.takeRefreshToken(form.get('refresh_token') ?? '', caller.id);
    if (!user) return oauthError(400, 'invalid_grant', 'refresh token not found', 'KOE322');
  } else {
    return oauthError(400, 'invalid_request', `unsupported grant_type: ${grantType ?? '(none)'}`, 'KOE006');
  }

  const { accessToken, refreshToken } = store.issueTokens(user, caller.id);
  // No id_token: Kakao sends one only with OIDC enabled, and Auth.js would then validate it.
  return {
    status: 200,
    body: {
      access_token: accessToken,
      token_type: 'bearer',
      refresh_token: refreshToken,
      expires_in: ACCESS_TOKEN_TTL_S,
      scope: 'profile_nickname profile_image account_email',
      refresh_token_expires_in: 5_183_999,
    },
  };
}

/** `GET /v2/user/me` in Kakao's response shape. */
export function userInfo(user: KakaoUser, connectedAt: string): Record<string, unknown> {
  const account: Record<string, unknown> = {
    profile_nickname_needs_agreement: false,
    profile_image_needs_agreement: false,
    profile: {
      nickname: user.nickname,
      thumbnail_image_url: user.image ?? 'http://k.kakaocdn.net/dn/default_thumb.jpg',
      profile_image_url: user.image ?? 'http://k.kakaocdn.net/dn/default_profile.jpg',
      is_default_image: user.image === null,
    },
    has_email: user.email !== null,
    email_needs_agreement: user.email === null,
  };
  if (user.email !== null) {
    account.is_email_valid = true;
    account.is_email_verified = true;
    account.email = user.email;
  }
  return {
    id: user.id,
    connected_at: connectedAt,
    properties: {
      nickname: user.nickname,
      profile_image: user.image ?? 'http://k.kakaocdn.net/dn/default_profile.jpg',
      thumbnail_image: user.image ?? 'http://k.kakaocdn.net/dn/default_thumb.jpg',
    },
    kakao_account: account,
  };
}

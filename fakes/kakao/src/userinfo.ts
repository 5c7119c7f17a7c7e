import type { GrantStore, KakaoUser } from './store';

export type UserInfoContext = { store: GrantStore; /** Where the fake serves its default profile picture. */ imageUrl: string };

/** `GET /v2/user/me` as Kakao answers it (only the parts a login uses). */
export type KakaoUserMe = {
  id: number;
  connected_at: string;
  properties: { nickname: string; profile_image: string; thumbnail_image: string };
  kakao_account: {
    profile_nickname_needs_agreement: false;
    profile: { nickname: string; thumbnail_image_url: string; profile_image_url: string; is_default_image: boolean };
    has_email: boolean;
    email_needs_agreement: boolean;
    is_email_valid: boolean;
    is_email_verified: boolean;
    email?: string;
  };
};

export type KakaoApiError = { msg: string; code: number };

export type UserInfoResult = { status: number; body: KakaoUserMe | KakaoApiError; log: string };

function shape(user: KakaoUser, connectedAt: string, imageUrl: string): KakaoUserMe {
  const shared = user.email !== null;
  return {
    id: user.id,
    connected_at: connectedAt,
    properties: { nickname: user.nickname, profile_image: imageUrl, thumbnail_image: imageUrl },
    kakao_account: {
      profile_nickname_needs_agreement: false,
      profile: { nickname: user.nickname, thumbnail_image_url: imageUrl, profile_image_url: imageUrl, is_default_image: true },
      has_email: user.hasEmail,
      email_needs_agreement: user.emailNeedsAgreement,
      is_email_valid: shared,
      is_email_verified: shared && user.emailVerified,
      // Kakao leaves the address out entirely when there is none to share.
      ...(user.email === null ? {} : { email: user.email }),
    },
  };
}

/** Answers the user API for the bearer token in the Authorization header. */
export function userInfo(authorization: string | undefined, ctx: UserInfoContext): UserInfoResult {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  const grant = token === undefined ? undefined : ctx.store.accessGrant(token);
  if (grant === undefined) {
    return { status: 401, body: { msg: 'this access token does not exist', code: -401 }, log: '401 unknown or expired access token' };
  }
  return { status: 200, body: shape(grant.user, ctx.store.connectedAtOf(grant.user), ctx.imageUrl), log: `200 user ${grant.user.id}` };
}

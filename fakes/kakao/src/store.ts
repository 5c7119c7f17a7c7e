import { createHash, randomBytes } from 'node:crypto';

/** A person who can sign in at the fake. */
export type KakaoUser = { id: number; nickname: string; email: string | null; image: string | null };

/** Preset people on the consent page; custom ones get an id derived from what was typed. */
export const PRESET_USERS: Record<string, KakaoUser> = {
  minjun: { id: 3_100_000_001, nickname: '김민준', email: 'minjun@example.com', image: null },
  alice: { id: 3_100_000_002, nickname: 'Alice', email: 'alice@example.com', image: null },
  noemail: { id: 3_100_000_003, nickname: '이메일없음', email: null, image: null },
};

/** A stable numeric id for a typed-in person, so the same entry signs in as the same user. */
export function customUser(nickname: string, email: string | null): KakaoUser {
  const digest = createHash('sha256').update(`${nickname}\u0000${email ?? ''}`).digest();
  return { id: 4_000_000_000 + (digest.readUInt32BE(0) % 900_000_000), nickname, email, image: null };
}

export type CodeGrant = {
  user: KakaoUser;
  clientId: string;
  redirectUri: string;
  challenge: string | null;
  challengeMethod: 'S256' | 'plain';
  expiresAt: number;
};

const CODE_TTL_MS = 10 * 60_000;
const ACCESS_TTL_S = 21_599;

export const ACCESS_TOKEN_TTL_S = ACCESS_TTL_S;

function token(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** Codes, access tokens and refresh tokens, in memory. */
export class GrantStore {
  private codes = new Map<string, CodeGrant>();
  private access = new Map<string, { user: KakaoUser; expiresAt: number }>();
  private refresh = new Map<string, { user: KakaoUser; clientId: string }>();

  issueCode(grant: Omit<CodeGrant, 'expiresAt'>): string {
    const code = token();
    this.codes.set(code, { ...grant, expiresAt: Date.now() + CODE_TTL_MS });
    return code;
  }

  /** A code is good once: taking it removes it, whether or not the exchange then succeeds. */
  takeCode(code: string): CodeGrant | undefined {
    const grant = this.codes.get(code);
    this.codes.delete(code);
    if (!grant || grant.expiresAt < Date.now()) return undefined;
    return grant;
  }

  issueTokens(user: KakaoUser, clientId: string): { accessToken: string; refreshToken: string } {
    const accessToken = token(32);
    const refreshToken = token(32);
    this.access.set(accessToken, { user, expiresAt: Date.now() + ACCESS_TTL_S * 1000 });
    this.refresh.set(refreshToken, { user, clientId });
    return { accessToken, refreshToken };
  }

  userForAccessToken(accessToken: string): KakaoUser | undefined {
    const entry = this.access.get(accessToken);
    if (!entry || entry.expiresAt < Date.now()) return undefined;
    return entry.user;
  }

  takeRefreshToken(refreshToken: string, clientId: string): KakaoUser | undefined {
    const entry = this.refresh.get(refreshToken);
    if (!entry || entry.clientId !== clientId) return undefined;
    this.refresh.delete(refreshToken);
    return entry.user;
  }

  clear(): void {
    this.codes.clear();
    this.access.clear();
    this.refresh.clear();
  }
}

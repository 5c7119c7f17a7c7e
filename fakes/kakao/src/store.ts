import { createHash, randomBytes } from 'node:crypto';

/**
 * A person who can sign in at the fake. `email` is what the app may see; a person can have an
 * address on file yet not have agreed to share it (`emailNeedsAgreement`), as on real Kakao,
 * and an address Kakao has not verified (`emailVerified` false), which an app must not trust.
 */
export type KakaoUser = { id: number; nickname: string; email: string | null; hasEmail: boolean; emailNeedsAgreement: boolean; emailVerified: boolean };

/** The preset people on the consent page, keyed by the radio value (`#user-<key>`). */
export const PRESET_USERS: Readonly<Record<string, KakaoUser>> = {
  minjun: { id: 3_100_000_001, nickname: '김민준', email: 'minjun@example.com', hasEmail: true, emailNeedsAgreement: false, emailVerified: true },
  alice: { id: 3_100_000_002, nickname: 'Alice', email: 'alice@example.com', hasEmail: true, emailNeedsAgreement: false, emailVerified: true },
  noemail: { id: 3_100_000_003, nickname: '박서연', email: null, hasEmail: true, emailNeedsAgreement: true, emailVerified: false },
  unverified: { id: 3_100_000_004, nickname: '이도윤', email: 'unverified@example.com', hasEmail: true, emailNeedsAgreement: false, emailVerified: false },
};

/**
 * A typed-in person. The id is derived from the email (or the nickname when there is none), so
 * signing in again with the same entry lands on the same account, as a real Kakao id would.
 */
export function customUser(nickname: string, email: string | null, emailVerified = true): KakaoUser {
  const seed = email === null ? `nickname:${nickname}` : `email:${email.toLowerCase()}`;
  const digest = createHash('sha256').update(seed).digest();
  // Ten digits like real Kakao ids, clear of the preset range, and well inside a safe integer.
  const id = 4_000_000_000 + (digest.readUInt32BE(0) % 900_000_000);
  return { id, nickname, email, hasEmail: email !== null, emailNeedsAgreement: false, emailVerified: email !== null && emailVerified };
}

/** The one app registered at the fake, as configured at start. */
export type Client = { id: string; secret: string };

export type PkceChallenge = { value: string; method: 'S256' | 'plain' };

/** What an authorization code stands for; the token endpoint checks the request against it. */
export type CodeGrant = {
  user: KakaoUser;
  clientId: string;
  redirectUri: string;
  challenge: PkceChallenge | null;
  scope: string;
};

/** What an access or refresh token stands for. */
export type TokenGrant = { user: KakaoUser; clientId: string; scope: string };

const CODE_TTL_S = 600;
export const ACCESS_TOKEN_TTL_S = 21_599;
export const REFRESH_TOKEN_TTL_S = 5_183_999;

type Expiring<T> = T & { expiresAt: number };

function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

function live<T>(map: Map<string, Expiring<T>>, key: string): Expiring<T> | undefined {
  const entry = map.get(key);
  if (entry === undefined) return undefined;
  if (entry.expiresAt <= Date.now()) {
    map.delete(key);
    return undefined;
  }
  return entry;
}

/** Codes, tokens and first-connection times, in memory for the life of one server. */
export class GrantStore {
  private readonly codes = new Map<string, Expiring<CodeGrant>>();
  private readonly accessTokens = new Map<string, Expiring<TokenGrant>>();
  private readonly refreshTokens = new Map<string, Expiring<TokenGrant>>();
  private readonly connectedAt = new Map<number, string>();

  issueCode(grant: CodeGrant): string {
    const code = randomToken(32);
    this.codes.set(code, { ...grant, expiresAt: Date.now() + CODE_TTL_S * 1000 });
    return code;
  }

  /** A code is good once: taking it spends it, whether or not the exchange then succeeds. */
  takeCode(code: string): CodeGrant | undefined {
    const grant = live(this.codes, code);
    this.codes.delete(code);
    return grant;
  }

  issueAccessToken(grant: TokenGrant): string {
    const token = randomToken(32);
    this.accessTokens.set(token, { ...grant, expiresAt: Date.now() + ACCESS_TOKEN_TTL_S * 1000 });
    if (!this.connectedAt.has(grant.user.id)) this.connectedAt.set(grant.user.id, new Date().toISOString());
    return token;
  }

  issueRefreshToken(grant: TokenGrant): string {
    const token = randomToken(32);
    this.refreshTokens.set(token, { ...grant, expiresAt: Date.now() + REFRESH_TOKEN_TTL_S * 1000 });
    return token;
  }

  accessGrant(token: string): TokenGrant | undefined {
    return live(this.accessTokens, token);
  }

  /** Unlike a code, a refresh token stays usable until it expires (Kakao rotates it only late in life). */
  refreshGrant(token: string): TokenGrant | undefined {
    return live(this.refreshTokens, token);
  }

  /** When the user first linked to the app: `connected_at` in the user API. */
  connectedAtOf(user: KakaoUser): string {
    return this.connectedAt.get(user.id) ?? new Date().toISOString();
  }

  clear(): void {
    this.codes.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.connectedAt.clear();
  }
}

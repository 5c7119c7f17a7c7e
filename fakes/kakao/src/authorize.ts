import { consentPage, errorPage, type ConsentChoice } from './pages';
import { customUser, PRESET_USERS, type Client, type GrantStore, type KakaoUser, type PkceChallenge } from './store';

export type AuthorizeContext = { client: Client; store: GrantStore };

/** What the browser gets back from the authorize step, plus one line for the log. */
export type AuthorizeOutcome = ({ kind: 'page'; status: number; html: string } | { kind: 'redirect'; to: URL }) & { log: string };

// Only these travel from the authorize URL through the consent form's hidden fields.
const CARRIED_PARAMS = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'nonce'] as const;

// RFC 7636 §4.2: a challenge is 43-128 characters of the unreserved set.
const CHALLENGE_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;

type ValidRequest = { params: Record<string, string>; redirectUri: string; challenge: PkceChallenge | null };

function errorOutcome(code: string, ko: string, en: string, log: string): AuthorizeOutcome {
  return { kind: 'page', status: 400, html: errorPage(code, ko, en), log };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Checks an authorize request, from the query string or from the consent form's hidden fields
 * (which the browser could have altered, so they are checked again). Until the client and the
 * redirect_uri are known good, nothing may redirect: errors are pages, as on Kakao.
 */
function validate(source: URLSearchParams, client: Client): ValidRequest | AuthorizeOutcome {
  const params: Record<string, string> = {};
  for (const name of CARRIED_PARAMS) {
    const value = source.get(name);
    if (value !== null) params[name] = value;
  }
  const clientId = params.client_id ?? '';
  if (clientId !== client.id) {
    return errorOutcome(
      'KOE101',
      '앱 키가 잘못되었거나 오타가 있습니다. 등록된 REST API 키를 client_id로 보내 주세요.',
      'Unknown client_id: the app key is wrong or mistyped.',
      `unknown client_id "${clientId}" → 400 KOE101`,
    );
  }
  const redirectUri = params.redirect_uri ?? '';
  if (!isHttpUrl(redirectUri)) {
    return errorOutcome(
      'KOE006',
      'redirect_uri가 없거나 올바른 주소가 아닙니다.',
      'redirect_uri is missing or is not an http(s) URL.',
      `bad redirect_uri "${redirectUri}" → 400 KOE006`,
    );
  }
  if (params.response_type !== 'code') {
    return errorOutcome('KOE001', 'response_type은 code여야 합니다.', 'response_type must be "code".', 'response_type not code → 400 KOE001');
  }
  const challengeValue = params.code_challenge;
  if (challengeValue === undefined || challengeValue === '') return { params, redirectUri, challenge: null };
  // RFC 7636 §4.3: without a method the challenge is plain.
  const method = params.code_challenge_method ?? 'plain';
  if ((method !== 'S256' && method !== 'plain') || !CHALLENGE_PATTERN.test(challengeValue)) {
    return errorOutcome(
      'KOE001',
      'code_challenge 또는 code_challenge_method가 올바르지 않습니다.',
      'code_challenge or code_challenge_method is invalid (S256 or plain, 43-128 characters).',
      'bad PKCE challenge → 400 KOE001',
    );
  }
  return { params, redirectUri, challenge: { value: challengeValue, method } };
}

/** `GET /oauth/authorize`: the consent page, or an error page. */
export function showConsent(query: URLSearchParams, ctx: AuthorizeContext): AuthorizeOutcome {
  const request = validate(query, ctx.client);
  if ('kind' in request) return request;
  return {
    kind: 'page',
    status: 200,
    html: consentPage({ params: request.params, appName: ctx.client.id }),
    log: `consent page for ${request.redirectUri}${request.challenge ? ` (PKCE ${request.challenge.method})` : ''}`,
  };
}

/** The person the form names, or what is wrong with the entry (shown above the form). */
function chosenUser(choice: ConsentChoice): KakaoUser | { problem: string } {
  if (choice.user !== 'custom') {
    return PRESET_USERS[choice.user] ?? { problem: '테스트 사용자를 골라 주세요. / Pick a test user.' };
  }
  const nickname = choice.nickname.trim();
  const email = choice.email.trim();
  if (nickname === '' || nickname.length > 40) return { problem: '닉네임을 1~40자로 입력해 주세요. / Enter a nickname of 1-40 characters.' };
  if (email !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    return { problem: '이메일 주소 형식이 올바르지 않습니다. / The email address is not valid.' };
  }
  return customUser(nickname, email === '' ? null : email, !choice.emailUnverified);
}

/** The scopes Kakao lists as granted: the email one only when the address is shared. */
function grantedScope(user: KakaoUser): string {
  return user.email === null ? 'profile_image profile_nickname' : 'account_email profile_image profile_nickname';
}

/** `POST /oauth/authorize/decision`: approve issues a code, deny sends access_denied; both redirect. */
export function decide(form: URLSearchParams, ctx: AuthorizeContext): AuthorizeOutcome {
  const request = validate(form, ctx.client);
  if ('kind' in request) return request;
  const target = new URL(request.redirectUri);
  const state = request.params.state;
  const decision = form.get('decision');

  if (decision === 'deny') {
    target.searchParams.set('error', 'access_denied');
    target.searchParams.set('error_description', 'User denied access');
    if (state !== undefined) target.searchParams.set('state', state);
    return { kind: 'redirect', to: target, log: 'denied → access_denied' };
  }
  if (decision !== 'approve') {
    return errorOutcome('KOE001', '동의 여부가 없습니다.', 'The form carried no decision (approve or deny).', 'decision missing → 400 KOE001');
  }

  const choice: ConsentChoice = { user: form.get('user') ?? '', nickname: form.get('nickname') ?? '', email: form.get('email') ?? '', emailUnverified: form.get('email_unverified') !== null };
  const user = chosenUser(choice);
  if ('problem' in user) {
    return {
      kind: 'page',
      status: 400,
      html: consentPage({ params: request.params, appName: ctx.client.id, choice, error: user.problem }),
      log: `approve refused: ${user.problem}`,
    };
  }
  const code = ctx.store.issueCode({
    user,
    clientId: ctx.client.id,
    redirectUri: request.redirectUri,
    challenge: request.challenge,
    scope: grantedScope(user),
  });
  target.searchParams.set('code', code);
  if (state !== undefined) target.searchParams.set('state', state);
  return { kind: 'redirect', to: target, log: `approved as ${user.nickname} (${user.id}) → code` };
}

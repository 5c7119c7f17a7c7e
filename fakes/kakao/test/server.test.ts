import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKakao, type FakeKakao } from '../src/server';

let kakao: FakeKakao;
const CLIENT = { id: 'local-kakao-client', secret: 'local-kakao-secret' };
const REDIRECT = 'http://localhost:3000/api/auth/callback/kakao';

beforeAll(async () => {
  kakao = await startFakeKakao({ port: 0, log: () => {} });
});
afterAll(() => kakao.close());

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(params: Record<string, string>): string {
  const url = new URL(`${kakao.url}/oauth/authorize`);
  for (const [k, v] of Object.entries({ client_id: CLIENT.id, redirect_uri: REDIRECT, response_type: 'code', scope: '', ...params })) url.searchParams.set(k, v);
  return url.toString();
}

async function decide(fields: Record<string, string>): Promise<Response> {
  return fetch(`${kakao.url}/oauth/authorize/decision`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: CLIENT.id, redirect_uri: REDIRECT, response_type: 'code', ...fields }),
  });
}

async function token(fields: Record<string, string>): Promise<Response> {
  return fetch(`${kakao.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', redirect_uri: REDIRECT, client_id: CLIENT.id, client_secret: CLIENT.secret, ...fields }),
  });
}

async function approve(fields: Record<string, string>, challenge: string): Promise<URL> {
  const res = await decide({ decision: 'approve', code_challenge: challenge, code_challenge_method: 'S256', ...fields });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location') ?? '');
}

describe('authorization code + PKCE', () => {
  it('shows a consent page with the controls a browser test drives', async () => {
    const res = await fetch(authorizeUrl({ state: 's1', code_challenge: 'c', code_challenge_method: 'S256' }));
    expect(res.status).toBe(200);
    const page = await res.text();
    for (const id of ['user-minjun', 'custom-nickname', 'custom-email']) expect(page).toContain(`id="${id}"`);
    expect(page).toContain('value="approve"');
    expect(page).toContain('value="deny"');
    expect(page).toContain('name="state" value="s1"');
  });

  it('signs a preset user in: code → token → user/me in Kakao shape', async () => {
    const { verifier, challenge } = pkce();
    const back = await approve({ user: 'minjun', state: 'xyz' }, challenge);
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('xyz');
    const code = back.searchParams.get('code') ?? '';

    const res = await token({ code, code_verifier: verifier });
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as Record<string, unknown>;
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 21599, refresh_token_expires_in: expect.any(Number) });
    expect(tokens).not.toHaveProperty('id_token');

    const me = await fetch(`${kakao.url}/v2/user/me`, { headers: { Authorization: `Bearer ${String(tokens.access_token)}` } });
    const user = (await me.json()) as { id: unknown; properties: { nickname: string }; kakao_account: Record<string, unknown> };
    expect(typeof user.id).toBe('number');
    expect(user.properties.nickname).toBe('김민준');
    expect(user.kakao_account).toMatchObject({ has_email: true, email: 'minjun@example.com', is_email_verified: true, profile: { nickname: '김민준' } });
  });

  it('gives a custom user a stable id and escapes what was typed', async () => {
    const ids: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      const { verifier, challenge } = pkce();
      const back = await approve({ user: 'custom', nickname: '<script>x</script>', email: 'c@example.com' }, challenge);
      const tokens = (await (await token({ code: back.searchParams.get('code') ?? '', code_verifier: verifier })).json()) as { access_token: string };
      const me = (await (await fetch(`${kakao.url}/v2/user/me`, { headers: { Authorization: `Bearer ${tokens.access_token}` } })).json()) as { id: number };
      ids.push(me.id);
    }
    expect(ids[0]).toBe(ids[1]);
    const page = await (await fetch(authorizeUrl({ state: '"><script>alert(1)</script>' }))).text();
    expect(page).not.toContain('<script>alert(1)</script>');
  });

  it('leaves out the email of a user without one', async () => {
    const { verifier, challenge } = pkce();
    const back = await approve({ user: 'noemail' }, challenge);
    const tokens = (await (await token({ code: back.searchParams.get('code') ?? '', code_verifier: verifier })).json()) as { access_token: string };
    const me = (await (await fetch(`${kakao.url}/v2/user/me`, { headers: { Authorization: `Bearer ${tokens.access_token}` } })).json()) as { kakao_account: Record<string, unknown> };
    expect(me.kakao_account).toMatchObject({ has_email: false, email_needs_agreement: true });
    expect(me.kakao_account).not.toHaveProperty('email');
  });

  it('redirects a denial with access_denied and the state', async () => {
    const res = await decide({ decision: 'deny', state: 'st' });
    const back = new URL(res.headers.get('location') ?? '');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('error_description')).toBe('User denied access');
    expect(back.searchParams.get('state')).toBe('st');
  });

  it('shows an error page, not a redirect, for an unknown client_id', async () => {
    const res = await fetch(authorizeUrl({ client_id: 'nope' }), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('KOE101');
  });
});

describe('token endpoint errors', () => {
  it('refuses a reused code, a wrong verifier, a wrong redirect_uri and a wrong secret', async () => {
    const { verifier, challenge } = pkce();
    const code = (await approve({ user: 'alice' }, challenge)).searchParams.get('code') ?? '';
    expect((await token({ code, code_verifier: verifier })).status).toBe(200);
    const reused = await token({ code, code_verifier: verifier });
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: 'invalid_grant', error_code: 'KOE320' });

    const p2 = pkce();
    const code2 = (await approve({ user: 'alice' }, p2.challenge)).searchParams.get('code') ?? '';
    expect(await (await token({ code: code2, code_verifier: 'wrong' })).json()).toMatchObject({ error: 'invalid_grant' });

    const p3 = pkce();
    const code3 = (await approve({ user: 'alice' }, p3.challenge)).searchParams.get('code') ?? '';
    expect(await (await token({ code: code3, code_verifier: p3.verifier, redirect_uri: 'http://evil.test/cb' })).json()).toMatchObject({ error: 'invalid_grant' });

    const p4 = pkce();
    const code4 = (await approve({ user: 'alice' }, p4.challenge)).searchParams.get('code') ?? '';
    const badSecret = await token({ code: code4, code_verifier: p4.verifier, client_secret: 'nope' });
    expect(badSecret.status).toBe(401);
    expect(await badSecret.json()).toMatchObject({ error: 'invalid_client', error_code: 'KOE010' });
  });

  it('refreshes tokens', async () => {
    const { verifier, challenge } = pkce();
    const code = (await approve({ user: 'alice' }, challenge)).searchParams.get('code') ?? '';
    const first = (await (await token({ code, code_verifier: verifier })).json()) as { refresh_token: string };
    const res = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ access_token: expect.any(String), token_type: 'bearer' });
  });

  it('answers a bad access token with Kakao\'s 401 body', async () => {
    const res = await fetch(`${kakao.url}/v2/user/me`, { headers: { Authorization: 'Bearer nope' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ msg: 'this access token does not exist', code: -401 });
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeKakao, type FakeKakao } from '../src/server';
import { approve, CLIENT, codeFor, pkce, postForm, REDIRECT, tokenRequest, tokensFor, userMe } from './support';

let kakao: FakeKakao;

beforeAll(async () => {
  kakao = await startFakeKakao({ port: 0, log: () => {} });
});
afterAll(() => kakao.close());
afterEach(() => {
  vi.useRealTimers();
});

async function expectError(res: Response, status: number, error: string, code?: string): Promise<void> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ error, error_description: expect.any(String) });
  if (code !== undefined) expect(body.error_code).toBe(code);
}

describe('authorization_code grant', () => {
  it('answers with Kakao token fields and no id_token', async () => {
    const { code, verifier } = await codeFor(kakao.url);
    const res = await tokenRequest(kakao.url, { code, code_verifier: verifier });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'refresh_token_expires_in', 'scope', 'token_type']);
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 21599, refresh_token_expires_in: 5183999, scope: 'account_email profile_image profile_nickname' });
    expect(body).not.toHaveProperty('id_token');
  });

  it('accepts HTTP Basic client authentication', async () => {
    const { code, verifier } = await codeFor(kakao.url);
    const basic = Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64');
    const res = await postForm(`${kakao.url}/oauth/token`, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }, { authorization: `Basic ${basic}` });
    expect(res.status).toBe(200);
  });

  it('accepts a plain PKCE challenge', async () => {
    const { verifier } = pkce();
    const back = await approve(kakao.url, { code_challenge: verifier, code_challenge_method: 'plain' }, { user: 'alice' });
    const res = await tokenRequest(kakao.url, { code: back.searchParams.get('code') ?? '', code_verifier: verifier });
    expect(res.status).toBe(200);
  });

  it('refuses a reused code with KOE320', async () => {
    const { code, verifier } = await codeFor(kakao.url);
    expect((await tokenRequest(kakao.url, { code, code_verifier: verifier })).status).toBe(200);
    await expectError(await tokenRequest(kakao.url, { code, code_verifier: verifier }), 400, 'invalid_grant', 'KOE320');
  });

  it('refuses an unknown code with KOE320', async () => {
    await expectError(await tokenRequest(kakao.url, { code: 'made-up', code_verifier: pkce().verifier }), 400, 'invalid_grant', 'KOE320');
  });

  it('refuses a wrong or missing code_verifier with KOE320, and the code is spent', async () => {
    const { code, verifier } = await codeFor(kakao.url);
    await expectError(await tokenRequest(kakao.url, { code, code_verifier: pkce().verifier }), 400, 'invalid_grant', 'KOE320');
    await expectError(await tokenRequest(kakao.url, { code, code_verifier: verifier }), 400, 'invalid_grant', 'KOE320');
    const second = await codeFor(kakao.url);
    await expectError(await tokenRequest(kakao.url, { code: second.code }), 400, 'invalid_grant', 'KOE320');
  });

  it('refuses a redirect_uri other than the one the code was issued for', async () => {
    const { code, verifier } = await codeFor(kakao.url);
    await expectError(await tokenRequest(kakao.url, { code, code_verifier: verifier, redirect_uri: 'http://evil.test/cb' }), 400, 'invalid_grant', 'KOE320');
  });

  it('refuses a code after its ten minutes', async () => {
    const { code, verifier } = await codeFor(kakao.url);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 600_001);
    await expectError(await tokenRequest(kakao.url, { code, code_verifier: verifier }), 400, 'invalid_grant', 'KOE320');
  });

  it('refuses bad client credentials with 401 KOE010, leaving the code usable', async () => {
    const { code, verifier } = await codeFor(kakao.url);
    await expectError(await tokenRequest(kakao.url, { code, code_verifier: verifier, client_secret: 'nope' }), 401, 'invalid_client', 'KOE010');
    await expectError(await tokenRequest(kakao.url, { code, code_verifier: verifier, client_id: 'other' }), 401, 'invalid_client', 'KOE010');
    const wrongBasic = Buffer.from(`${CLIENT.id}:nope`).toString('base64');
    await expectError(
      await postForm(`${kakao.url}/oauth/token`, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }, { authorization: `Basic ${wrongBasic}` }),
      401,
      'invalid_client',
      'KOE010',
    );
    expect((await tokenRequest(kakao.url, { code, code_verifier: verifier })).status).toBe(200);
  });

  it('answers invalid_request for missing parameters, other grants and non-form bodies', async () => {
    await expectError(await tokenRequest(kakao.url, { code: '' }), 400, 'invalid_request');
    await expectError(await tokenRequest(kakao.url, { grant_type: 'password' }), 400, 'invalid_request');
    await expectError(await tokenRequest(kakao.url, { client_id: '' }), 400, 'invalid_request');
    const basic = Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64');
    await expectError(await tokenRequest(kakao.url, { code: 'x' }, { authorization: `Basic ${basic}` }), 400, 'invalid_request');
    const json = await fetch(`${kakao.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code', client_id: CLIENT.id, client_secret: CLIENT.secret }),
    });
    await expectError(json, 400, 'invalid_request');
  });
});

describe('refresh_token grant', () => {
  it('issues a new working access token and keeps the refresh token', async () => {
    const { code, verifier } = await codeFor(kakao.url, 'minjun');
    const first = await tokensFor(kakao.url, code, verifier);
    for (let i = 0; i < 2; i++) {
      const res = await tokenRequest(kakao.url, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 21599 });
      expect(body.access_token).not.toBe(first.access_token);
      const me = (await (await userMe(kakao.url, String(body.access_token))).json()) as { properties: { nickname: string } };
      expect(me.properties.nickname).toBe('김민준');
    }
  });

  it('refuses an unknown refresh token with KOE322', async () => {
    await expectError(await tokenRequest(kakao.url, { grant_type: 'refresh_token', refresh_token: 'nope' }), 400, 'invalid_grant', 'KOE322');
  });
});

describe('reset', () => {
  it('forgets codes and tokens', async () => {
    const { code, verifier } = await codeFor(kakao.url);
    const tokens = await tokensFor(kakao.url, code, verifier);
    const spare = await codeFor(kakao.url);
    expect((await fetch(`${kakao.url}/__fake/reset`, { method: 'POST' })).status).toBe(200);
    expect((await userMe(kakao.url, tokens.access_token)).status).toBe(401);
    await expectError(await tokenRequest(kakao.url, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }), 400, 'invalid_grant', 'KOE322');
    await expectError(await tokenRequest(kakao.url, { code: spare.code, code_verifier: spare.verifier }), 400, 'invalid_grant', 'KOE320');
  });
});

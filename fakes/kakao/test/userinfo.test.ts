import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKakao, type FakeKakao } from '../src/server';
import { approve, pkce, tokensFor, userMe } from './support';

let kakao: FakeKakao;

beforeAll(async () => {
  kakao = await startFakeKakao({ port: 0, log: () => {} });
});
afterAll(() => kakao.close());

type Me = { id: number; kakao_account: Record<string, unknown> } & Record<string, unknown>;

/** The whole login as Auth.js runs it: consent, code, token (PKCE S256), user API. */
async function signIn(choice: Record<string, string>): Promise<Me> {
  const { verifier, challenge } = pkce();
  const back = await approve(kakao.url, { code_challenge: challenge, code_challenge_method: 'S256' }, choice);
  const tokens = await tokensFor(kakao.url, back.searchParams.get('code') ?? '', verifier);
  const res = await userMe(kakao.url, tokens.access_token);
  expect(res.status).toBe(200);
  return (await res.json()) as Me;
}

describe('/v2/user/me', () => {
  it('answers a preset user in exactly Kakao shape', async () => {
    const me = await signIn({ user: 'minjun' });
    const image = `${kakao.url}/img/default_profile.svg`;
    expect(me).toEqual({
      id: 3100000001,
      connected_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      properties: { nickname: '김민준', profile_image: image, thumbnail_image: image },
      kakao_account: {
        profile_nickname_needs_agreement: false,
        profile: { nickname: '김민준', thumbnail_image_url: image, profile_image_url: image, is_default_image: true },
        has_email: true,
        email_needs_agreement: false,
        is_email_valid: true,
        is_email_verified: true,
        email: 'minjun@example.com',
      },
    });
    const picture = await fetch(image);
    expect(picture.headers.get('content-type')).toBe('image/svg+xml');
  });

  it('keeps connected_at from the first sign-in', async () => {
    const first = await signIn({ user: 'alice' });
    const second = await signIn({ user: 'alice' });
    expect(second.connected_at).toBe(first.connected_at);
  });

  it('gives a custom user a stable numeric id derived from the email', async () => {
    const choice = { user: 'custom', nickname: '테스트 사용자', email: 'Custom@Example.com' };
    const me = await signIn(choice);
    expect(Number.isSafeInteger(me.id)).toBe(true);
    expect(me.kakao_account).toMatchObject({ has_email: true, email: 'Custom@Example.com', profile: { nickname: '테스트 사용자' } });
    expect((await signIn({ ...choice, nickname: 'renamed' })).id).toBe(me.id);
    expect((await signIn({ ...choice, email: 'other@example.com' })).id).not.toBe(me.id);
  });

  it('shares an address Kakao has not verified as unverified: the preset person and a ticked box', async () => {
    const preset = await signIn({ user: 'unverified' });
    expect(preset.kakao_account).toMatchObject({ has_email: true, email: 'unverified@example.com', is_email_valid: true, is_email_verified: false });

    const choice = { user: 'custom', nickname: 'Copycat', email: 'ALICE@example.com' };
    const unticked = await signIn(choice);
    expect(unticked.kakao_account).toMatchObject({ email: 'ALICE@example.com', is_email_verified: true });
    const ticked = await signIn({ ...choice, email_unverified: '1' });
    expect(ticked.kakao_account).toMatchObject({ email: 'ALICE@example.com', is_email_valid: true, is_email_verified: false });
  });

  it('leaves out the email of a user who has not agreed to share it', async () => {
    const me = await signIn({ user: 'noemail' });
    expect(me.kakao_account).toMatchObject({ has_email: true, email_needs_agreement: true, is_email_valid: false });
    expect(me.kakao_account).not.toHaveProperty('email');
  });

  it('leaves out the email of a custom user who typed none', async () => {
    const me = await signIn({ user: 'custom', nickname: 'NoMail', email: '' });
    expect(me.kakao_account).toMatchObject({ has_email: false, email_needs_agreement: false });
    expect(me.kakao_account).not.toHaveProperty('email');
  });

  it('answers POST as well as GET', async () => {
    const { verifier, challenge } = pkce();
    const back = await approve(kakao.url, { code_challenge: challenge, code_challenge_method: 'S256' }, { user: 'alice' });
    const tokens = await tokensFor(kakao.url, back.searchParams.get('code') ?? '', verifier);
    expect((await userMe(kakao.url, tokens.access_token, 'POST')).status).toBe(200);
  });

  it("answers a bad or missing token with Kakao's 401 body", async () => {
    const cases: Record<string, string>[] = [{ authorization: 'Bearer nope' }, {}];
    for (const headers of cases) {
      const res = await fetch(`${kakao.url}/v2/user/me`, { headers });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ msg: 'this access token does not exist', code: -401 });
    }
  });
});

describe('housekeeping', () => {
  it('answers /health and 404s unknown paths', async () => {
    expect((await fetch(`${kakao.url}/health`)).status).toBe(200);
    expect((await fetch(`${kakao.url}/nope`)).status).toBe(404);
    const wrongMethod = await fetch(`${kakao.url}/oauth/token`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('binds to 127.0.0.1 on a free port', () => {
    expect(kakao.url).toBe(`http://127.0.0.1:${kakao.port}`);
    expect(kakao.port).toBeGreaterThan(0);
  });
});

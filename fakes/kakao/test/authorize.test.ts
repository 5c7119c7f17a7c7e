import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKakao, type FakeKakao } from '../src/server';
import { approve, authorizeUrl, CLIENT, consent, hiddenFields, pkce, postForm, REDIRECT } from './support';

let kakao: FakeKakao;
const lines: string[] = [];

beforeAll(async () => {
  kakao = await startFakeKakao({ port: 0, log: (line) => lines.push(line) });
});
afterAll(() => kakao.close());

describe('consent page', () => {
  it('offers preset and custom users with stable, labelled controls', async () => {
    const { challenge } = pkce();
    const res = await fetch(authorizeUrl(kakao.url, { code_challenge: challenge, code_challenge_method: 'S256', state: 's1', nonce: 'n1' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    for (const id of ['user-minjun', 'user-alice', 'user-noemail', 'user-unverified', 'user-custom', 'custom-nickname', 'custom-email', 'custom-email-unverified']) {
      expect(html).toContain(`id="${id}"`);
      expect(html).toContain(`for="${id}"`);
    }
    expect(html).toMatch(/<button type="submit" name="decision" value="approve">동의하고 계속하기 \(Approve\)<\/button>/);
    expect(html).toMatch(/<button type="submit" name="decision" value="deny">취소 \(Deny\)<\/button>/);
    expect(html).toContain('<form method="post" action="/oauth/authorize/decision">');
    expect(html).toContain('minjun@example.com');
    expect(html).toContain('<html lang="ko">');
    expect(hiddenFields(html)).toEqual({
      client_id: CLIENT.id,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: '',
      state: 's1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      nonce: 'n1',
    });
  });

  it('logs one line per authorize call', async () => {
    lines.length = 0;
    await fetch(authorizeUrl(kakao.url));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^authorize: consent page for /);
  });

  it('shows an error page, never a redirect, for an unknown or missing client_id', async () => {
    for (const url of [authorizeUrl(kakao.url, { client_id: 'nope' }), `${kakao.url}/oauth/authorize?redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code`]) {
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      const html = await res.text();
      expect(html).toContain('KOE101');
      expect(html).not.toContain('<form');
    }
  });

  it('shows an error page for a missing or non-http redirect_uri', async () => {
    for (const redirect of [null, 'javascript:alert(1)']) {
      const url = new URL(authorizeUrl(kakao.url));
      if (redirect === null) url.searchParams.delete('redirect_uri');
      else url.searchParams.set('redirect_uri', redirect);
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('KOE006');
    }
  });

  it('refuses a malformed PKCE challenge or method', async () => {
    const short = await fetch(authorizeUrl(kakao.url, { code_challenge: 'short', code_challenge_method: 'S256' }), { redirect: 'manual' });
    expect(short.status).toBe(400);
    const method = await fetch(authorizeUrl(kakao.url, { code_challenge: pkce().challenge, code_challenge_method: 'S512' }), { redirect: 'manual' });
    expect(method.status).toBe(400);
  });
});

describe('decision', () => {
  it('approves with a code and echoes the state', async () => {
    const back = await approve(kakao.url, { state: 'xyz=1&a' }, { user: 'minjun' });
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(back.searchParams.get('state')).toBe('xyz=1&a');
  });

  it('adds no state when none was given', async () => {
    const back = await approve(kakao.url, {}, { user: 'minjun' });
    expect(back.searchParams.has('state')).toBe(false);
  });

  it('redirects a denial with access_denied and the state', async () => {
    const res = await consent(kakao.url, { state: 'st' }, { decision: 'deny', user: 'minjun' });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location') ?? '');
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('error_description')).toBe('User denied access');
    expect(back.searchParams.get('state')).toBe('st');
    expect(back.searchParams.has('code')).toBe(false);
    expect(res.headers.get('location')).toContain('error_description=User+denied+access');
  });

  it('sends a custom user without a nickname back to the form', async () => {
    const res = await consent(kakao.url, {}, { decision: 'approve', user: 'custom', nickname: '  ', email: '' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toMatch(/role="alert"[^>]*>닉네임을/);
  });

  it('keeps the "email not verified" box ticked on the form it sends back', async () => {
    const res = await consent(kakao.url, {}, { decision: 'approve', user: 'custom', nickname: '', email: 'x@example.com', email_unverified: '1' });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/id="custom-email-unverified" name="email_unverified" value="1" checked/);
  });

  it('escapes a custom nickname and a hostile state in the page it sends back', async () => {
    const res = await consent(
      kakao.url,
      { state: '"><script>alert(2)</script>' },
      { decision: 'approve', user: 'custom', nickname: '<script>alert(1)</script>', email: 'not an email' },
    );
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"');
    expect(html).not.toContain('<script>alert(');
    expect(html).toMatch(/id="user-custom" name="user" value="custom" checked/);
  });

  it('refuses a form whose hidden client_id or redirect_uri was altered', async () => {
    const base = { response_type: 'code', decision: 'approve', user: 'minjun' };
    const client = await postForm(`${kakao.url}/oauth/authorize/decision`, { ...base, client_id: 'other', redirect_uri: REDIRECT });
    expect(client.status).toBe(400);
    expect(client.headers.get('location')).toBeNull();
    const redirect = await postForm(`${kakao.url}/oauth/authorize/decision`, { ...base, client_id: CLIENT.id });
    expect(redirect.status).toBe(400);
    expect(redirect.headers.get('location')).toBeNull();
  });
});

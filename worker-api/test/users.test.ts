import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { authed, publishedKey, sign, USER_SCOPES, type TestKey } from './support/tokens';
import { type ErrorBody } from './support/errors';

type Provisioned = { id: string; roles: string[]; scopes: string[]; onboarded: boolean; created: boolean };

let key: TestKey;
let service: string;

beforeAll(async () => {
  key = await publishedKey();
  service = await sign(key, { sub: 'svc:web', roles: ['service'], scopes: ['users:provision'] });
});

function provision(body: unknown, token = service): Promise<Response> {
  return SELF.fetch('https://api.test/internal/users/provision', authed(token, { method: 'POST', body: JSON.stringify(body) }));
}

describe('POST /internal/users/provision', () => {
  it('creates a user with the default roles and scopes, then returns the same one', async () => {
    const input = { provider: 'kakao', providerAccountId: '3001', email: 'minjun@example.com', name: '김민준' };
    const first = await provision(input);
    expect(first.status).toBe(200);
    const a = await first.json<Provisioned>();
    expect(a).toEqual({ id: expect.stringMatching(/^usr_/), roles: ['user'], scopes: USER_SCOPES, onboarded: false, created: true, sessionVersion: 0 });

    const again = await (await provision(input)).json<Provisioned>();
    expect(again).toEqual({ ...a, created: false });
    const count = await env.DB.prepare('SELECT count(*) AS n FROM provider_accounts WHERE provider_account_id = ?').bind('3001').first<{ n: number }>();
    expect(count?.n).toBe(1);
  });

  it('stays idempotent under concurrent first sign-ins', async () => {
    const input = { provider: 'kakao', providerAccountId: '3002' };
    const results = await Promise.all(Array.from({ length: 8 }, () => provision(input).then((r) => r.json<Provisioned>())));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    const users = await env.DB.prepare('SELECT count(*) AS n FROM users WHERE id = ?').bind(results[0]?.id).first<{ n: number }>();
    expect(users?.n).toBe(1);
  });

  it('refreshes the email and picture on a later sign-in', async () => {
    await provision({ provider: 'kakao', providerAccountId: '3003', email: 'old@example.com' });
    await provision({ provider: 'kakao', providerAccountId: '3003', email: 'new@example.com', image: 'https://img.example/p.png' });
    const row = await env.DB.prepare('SELECT u.email, u.image FROM users u JOIN provider_accounts p ON p.user_id = u.id WHERE p.provider_account_id = ?')
      .bind('3003')
      .first<{ email: string; image: string }>();
    expect(row).toEqual({ email: 'new@example.com', image: 'https://img.example/p.png' });
  });

  it('names the bad field in a 400', async () => {
    const res = await provision({ provider: 'kakao', providerAccountId: '', email: 'not-an-email' });
    expect(res.status).toBe(400);
    const body = await res.json<ErrorBody>();
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toMatch(/^body\.(providerAccountId|email)/);
    expect((await provision('just a string')).status).toBe(400);
    expect((await provision({ provider: 'Kakao!', providerAccountId: '1' })).status).toBe(400);
  });

  it('needs a token', async () => {
    const res = await SELF.fetch('https://api.test/internal/users/provision', { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
  });
});

describe('GET /me and POST /me/onboarding', () => {
  it('returns the provisioned user and completes onboarding', async () => {
    const { id } = await (await provision({ provider: 'kakao', providerAccountId: '4001', email: 'alice@example.com', name: 'Alice' })).json<Provisioned>();
    const token = await sign(key, { sub: id, onboarded: false });

    const me = await SELF.fetch('https://api.test/me', authed(token));
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id, email: 'alice@example.com', name: 'Alice', roles: ['user'], scopes: USER_SCOPES, onboarded: false });

    const bad = await SELF.fetch('https://api.test/me/onboarding', authed(token, { method: 'POST', body: JSON.stringify({ name: 'Alice' }) }));
    expect(bad.status).toBe(400);
    expect((await bad.json<ErrorBody>()).error.message).toMatch(/^body\.acceptTerms/);

    const blank = await SELF.fetch('https://api.test/me/onboarding', authed(token, { method: 'POST', body: JSON.stringify({ name: '   ', acceptTerms: true }) }));
    expect(blank.status).toBe(400);

    const done = await SELF.fetch(
      'https://api.test/me/onboarding',
      authed(token, { method: 'POST', body: JSON.stringify({ name: '  앨리스 ', acceptTerms: true, locale: 'ko' }) }),
    );
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ id, name: '앨리스', onboarded: true, locale: 'ko' });
    expect(await (await SELF.fetch('https://api.test/me', authed(token))).json()).toMatchObject({ onboarded: true });
  });

  it('is a 404 for a token whose user does not exist', async () => {
    const res = await SELF.fetch('https://api.test/me', authed(await sign(key, { sub: 'usr_ghost' })));
    expect(res.status).toBe(404);
  });
});

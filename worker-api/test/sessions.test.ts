import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './support/errors';
import { authed, publishedKey, sign, type TestKey } from './support/tokens';

let key: TestKey;

beforeAll(async () => {
  key = await publishedKey();
});

async function provision(providerAccountId: string): Promise<{ id: string; sessionVersion: number }> {
  const service = await sign(key, { sub: 'svc:web', scopes: ['users:provision'] });
  const res = await SELF.fetch('https://api.test/internal/users/provision', authed(service, { method: 'POST', body: JSON.stringify({ provider: 'kakao', providerAccountId }) }));
  expect(res.status).toBe(200);
  return res.json();
}

describe('session version', () => {
  it('starts at 0, is bumped by ending the sessions, and both provisioning and /me report it', async () => {
    const account = `sessions-${crypto.randomUUID()}`;
    const user = await provision(account);
    expect(user.sessionVersion).toBe(0);
    const token = await sign(key, { sub: user.id });
    const me = async () => (await (await SELF.fetch('https://api.test/me', authed(token))).json<{ sessionVersion: number }>()).sessionVersion;
    expect(await me()).toBe(0);

    const ended = await SELF.fetch('https://api.test/me/sessions/end', authed(token, { method: 'POST' }));
    expect(ended.status).toBe(200);
    expect(await ended.json()).toEqual({ sessionVersion: 1 });
    expect(await me()).toBe(1);
    // Signing in again starts a session under the new version.
    expect((await provision(account)).sessionVersion).toBe(1);
  });

  it('is a 404 for a token whose user is gone, and needs a token', async () => {
    const ghost = await sign(key, { sub: 'usr_gone0000000000000000' });
    await expectError(await SELF.fetch('https://api.test/me/sessions/end', authed(ghost, { method: 'POST' })), 404, 'not_found');
    await expectError(await SELF.fetch('https://api.test/me/sessions/end', { method: 'POST' }), 401, 'invalid_token');
  });
});

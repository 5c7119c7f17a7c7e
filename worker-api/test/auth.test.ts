import { SELF } from 'cloudflare:test';
import { SignJWT, exportJWK, generateSecret } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { authed, b64url, makeKey, publish, sign, type TestKey } from './support/tokens';

let key: TestKey;
let other: TestKey;

beforeAll(async () => {
  key = await makeKey();
  other = await makeKey();
  await publish(key);
});

async function callMe(authorization?: string): Promise<Response> {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.Authorization = authorization;
  return SELF.fetch('https://api.test/me', { headers });
}

async function expectInvalidToken(res: Response): Promise<void> {
  expect(res.status).toBe(401);
  expect(res.headers.get('WWW-Authenticate')).toMatch(/^Bearer error="invalid_token"/);
  const body = await res.json<{ error: { code: string; message: string; traceId: string } }>();
  expect(body.error.code).toBe('invalid_token');
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(body.error.traceId).toBe(res.headers.get('X-Trace-Id'));
}

function parts(token: string): [string, string, string] {
  const [h, p, s] = token.split('.');
  return [h ?? '', p ?? '', s ?? ''];
}

describe('token rejection (contract section 3): every class is a 401 invalid_token', () => {
  it('accepts a valid token (control)', async () => {
    const res = await callMe(`Bearer ${await sign(key)}`);
    // No such user yet, so 404, but the token itself passed.
    expect(res.status).toBe(404);
  });

  it('rejects alg none', async () => {
    const token = `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT', kid: key.kid }))}.${parts(await sign(key))[1]}.`;
    await expectInvalidToken(await callMe(`Bearer ${token}`));
  });

  it('rejects HS256 signed with the public key as the HMAC secret', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(key.publicJwk));
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ sub: 'usr_test', iss: 'chat-web', aud: 'chat-api', iat: now, exp: now + 600, jti: 'x', scopes: [] })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: key.kid })
      .sign(secret);
    await expectInvalidToken(await callMe(`Bearer ${token}`));
  });

  it('rejects HS256 with any secret', async () => {
    const token = await new SignJWT({ sub: 'usr_test', iss: 'chat-web', aud: 'chat-api', jti: 'x' })
      .setProtectedHeader({ alg: 'HS256', kid: key.kid })
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(await generateSecret('HS256'));
    await expectInvalidToken(await callMe(`Bearer ${token}`));
  });

  it('rejects an expired token (beyond the 30 s skew)', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectInvalidToken(await callMe(`Bearer ${await sign(key, { iat: now - 900, exp: now - 31 })}`));
  });

  it('accepts a token expired within the 30 s skew', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await callMe(`Bearer ${await sign(key, { iat: now - 900, exp: now - 10 })}`)).status).toBe(404);
  });

  it('rejects nbf in the future', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectInvalidToken(await callMe(`Bearer ${await sign(key, { nbf: now + 120 })}`));
  });

  it('rejects a wrong issuer', async () => {
    await expectInvalidToken(await callMe(`Bearer ${await sign(key, { iss: 'evil-web' })}`));
  });

  it('rejects a wrong audience', async () => {
    await expectInvalidToken(await callMe(`Bearer ${await sign(key, { aud: 'other-api' })}`));
  });

  it('rejects a missing exp', async () => {
    await expectInvalidToken(await callMe(`Bearer ${await sign(key, { exp: undefined })}`));
  });

  it('rejects a lifetime longer than 60 minutes', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectInvalidToken(await callMe(`Bearer ${await sign(key, { iat: now, exp: now + 7200 })}`));
  });

  it('rejects a kid that is not in the JWKS (after its one refresh)', async () => {
    await expectInvalidToken(await callMe(`Bearer ${await sign(other)}`));
  });

  it('rejects a token with no kid', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ sub: 'usr_test', iss: 'chat-web', aud: 'chat-api', iat: now, exp: now + 600, jti: 'x' })
      .setProtectedHeader({ alg: 'RS256' })
      .sign(key.privateKey);
    await expectInvalidToken(await callMe(`Bearer ${token}`));
  });

  it('rejects a tampered payload', async () => {
    const [h, p, s] = parts(await sign(key));
    const claims = JSON.parse(atob(p.replaceAll('-', '+').replaceAll('_', '/'))) as Record<string, unknown>;
    const forged = b64url(JSON.stringify({ ...claims, roles: ['user', 'admin'] }));
    await expectInvalidToken(await callMe(`Bearer ${h}.${forged}.${s}`));
  });

  it('rejects a tampered signature', async () => {
    const [h, p, s] = parts(await sign(key));
    const flipped = (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    await expectInvalidToken(await callMe(`Bearer ${h}.${p}.${flipped}`));
  });

  it('rejects a token signed by another key under a published kid', async () => {
    const forged = await sign({ ...other, kid: key.kid });
    await expectInvalidToken(await callMe(`Bearer ${forged}`));
  });

  it('rejects malformed and truncated tokens', async () => {
    const token = await sign(key);
    for (const bad of ['not-a-jwt', 'a.b', token.slice(0, token.length - 20), `${token}.extra`, 'e30.e30.', '...']) {
      await expectInvalidToken(await callMe(`Bearer ${bad}`));
    }
  });

  it('rejects a missing Authorization header', async () => {
    await expectInvalidToken(await callMe());
  });

  it('rejects the wrong scheme', async () => {
    const token = await sign(key);
    await expectInvalidToken(await callMe(`Basic ${btoa('user:pass')}`));
    await expectInvalidToken(await callMe(`Token ${token}`));
    await expectInvalidToken(await callMe(token));
  });

  it('rejects claims of the wrong type', async () => {
    await expectInvalidToken(await callMe(`Bearer ${await sign(key, { scopes: 'chat:write' })}`));
  });

  it('does not treat a public JWK with a private part as special', async () => {
    // Publishing is the CLI's job; the Worker only ever needs n and e.
    const jwk = await exportJWK(key.privateKey);
    expect(jwk.d).toBeDefined();
    expect(key.publicJwk.d).toBeUndefined();
  });
});

describe('scope and role guards', () => {
  it('gives 403 insufficient_scope to a valid token without the scope', async () => {
    const token = await sign(key, { sub: 'svc:web', scopes: ['chat:write'] });
    const res = await SELF.fetch(
      'https://api.test/internal/users/provision',
      authed(token, { method: 'POST', body: JSON.stringify({ provider: 'kakao', providerAccountId: '1' }) }),
    );
    expect(res.status).toBe(403);
    expect(res.headers.get('WWW-Authenticate')).toMatch(/insufficient_scope/);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe('insufficient_scope');
  });

  it('keeps internal routes for services even when a user token carries the scope', async () => {
    const token = await sign(key, { sub: 'usr_sneaky', scopes: ['users:provision'] });
    const res = await SELF.fetch(
      'https://api.test/internal/users/provision',
      authed(token, { method: 'POST', body: JSON.stringify({ provider: 'kakao', providerAccountId: '1' }) }),
    );
    expect(res.status).toBe(403);
  });
});

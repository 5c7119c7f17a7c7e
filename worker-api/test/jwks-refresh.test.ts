import { SELF } from 'cloudflare:test';
import { beforeAll, expect, it } from 'vitest';
import { makeKey, publish, sign, type TestKey } from './support/tokens';

let first: TestKey;

beforeAll(async () => {
  first = await makeKey();
  await publish(first);
});

it('verifies with a key published after the Worker warmed up, without a restart', async () => {
  const before = await SELF.fetch('https://api.test/me', { headers: { Authorization: `Bearer ${await sign(first)}` } });
  expect(before.status).toBe(404);

  const second = await makeKey();
  await publish(first, second);
  const after = await SELF.fetch('https://api.test/me', { headers: { Authorization: `Bearer ${await sign(second)}` } });
  expect(after.status).toBe(404);

  // The published set served to others moves on only when the cache does; the kid-miss did refresh it.
  const jwks = await (await SELF.fetch('https://api.test/.well-known/jwks.json')).json<{ keys: { kid: string }[] }>();
  expect(jwks.keys.map((k) => k.kid).sort()).toEqual([first.kid, second.kid].sort());
});

it('answers a flood of forged kids with 401s, never 500s', async () => {
  const forger = await makeKey();
  const results = await Promise.all(
    Array.from({ length: 40 }, async (_, i) => {
      const token = await sign({ ...forger, kid: `forged-${i}` });
      return (await SELF.fetch('https://api.test/me', { headers: { Authorization: `Bearer ${token}` } })).status;
    }),
  );
  expect(new Set(results)).toEqual(new Set([401]));
});

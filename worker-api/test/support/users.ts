import { env, SELF } from 'cloudflare:test';
import { authed, sign, type TestKey } from './tokens';

let accounts = 0;

/** A new user provisioned through the service token, with a user token for them. */
export async function newUser(key: TestKey, planId = 'free'): Promise<{ id: string; token: string }> {
  const service = await sign(key, { sub: 'svc:web', scopes: ['users:provision'] });
  const res = await SELF.fetch(
    'https://api.test/internal/users/provision',
    authed(service, { method: 'POST', body: JSON.stringify({ provider: 'kakao', providerAccountId: `t-${Date.now()}-${++accounts}` }) }),
  );
  const { id } = await res.json<{ id: string }>();
  if (planId !== 'free') await env.DB.prepare('UPDATE users SET plan_id = ? WHERE id = ?').bind(planId, id).run();
  return { id, token: await sign(key, { sub: id }) };
}

/** A plan made for a test, so limits can be small and exact. */
export async function createPlan(
  id: string,
  limits: { models?: string[]; maxTokens?: number; daily?: number; monthly?: number; streams?: number },
): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO plans (id, name, models, max_tokens_per_request, daily_token_quota, monthly_token_quota, concurrent_streams, price_krw)
     VALUES (?, ?, ?, ?, ?, ?, ?, 0)`,
  )
    .bind(id, id, JSON.stringify(limits.models ?? ['gpt-4o-mini']), limits.maxTokens ?? 1024, limits.daily ?? 100_000, limits.monthly ?? 1_000_000, limits.streams ?? 5)
    .run();
}

/** Polls until `check` returns a value, for effects that land in waitUntil after the response. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

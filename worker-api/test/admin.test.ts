import type { AdminAction, AdminGrant, AdminPlan, AdminQuotaWindow, AdminUser, AdminUserDetail } from '@chat/contract/api';
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bindings } from '../src/env';
import worker, { app } from '../src/index';
import { ADMIN_SCOPES, call, insertUsage, newAdmin, newNamedUser, ok, unique } from './support/admin';
import { eventsOf, readSse } from './support/sse';
import { publishedKey, sign, USER_SCOPES, type TestKey } from './support/tokens';
import { newUser } from './support/users';
import { expectError, type ErrorBody } from './support/errors';

type QuotaWindow = AdminQuotaWindow;
type Grant = AdminGrant;
type Detail = AdminUserDetail;
type Page<T> = { items: T[]; nextCursor: string | null };
type Action = AdminAction;
type Plan = AdminPlan;
type Me = { plan: { id: string; models: string[] }; quota: { daily: QuotaWindow; monthly: QuotaWindow } };

let key: TestKey;
let admin: { id: string; token: string };

beforeAll(async () => {
  key = await publishedKey();
  admin = await newAdmin(key);
});

function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString();
}

/** A plan made through the admin API, small enough for limits to bite in a test. */
async function adminPlan(overrides: Record<string, unknown> = {}): Promise<Plan> {
  const body = {
    id: `t_${unique()}`,
    name: 'Tiny',
    models: ['gpt-4o-mini'],
    maxTokensPerRequest: 64,
    dailyTokenQuota: 100_000,
    monthlyTokenQuota: 1_000_000,
    concurrentStreams: 5,
    priceKrw: 0,
    ...overrides,
  };
  return ok<Plan>(await call(admin.token, 'POST', '/admin/plans', body), 201);
}

async function putOnPlan(userId: string, planId: string): Promise<Detail> {
  return ok<Detail>(await call(admin.token, 'PATCH', `/admin/users/${userId}`, { planId }));
}

function stream(token: string, body: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Response> {
  return call(token, 'POST', '/ai/stream', { content: 'Say hello', ...body }, headers);
}

async function streamToEnd(res: Response): Promise<string | undefined> {
  expect(res.status).toBe(200);
  return eventsOf(await readSse(res)).at(-1)?.event;
}

async function me(token: string): Promise<Me> {
  return ok<Me>(await call(token, 'GET', '/me'));
}

async function actionsOn(targetId: string): Promise<Action[]> {
  return (await ok<Page<Action>>(await call(admin.token, 'GET', `/admin/actions?targetId=${targetId}&limit=100`))).items;
}

describe('who may use the admin API', () => {
  function everyAdminRoute(userId: string): [string, string, unknown?][] {
    return [
      ['GET', '/admin/users'],
      ['GET', `/admin/users/${userId}`],
      ['PATCH', `/admin/users/${userId}`, { roles: ['user', 'admin'] }],
      ['POST', `/admin/users/${userId}/suspend`, { reason: 'no' }],
      ['POST', `/admin/users/${userId}/unsuspend`],
      ['POST', `/admin/users/${userId}/grants`, { tokens: 1000, expiresAt: inDays(1), reason: 'no' }],
      ['DELETE', `/admin/users/${userId}/grants/grt_0000000000abcdef`],
      ['GET', '/admin/plans'],
      ['POST', '/admin/plans', { id: 'sneaky', name: 'x', models: ['gpt-4o'], maxTokensPerRequest: 1, dailyTokenQuota: 1, monthlyTokenQuota: 1, concurrentStreams: 1, priceKrw: 0 }],
      ['PATCH', '/admin/plans/free', { dailyTokenQuota: 999_999_999 }],
      ['GET', '/admin/providers'],
      ['POST', '/admin/providers', { id: 'sneaky', name: 'x', apiKeySecret: 'SNEAKY_KEY' }],
      ['PATCH', '/admin/providers/openai', { enabled: false }],
      ['GET', '/admin/models'],
      ['POST', '/admin/models', { id: 'sneaky', providerId: 'openai', upstreamModel: 'x', contextWindow: 10, maxOutputTokens: 10, inputPriceMicros: 0, outputPriceMicros: 0 }],
      ['PATCH', '/admin/models/gpt-4o-mini', { inputPriceMicros: 0 }],
      ['GET', '/admin/usage'],
      ['GET', '/admin/margin'],
      ['GET', '/admin/audit/requests/trace-admin-guard-1'],
      ['GET', '/admin/audit/requests'],
      ['GET', '/admin/actions'],
    ];
  }

  it('lists every /admin route in this test, and documents each in /openapi.json', async () => {
    const tested = new Set(everyAdminRoute('usr_x').map(([method, path]) => `${method} ${path.replace('usr_x', ':id').replace(/grt_\w+/, ':grantId').replace(/\/(free|openai|gpt-4o-mini)$/, '/:id').replace(/requests\/trace-[\w-]+/, 'requests/:traceId')}`));
    const mounted = app.routes.filter((r) => r.path.startsWith('/admin') && r.method !== 'ALL').map((r) => `${r.method} ${r.path}`);
    expect(new Set(mounted)).toEqual(tested);
    const doc = await ok<{ paths: Record<string, unknown> }>(await call(null, 'GET', '/openapi.json'));
    for (const path of ['/admin/users', '/admin/users/{id}', '/admin/users/{id}/grants/{grantId}', '/admin/plans/{id}', '/admin/providers/{id}', '/admin/models/{id}', '/admin/usage', '/admin/margin', '/admin/audit/requests/{traceId}', '/admin/actions']) {
      expect(doc.paths).toHaveProperty([path]);
    }
  });

  it('refuses a user without the admin role on every route, and changes nothing', async () => {
    const user = await newUser(key);
    for (const [method, path, body] of everyAdminRoute(user.id)) {
      const res = await call(user.token, method, path, body);
      const err = await expectError(res, 403, 'insufficient_scope');
      expect(err.error.message, `${method} ${path}`).toMatch(/admin/);
      expect(res.headers.get('WWW-Authenticate')).toMatch(/insufficient_scope/);
    }
    const row = await env.DB.prepare('SELECT roles, suspended_at FROM users WHERE id = ?').bind(user.id).first<{ roles: string; suspended_at: number | null }>();
    expect(row).toEqual({ roles: '["user"]', suspended_at: null });
    const free = await env.DB.prepare("SELECT daily_token_quota FROM plans WHERE id = 'free'").first<{ daily_token_quota: number }>();
    expect(free?.daily_token_quota).toBe(20_000);
    const registry = await env.DB.prepare("SELECT (SELECT enabled FROM providers WHERE id = 'openai') AS provider, (SELECT input_price_micros FROM models WHERE id = 'gpt-4o-mini') AS price, (SELECT count(*) FROM providers WHERE id = 'sneaky') AS added").first();
    expect(registry).toEqual({ provider: 1, price: 150_000, added: 0 });
  });

  it('refuses a token that claims admin when D1 no longer does, and needs admin:write to change things', async () => {
    const demoted = await newAdmin(key);
    expect((await call(demoted.token, 'GET', '/admin/users')).status).toBe(200);
    await env.DB.prepare(`UPDATE users SET roles = '["user"]' WHERE id = ?`).bind(demoted.id).run();
    for (const [method, path, body] of everyAdminRoute(demoted.id)) {
      await expectError(await call(demoted.token, method, path, body), 403, 'insufficient_scope');
    }

    const readOnly = await sign(key, { sub: admin.id, roles: ['user', 'admin'], scopes: [...USER_SCOPES, 'admin:read'] });
    expect((await call(readOnly, 'GET', '/admin/plans')).status).toBe(200);
    await expectError(await call(readOnly, 'PATCH', '/admin/plans/free', { name: 'Free' }), 403, 'insufficient_scope');
    const service = await sign(key, { sub: 'svc:web', roles: ['admin'], scopes: ADMIN_SCOPES });
    await expectError(await call(service, 'GET', '/admin/users'), 403, 'insufficient_scope');
    await expectError(await call(null, 'GET', '/admin/users'), 401, 'invalid_token');
  });
});

describe('users', () => {
  it('searches by part of the email or name in any case, or by exact id, newest first, in pages', async () => {
    const tag = unique();
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await newNamedUser(key, `${tag}.${i}@Example.com`, `검색 Person ${tag} ${i}`));
    const seen: AdminUser[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const qs: string = `q=${tag.toUpperCase()}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: Page<AdminUser> = await ok(await call(admin.token, 'GET', `/admin/users?${qs}`));
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen.map((u) => u.id))).toEqual(new Set(made.map((u) => u.id)));
    for (let i = 1; i < seen.length; i++) expect(Date.parse(seen[i - 1]?.createdAt ?? '')).toBeGreaterThanOrEqual(Date.parse(seen[i]?.createdAt ?? ''));
    expect(seen[0]).toEqual({
      id: expect.stringMatching(/^usr_/),
      email: expect.stringMatching(new RegExp(`^${tag}\\.\\d@Example\\.com$`)),
      name: expect.stringContaining(tag),
      roles: ['user'],
      planId: 'free',
      planExpiresAt: null,
      suspendedAt: null,
      suspendedReason: null,
      createdAt: expect.any(String),
    });

    const byName = await ok<Page<AdminUser>>(await call(admin.token, 'GET', `/admin/users?q=${encodeURIComponent(`person ${tag} 3`)}`));
    expect(byName.items.map((u) => u.id)).toEqual([made[3]?.id]);
    const byId = await ok<Page<AdminUser>>(await call(admin.token, 'GET', `/admin/users?q=${made[2]?.id}`));
    expect(byId.items.map((u) => u.id)).toEqual([made[2]?.id]);
    const wildcard = await ok<Page<AdminUser>>(await call(admin.token, 'GET', `/admin/users?q=${encodeURIComponent(`${tag}%`)}`));
    expect(wildcard.items).toEqual([]);
    const everyone = await ok<Page<AdminUser>>(await call(admin.token, 'GET', '/admin/users?q=&limit=3'));
    expect(everyone.items).toHaveLength(3);
    expect(everyone.nextCursor).toEqual(expect.any(String));
  });

  it('shows one user with plan, quota, grants and recent requests; 404 for an unknown id, 400 for a malformed one', async () => {
    const user = await newNamedUser(key, `detail-${unique()}@example.com`, 'Detail');
    await insertUsage({ userId: user.id, createdAt: Date.now() - 1000, promptTokens: 40, completionTokens: 60, ttftMs: 120 });
    const detail = await ok<Detail>(await call(admin.token, 'GET', `/admin/users/${user.id}`));
    expect(detail.user).toMatchObject({ id: user.id, name: 'Detail', planId: 'free' });
    expect(detail.plan).toEqual({ id: 'free', name: 'Free', models: ['gpt-4o-mini'], maxTokensPerRequest: 1024, dailyTokenQuota: 20_000, monthlyTokenQuota: 200_000, concurrentStreams: 1, priceKrw: 0 });
    expect(detail.quota.daily).toEqual({ limit: 20_000, used: 100, reserved: 0, remaining: 19_900, resetAt: expect.any(String) });
    expect(detail.quota.monthly).toMatchObject({ limit: 200_000, used: 100 });
    expect(detail.grants).toEqual([]);
    expect(detail.recent).toEqual([
      {
        id: expect.any(String),
        traceId: expect.any(String),
        clientTraceId: null,
        userId: user.id,
        conversationId: null,
        messageId: null,
        model: 'gpt-4o-mini',
        promptTokens: 40,
        completionTokens: 60,
        totalTokens: 100,
        estimated: false,
        status: 'ok',
        errorCode: null,
        ttftMs: 120,
        durationMs: 100,
        createdAt: expect.any(String),
      },
    ]);

    await expectError(await call(admin.token, 'GET', '/admin/users/usr_doesnotexist0000'), 404, 'not_found');
    const bad = await expectError(await call(admin.token, 'GET', '/admin/users/not-a-user'), 400, 'invalid_request');
    expect(bad.error.message).toMatch(/^param\.id/);
  });

  it('changes plan and roles; a plan set without an end has none; bad input is a 400 naming the field', async () => {
    const user = await newUser(key);
    await env.DB.prepare('UPDATE users SET plan_expires_at = ? WHERE id = ?').bind(Date.now() - 60_000, user.id).run();
    const pro = await putOnPlan(user.id, 'pro');
    expect(pro.user).toMatchObject({ planId: 'pro', planExpiresAt: null });
    expect(pro.plan.id).toBe('pro');
    expect((await me(user.token)).plan.id).toBe('pro');

    const until = inDays(3);
    const ends = await ok<Detail>(await call(admin.token, 'PATCH', `/admin/users/${user.id}`, { planId: 'team', planExpiresAt: until }));
    expect(ends.user).toMatchObject({ planId: 'team', planExpiresAt: until });
    const lapsed = await ok<Detail>(await call(admin.token, 'PATCH', `/admin/users/${user.id}`, { planExpiresAt: new Date(Date.now() - 1000).toISOString() }));
    expect(lapsed.user.planId).toBe('team');
    expect(lapsed.plan.id).toBe('free');

    const promoted = await ok<Detail>(await call(admin.token, 'PATCH', `/admin/users/${user.id}`, { roles: ['admin', 'user'] }));
    expect(promoted.user.roles).toEqual(['user', 'admin']);
    const adminToken = await sign(key, { sub: user.id, roles: ['user', 'admin'], scopes: [...USER_SCOPES, ...ADMIN_SCOPES] });
    expect((await call(adminToken, 'GET', '/admin/plans')).status).toBe(200);
    await ok(await call(admin.token, 'PATCH', `/admin/users/${user.id}`, { roles: ['user'] }));
    await expectError(await call(adminToken, 'GET', '/admin/plans'), 403, 'insufficient_scope');

    const cases: [unknown, RegExp][] = [
      [{ planId: 'platinum' }, /^body\.planId/],
      [{ planId: 'Not A Plan' }, /^body\.planId/],
      [{ roles: ['admin'] }, /^body\.roles/],
      [{ roles: ['user', 'root'] }, /^body\.roles/],
      [{ roles: [] }, /^body\.roles/],
      [{ planExpiresAt: 'tomorrow' }, /^body\.planExpiresAt/],
      [{}, /^body/],
    ];
    for (const [body, message] of cases) {
      const err = await expectError(await call(admin.token, 'PATCH', `/admin/users/${user.id}`, body), 400, 'invalid_request');
      expect(err.error.message, JSON.stringify(body)).toMatch(message);
    }
    await expectError(await call(admin.token, 'PATCH', '/admin/users/usr_doesnotexist0000', { planId: 'pro' }), 404, 'not_found');
    await expectError(await call(admin.token, 'PATCH', `/admin/users/${admin.id}`, { roles: ['user'] }), 409, 'conflict');
  });
});

describe('suspension', () => {
  it("refuses the user's next request on every user route until lifted, and provisioning reports it", async () => {
    const providerAccountId = `susp-${unique()}`;
    const service = await sign(key, { sub: 'svc:web', scopes: ['users:provision'] });
    const provision = () => call(service, 'POST', '/internal/users/provision', { provider: 'kakao', providerAccountId });
    const { id } = await ok<{ id: string }>(await provision());
    const token = await sign(key, { sub: id });
    const conv = await ok<{ id: string }>(await call(token, 'POST', '/conversations', { title: 'before' }), 201);
    await call(token, 'POST', `/conversations/${conv.id}/messages`, { content: 'pending question' });

    const suspended = await ok<Detail>(await call(admin.token, 'POST', `/admin/users/${id}/suspend`, { reason: 'Chargeback fraud' }));
    expect(suspended.user).toMatchObject({ suspendedAt: expect.any(String), suspendedReason: 'Chargeback fraud' });

    const userRoutes: [string, string, unknown?][] = [
      ['GET', '/me'],
      ['POST', '/me/onboarding', { name: 'X', acceptTerms: true }],
      ['GET', '/models'],
      ['GET', '/conversations'],
      ['POST', '/conversations', {}],
      ['GET', `/conversations/${conv.id}`],
      ['PATCH', `/conversations/${conv.id}`, { title: 'renamed' }],
      ['POST', `/conversations/${conv.id}/messages`, { content: 'more' }],
      ['DELETE', `/conversations/${conv.id}`],
      ['GET', `/ai/stream?convId=${conv.id}`],
      ['POST', '/ai/stream', { content: 'hello' }],
      ['POST', '/ai/stream', { convId: conv.id, content: 'hello' }],
      ['GET', '/usage'],
      ['GET', '/billing/subscription'],
      ['GET', '/billing/payments'],
      ['POST', '/billing/orders', { planId: 'pro' }],
      ['POST', '/billing/subscription/cancel'],
    ];
    for (const [method, path, body] of userRoutes) {
      const err = await expectError(await call(token, method, path, body), 403, 'account_suspended');
      expect(err.error.message, `${method} ${path}`).not.toContain('Chargeback');
    }
    // The refused chat requests are in the audit trail under the trace id the user was shown.
    const refused = await call(token, 'POST', '/ai/stream', { content: 'still here?' });
    const traceId = refused.headers.get('X-Trace-Id') ?? '';
    expect((await refused.json<ErrorBody>()).error.code).toBe('account_suspended');
    const audited = await ok<{ items: { userId: string; status: string; errorCode: string | null }[] }>(await call(admin.token, 'GET', `/admin/audit/requests/${traceId}`));
    expect(audited.items).toEqual([expect.objectContaining({ userId: id, status: 'rejected', errorCode: 'account_suspended' })]);
    expect((await call(token, 'GET', '/billing/plans')).status).toBe(200);
    const conversation = await env.DB.prepare('SELECT title FROM conversations WHERE id = ?').bind(conv.id).first<{ title: string }>();
    expect(conversation?.title).toBe('before');

    const state = await ok<Record<string, unknown>>(await provision());
    expect(state).toMatchObject({ id, roles: ['user'], suspendedAt: suspended.user.suspendedAt, suspendedReason: 'Chargeback fraud' });

    const lifted = await ok<Detail>(await call(admin.token, 'POST', `/admin/users/${id}/unsuspend`));
    expect(lifted.user).toMatchObject({ suspendedAt: null, suspendedReason: null });
    expect((await call(token, 'GET', '/me')).status).toBe(200);
    expect(await streamToEnd(await stream(token))).toBe('done');
    expect(Object.keys(await ok<Record<string, unknown>>(await provision())).sort()).toEqual(['created', 'id', 'onboarded', 'roles', 'scopes', 'sessionVersion']);
  });

  it('refuses a suspended admin on the admin API too, and an admin cannot suspend themself', async () => {
    const other = await newAdmin(key);
    await ok(await call(admin.token, 'POST', `/admin/users/${other.id}/suspend`, { reason: 'Left the company' }));
    await expectError(await call(other.token, 'GET', '/admin/users'), 403, 'account_suspended');
    await expectError(await call(admin.token, 'POST', `/admin/users/${admin.id}/suspend`, { reason: 'oops' }), 409, 'conflict');
    const blank = await expectError(await call(admin.token, 'POST', `/admin/users/${other.id}/suspend`, { reason: '   ' }), 400, 'invalid_request');
    expect(blank.error.message).toMatch(/^body\.reason/);
    await expectError(await call(admin.token, 'POST', `/admin/users/${other.id}/suspend`, { reason: 'x'.repeat(501) }), 400, 'invalid_request');
    await expectError(await call(admin.token, 'POST', '/admin/users/usr_doesnotexist0000/suspend', { reason: 'x' }), 404, 'not_found');
  });

  it('costs the routes that already load the user no extra D1 read, and the others one', async () => {
    const user = await newUser(key);
    const conv = await ok<{ id: string }>(await call(user.token, 'POST', '/conversations', {}), 201);
    const accountReads = async (method: string, path: string, body?: unknown): Promise<number> => {
      const statements: string[] = [];
      const db = new Proxy(env.DB, {
        get(target, prop) {
          if (prop === 'prepare') {
            return (query: string) => {
              statements.push(query);
              return target.prepare(query);
            };
          }
          const value: unknown = Reflect.get(target, prop);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const bindings: Bindings = { ...env, DB: db };
      const ctx = createExecutionContext();
      const init: RequestInit = { method, headers: { Authorization: `Bearer ${user.token}`, 'Content-Type': 'application/json' } };
      if (body !== undefined) init.body = JSON.stringify(body);
      const res = await worker.fetch(new Request(`https://api.test${path}`, init), bindings, ctx);
      if (res.headers.get('Content-Type')?.startsWith('text/event-stream')) await readSse(res);
      await waitOnExecutionContext(ctx);
      expect(res.status, `${method} ${path}`).toBeLessThan(300);
      return statements.filter((q) => /^select "roles", "suspended_at" from "users"/.test(q)).length;
    };
    expect(await accountReads('GET', '/me')).toBe(0);
    expect(await accountReads('GET', '/models')).toBe(0);
    expect(await accountReads('POST', '/ai/stream', { content: 'hi' })).toBe(0);
    expect(await accountReads('GET', '/conversations')).toBe(1);
    expect(await accountReads('POST', `/conversations/${conv.id}/messages`, { content: 'q' })).toBe(1);
  });
});

describe('grants', () => {
  it('raise both limits while live: a refused request passes, and the limits drop back when the grant expires', async () => {
    const plan = await adminPlan({ dailyTokenQuota: 200, monthlyTokenQuota: 100_000 });
    const user = await newUser(key);
    await putOnPlan(user.id, plan.id);
    await insertUsage({ userId: user.id, createdAt: Date.now() - 1000, promptTokens: 100, completionTokens: 100 });
    await expectError(await stream(user.token), 429, 'quota_exceeded');

    const expiresAt = inDays(7);
    const grant = await ok<Grant>(await call(admin.token, 'POST', `/admin/users/${user.id}/grants`, { tokens: 5000, expiresAt, reason: 'Launch week' }), 201);
    expect(grant).toEqual({ id: expect.stringMatching(/^grt_/), tokens: 5000, reason: 'Launch week', expiresAt, createdAt: expect.any(String), createdBy: admin.id });
    const raised = await me(user.token);
    expect(raised.quota.daily).toMatchObject({ limit: 5200, used: 200, remaining: 5000 });
    expect(raised.quota.monthly).toMatchObject({ limit: 105_000 });
    expect(await streamToEnd(await stream(user.token))).toBe('done');

    const detail = await ok<Detail>(await call(admin.token, 'GET', `/admin/users/${user.id}`));
    expect(detail.grants).toEqual([grant]);
    expect(detail.quota.daily.limit).toBe(5200);

    await env.DB.prepare('UPDATE quota_grants SET expires_at = ? WHERE id = ?').bind(Date.now() - 1, grant.id).run();
    const after = await me(user.token);
    expect(after.quota.daily.limit).toBe(200);
    expect(after.quota.monthly.limit).toBe(100_000);
    await expectError(await stream(user.token), 429, 'quota_exceeded');
  });

  it('can be taken back at once', async () => {
    const plan = await adminPlan({ dailyTokenQuota: 200 });
    const user = await newUser(key);
    await putOnPlan(user.id, plan.id);
    await insertUsage({ userId: user.id, createdAt: Date.now() - 1000, promptTokens: 200 });
    const grant = await ok<Grant>(await call(admin.token, 'POST', `/admin/users/${user.id}/grants`, { tokens: 1000, expiresAt: inDays(1), reason: 'Support' }), 201);
    expect((await me(user.token)).quota.daily.limit).toBe(1200);

    const other = await newUser(key);
    await expectError(await call(admin.token, 'DELETE', `/admin/users/${other.id}/grants/${grant.id}`), 404, 'not_found');
    const res = await call(admin.token, 'DELETE', `/admin/users/${user.id}/grants/${grant.id}`);
    expect(res.status).toBe(204);
    expect((await me(user.token)).quota.daily.limit).toBe(200);
    await expectError(await stream(user.token), 429, 'quota_exceeded');
    await expectError(await call(admin.token, 'DELETE', `/admin/users/${user.id}/grants/${grant.id}`), 404, 'not_found');
    await expectError(await call(admin.token, 'DELETE', `/admin/users/${user.id}/grants/nope`), 400, 'invalid_request');
  });

  it('validates tokens, expiry and reason', async () => {
    const user = await newUser(key);
    const post = (body: unknown) => call(admin.token, 'POST', `/admin/users/${user.id}/grants`, body);
    const cases: [unknown, RegExp][] = [
      [{ tokens: 0, expiresAt: inDays(1), reason: 'x' }, /^body\.tokens/],
      [{ tokens: 100_000_001, expiresAt: inDays(1), reason: 'x' }, /^body\.tokens/],
      [{ tokens: 1.5, expiresAt: inDays(1), reason: 'x' }, /^body\.tokens/],
      [{ tokens: 10, expiresAt: inDays(-1), reason: 'x' }, /^body\.expiresAt/],
      [{ tokens: 10, expiresAt: inDays(91), reason: 'x' }, /^body\.expiresAt/],
      [{ tokens: 10, expiresAt: '2026-13-01', reason: 'x' }, /^body\.expiresAt/],
      [{ tokens: 10, expiresAt: inDays(1) }, /^body\.reason/],
    ];
    for (const [body, message] of cases) {
      const err = await expectError(await post(body), 400, 'invalid_request');
      expect(err.error.message, JSON.stringify(body)).toMatch(message);
    }
    await expectError(await call(admin.token, 'POST', '/admin/users/usr_doesnotexist0000/grants', { tokens: 10, expiresAt: inDays(1), reason: 'x' }), 404, 'not_found');
    expect((await ok<Detail>(await call(admin.token, 'GET', `/admin/users/${user.id}`))).grants).toEqual([]);
  });
});

describe('plans', () => {
  it('lists, creates and edits plans; an edit applies to the very next request', async () => {
    const plan = await adminPlan({ name: 'Edit me', models: ['gpt-4o-mini', 'gpt-4o'], sortOrder: 7 });
    expect(plan).toEqual({
      id: plan.id,
      name: 'Edit me',
      models: ['gpt-4o-mini', 'gpt-4o'],
      maxTokensPerRequest: 64,
      dailyTokenQuota: 100_000,
      monthlyTokenQuota: 1_000_000,
      concurrentStreams: 5,
      priceKrw: 0,
      sortOrder: 7,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const { items } = await ok<{ items: Plan[] }>(await call(admin.token, 'GET', '/admin/plans'));
    expect(items.map((p) => p.id)).toEqual(expect.arrayContaining(['free', 'pro', 'team', plan.id]));

    const user = await newUser(key);
    await putOnPlan(user.id, plan.id);
    expect(await streamToEnd(await stream(user.token, { model: 'gpt-4o' }))).toBe('done');

    const edited = await ok<Plan>(await call(admin.token, 'PATCH', `/admin/plans/${plan.id}`, { models: ['gpt-4o-mini'], concurrentStreams: 1 }));
    expect(edited).toMatchObject({ models: ['gpt-4o-mini'], concurrentStreams: 1, name: 'Edit me' });
    await expectError(await stream(user.token, { model: 'gpt-4o' }), 403, 'model_not_allowed');
    expect((await me(user.token)).plan.models).toEqual(['gpt-4o-mini']);

    await env.DB.prepare('INSERT INTO reservations (id, user_id, tokens, created_at, expires_at) VALUES (?, ?, 1, ?, ?)')
      .bind(`res_${unique()}`, user.id, Date.now(), Date.now() + 60_000)
      .run();
    await expectError(await stream(user.token), 429, 'too_many_streams');
    await ok(await call(admin.token, 'PATCH', `/admin/plans/${plan.id}`, { concurrentStreams: 2 }));
    expect(await streamToEnd(await stream(user.token))).toBe('done');
  });

  it('refuses a taken id with 409, and bad plans with a 400 naming the field', async () => {
    const plan = await adminPlan();
    const again = await call(admin.token, 'POST', '/admin/plans', { id: plan.id, name: 'Dup', models: ['gpt-4o-mini'], maxTokensPerRequest: 1, dailyTokenQuota: 1, monthlyTokenQuota: 1, concurrentStreams: 1, priceKrw: 0 });
    await expectError(again, 409, 'conflict');
    await expectError(await call(admin.token, 'POST', '/admin/plans', { id: 'free', name: 'Dup', models: ['gpt-4o-mini'], maxTokensPerRequest: 1, dailyTokenQuota: 1, monthlyTokenQuota: 1, concurrentStreams: 1, priceKrw: 0 }), 409, 'conflict');

    const valid = { id: `t_${unique()}`, name: 'Bad', models: ['gpt-4o-mini'], maxTokensPerRequest: 1, dailyTokenQuota: 1, monthlyTokenQuota: 1, concurrentStreams: 1, priceKrw: 0 };
    const cases: [unknown, RegExp][] = [
      [{ ...valid, id: 'Has Caps' }, /^body\.id/],
      [{ ...valid, id: '1starts-with-digit' }, /^body\.id/],
      [{ ...valid, id: 'x' }, /^body\.id/],
      [{ ...valid, models: [] }, /^body\.models/],
      [{ ...valid, models: ['gpt 4'] }, /^body\.models/],
      [{ ...valid, models: ['a', 'a'] }, /^body\.models/],
      [{ ...valid, dailyTokenQuota: -1 }, /^body\.dailyTokenQuota/],
      [{ ...valid, concurrentStreams: 0 }, /^body\.concurrentStreams/],
      [{ ...valid, priceKrw: '1000' }, /^body\.priceKrw/],
      [{ ...valid, name: undefined }, /^body\.name/],
    ];
    for (const [body, message] of cases) {
      const err = await expectError(await call(admin.token, 'POST', '/admin/plans', body), 400, 'invalid_request');
      expect(err.error.message, JSON.stringify(body)).toMatch(message);
    }
    await expectError(await call(admin.token, 'PATCH', `/admin/plans/${plan.id}`, {}), 400, 'invalid_request');
    await expectError(await call(admin.token, 'PATCH', `/admin/plans/${plan.id}`, { maxTokensPerRequest: 0 }), 400, 'invalid_request');
    await expectError(await call(admin.token, 'PATCH', '/admin/plans/nosuchplan', { name: 'x' }), 404, 'not_found');
    await expectError(await call(admin.token, 'PATCH', '/admin/plans/NO', { name: 'x' }), 400, 'invalid_request');
  });
});

describe('the audit log of admin actions', () => {
  it('records every change with who, what, before and after, newest first, in pages', async () => {
    const user = await newUser(key);
    await call(admin.token, 'PATCH', `/admin/users/${user.id}`, { planId: 'pro' });
    await call(admin.token, 'PATCH', `/admin/users/${user.id}`, { roles: ['user', 'admin'] });
    await call(admin.token, 'POST', `/admin/users/${user.id}/suspend`, { reason: 'Abuse' });
    await call(admin.token, 'POST', `/admin/users/${user.id}/unsuspend`);
    const grant = await ok<Grant>(await call(admin.token, 'POST', `/admin/users/${user.id}/grants`, { tokens: 10, expiresAt: inDays(1), reason: 'Sorry' }), 201);
    await call(admin.token, 'DELETE', `/admin/users/${user.id}/grants/${grant.id}`);
    // Refused changes leave no row.
    await call(admin.token, 'PATCH', `/admin/users/${user.id}`, { planId: 'platinum' });

    const actions = await actionsOn(user.id);
    for (let i = 1; i < actions.length; i++) expect(Date.parse(actions[i - 1]?.createdAt ?? '')).toBeGreaterThanOrEqual(Date.parse(actions[i]?.createdAt ?? ''));
    const byAction = (name: string) => actions.filter((a) => a.action === name);
    expect(actions).toHaveLength(6);
    for (const a of actions) expect(a).toMatchObject({ actorId: admin.id, targetType: 'user', targetId: user.id, id: expect.stringMatching(/^act_/) });
    expect(byAction('user.update').map((a) => [a.before, a.after])).toEqual(
      expect.arrayContaining([
        [
          { planId: 'free', planExpiresAt: null },
          { planId: 'pro', planExpiresAt: null },
        ],
        [{ roles: ['user'] }, { roles: ['user', 'admin'] }],
      ]),
    );
    expect(byAction('user.suspend')[0]).toMatchObject({ before: { suspendedAt: null, suspendedReason: null }, after: { suspendedAt: expect.any(String), suspendedReason: 'Abuse' } });
    expect(byAction('user.unsuspend')[0]).toMatchObject({ before: { suspendedReason: 'Abuse' }, after: { suspendedAt: null, suspendedReason: null } });
    expect(byAction('grant.create')[0]).toMatchObject({ before: null, after: grant });
    expect(byAction('grant.delete')[0]).toMatchObject({ before: grant, after: null });

    const first = await ok<Page<Action>>(await call(admin.token, 'GET', `/admin/actions?targetId=${user.id}&limit=4`));
    expect(first.items).toHaveLength(4);
    const second = await ok<Page<Action>>(await call(admin.token, 'GET', `/admin/actions?targetId=${user.id}&limit=4&cursor=${first.nextCursor}`));
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    expect([...first.items, ...second.items].map((a) => a.id)).toEqual(actions.map((a) => a.id));
    await expectError(await call(admin.token, 'GET', '/admin/actions?cursor=not*a*cursor'), 400, 'invalid_request');
    await expectError(await call(admin.token, 'GET', '/admin/actions?limit=0'), 400, 'invalid_request');

    const all = await ok<Page<Action>>(await call(admin.token, 'GET', '/admin/actions?limit=1'));
    expect(all.items).toHaveLength(1);
  });

  it('records plan creation and edits', async () => {
    const plan = await adminPlan({ name: 'Audited' });
    await ok(await call(admin.token, 'PATCH', `/admin/plans/${plan.id}`, { priceKrw: 990, name: 'Audited 2' }));
    const actions = await actionsOn(plan.id);
    expect(actions.map((a) => a.action).sort()).toEqual(['plan.create', 'plan.update']);
    expect(actions.find((a) => a.action === 'plan.create')).toMatchObject({ targetType: 'plan', before: null, after: { id: plan.id, name: 'Audited', models: ['gpt-4o-mini'] } });
    expect(actions.find((a) => a.action === 'plan.update')).toMatchObject({ before: { priceKrw: 0, name: 'Audited' }, after: { priceKrw: 990, name: 'Audited 2' } });
  });
});

describe('the first admin (ADMIN_EMAILS)', () => {
  async function provisionWithStatus(adminEmails: string, body: Record<string, unknown>): Promise<Response> {
    const service = await sign(key, { sub: 'svc:web', scopes: ['users:provision'] });
    const bindings: Bindings = { ...env, ADMIN_EMAILS: adminEmails };
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request('https://api.test/internal/users/provision', { method: 'POST', headers: { Authorization: `Bearer ${service}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
      bindings,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return res;
  }

  async function provisionWith(adminEmails: string, body: Record<string, unknown>) {
    return ok<{ id: string; roles: string[]; scopes: string[]; created: boolean }>(await provisionWithStatus(adminEmails, body));
  }

  it('makes a listed email an admin at sign-in, new or existing user, in any case', async () => {
    const tag = unique();
    const listed = ` someone@else.com, Boss.${tag}@Example.com `;
    const fresh = await provisionWith(listed, { provider: 'kakao', providerAccountId: `boss-${tag}`, email: `boss.${tag}@example.COM`, emailVerified: true });
    expect(fresh).toMatchObject({ created: true, roles: ['user', 'admin'] });
    expect(fresh.scopes).toEqual(expect.arrayContaining(['chat:write', 'admin:read', 'admin:write']));

    const existing = await provisionWith('', { provider: 'kakao', providerAccountId: `later-${tag}`, email: `later.${tag}@example.com`, emailVerified: true });
    expect(existing.roles).toEqual(['user']);
    const promoted = await provisionWith(`later.${tag}@example.com`, { provider: 'kakao', providerAccountId: `later-${tag}` });
    expect(promoted).toMatchObject({ id: existing.id, created: false, roles: ['user', 'admin'] });
    const again = await provisionWith(`later.${tag}@example.com`, { provider: 'kakao', providerAccountId: `later-${tag}` });
    expect(again.roles).toEqual(['user', 'admin']);

    const [action, ...more] = await actionsOn(existing.id);
    expect(more).toEqual([]);
    expect(action).toMatchObject({ actorId: 'config:ADMIN_EMAILS', action: 'user.promote', before: { roles: ['user'] }, after: { roles: ['user', 'admin'] } });

    const other = await provisionWith(listed, { provider: 'kakao', providerAccountId: `nobody-${tag}`, email: `nobody.${tag}@example.com`, emailVerified: true });
    expect(other.roles).toEqual(['user']);
  });

  it('promotes only an address the provider verified, and records it', async () => {
    const tag = unique();
    const listed = `alice.${tag}@example.com`;
    const unverified = await provisionWith(listed, { provider: 'kakao', providerAccountId: `alice-${tag}`, email: listed, emailVerified: false });
    expect(unverified.roles).toEqual(['user']);
    const silent = await provisionWith(listed, { provider: 'kakao', providerAccountId: `alice-${tag}`, email: listed });
    expect(silent.roles).toEqual(['user']);
    expect(await actionsOn(unverified.id)).toEqual([]);

    const verified = await provisionWith(listed, { provider: 'kakao', providerAccountId: `alice-${tag}`, email: listed, emailVerified: true });
    expect(verified).toMatchObject({ id: unverified.id, roles: ['user', 'admin'] });
    const [action, ...more] = await actionsOn(verified.id);
    expect(more).toEqual([]);
    expect(action).toMatchObject({ actorId: 'config:ADMIN_EMAILS', action: 'user.promote', targetId: verified.id, before: { roles: ['user'] }, after: { roles: ['user', 'admin'], email: listed } });
    const stored = await env.DB.prepare('SELECT email_verified FROM users WHERE id = ?').bind(verified.id).first<{ email_verified: number }>();
    expect(stored).toEqual({ email_verified: 1 });

    await expectError(await provisionWithStatus(listed, { provider: 'kakao', providerAccountId: `x-${tag}`, email: listed, emailVerified: 'yes' }), 400, 'invalid_request');
  });

  it('promotes one provider account per address: another account with it in another case stays a user', async () => {
    const tag = unique();
    const listed = `alice.${tag}@example.com`;
    const alice = await provisionWith(listed, { provider: 'kakao', providerAccountId: `alice-${tag}`, email: listed, emailVerified: true });
    expect(alice.roles).toEqual(['user', 'admin']);

    const copycat = await provisionWith(listed, { provider: 'kakao', providerAccountId: `copycat-${tag}`, email: `ALICE.${tag}@example.com`, emailVerified: true });
    expect(copycat.id).not.toBe(alice.id);
    expect(copycat.roles).toEqual(['user']);
    const twice = await provisionWith(listed, { provider: 'kakao', providerAccountId: `copycat-${tag}`, email: `ALICE.${tag}@example.com`, emailVerified: true });
    expect(twice.roles).toEqual(['user']);
    expect(await actionsOn(copycat.id)).toEqual([]);
  });

  it('never promotes again a user an admin demoted', async () => {
    const tag = unique();
    const listed = `boss.${tag}@example.com`;
    const boss = await provisionWith(listed, { provider: 'kakao', providerAccountId: `boss-${tag}`, email: listed, emailVerified: true });
    expect(boss.roles).toEqual(['user', 'admin']);
    await ok(await call(admin.token, 'PATCH', `/admin/users/${boss.id}`, { roles: ['user'] }));

    const again = await provisionWith(listed, { provider: 'kakao', providerAccountId: `boss-${tag}`, email: listed, emailVerified: true });
    expect(again).toMatchObject({ id: boss.id, roles: ['user'] });
    expect((await actionsOn(boss.id)).map((a) => [a.actorId, a.action])).toEqual([
      [admin.id, 'user.update'],
      ['config:ADMIN_EMAILS', 'user.promote'],
    ]);

    // Promoted by hand and demoted again, a listed user who was never promoted by the list stays demoted too.
    const other = await provisionWith('', { provider: 'kakao', providerAccountId: `other-${tag}`, email: `other.${tag}@example.com`, emailVerified: true });
    await ok(await call(admin.token, 'PATCH', `/admin/users/${other.id}`, { roles: ['user', 'admin'] }));
    await ok(await call(admin.token, 'PATCH', `/admin/users/${other.id}`, { roles: ['user'] }));
    const listedLater = await provisionWith(`other.${tag}@example.com`, { provider: 'kakao', providerAccountId: `other-${tag}` });
    expect(listedLater.roles).toEqual(['user']);
  });
});

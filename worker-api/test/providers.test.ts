import { env, SELF } from 'cloudflare:test';
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { readSse, eventsOf } from './support/sse';
import { call, newAdmin } from './support/admin';
import { authed, publishedKey, type TestKey } from './support/tokens';
import { createPlan, newUser } from './support/users';
import type { ErrorBody } from './support/errors';

/**
 * Providers and models as data (migration 0014), retries and fallbacks before the first
 * token, and what each answer cost, against two fakes of this file's own (global-setup.ts):
 * `primary` and `secondary`, each accepting only PROVIDER_TEST_API_KEY. Every test makes its
 * own models and plan, so nothing here changes what other files see.
 */
const PROVIDER_KEY = 'sk-provider-test-Zq81xK2mW';
const fakes = { primary: new URL(inject('primaryBaseUrl')), secondary: new URL(inject('secondaryBaseUrl')) };
type FakeName = keyof typeof fakes;
type FakeStats = { requests: number; dropped: number; lastRequests: { model: string; status: number; max_tokens: number | null; outcome: string }[] };

let key: TestKey;
let serial = 0;

beforeAll(async () => {
  key = await publishedKey();
  // Providers of this file: one per fake, one whose key secret the Worker lacks, one disabled.
  await env.DB.batch(
    [
      ['pt-primary', fakes.primary.href, 'PROVIDER_TEST_API_KEY', 1],
      ['pt-secondary', fakes.secondary.href, 'PROVIDER_TEST_API_KEY', 1],
      ['pt-keyless', fakes.secondary.href, 'NO_SUCH_SECRET', 1],
      ['pt-disabled', fakes.secondary.href, 'PROVIDER_TEST_API_KEY', 0],
    ].map(([id, baseUrl, secret, enabled]) =>
      env.DB.prepare('INSERT OR IGNORE INTO providers (id, name, base_url, api_key_secret, enabled) VALUES (?, ?, ?, ?, ?)').bind(id, id, baseUrl, secret, enabled),
    ),
  );
});

async function control(fake: FakeName, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${fakes[fake].origin}/__fake/${path}`, { method: body === undefined && path === 'stats' ? 'GET' : 'POST', body: body === undefined ? undefined : JSON.stringify(body) });
  return res.json();
}
const stats = (fake: FakeName) => control(fake, 'stats') as Promise<FakeStats>;

beforeEach(async () => {
  await Promise.all([control('primary', 'reset'), control('secondary', 'reset')]);
});

type ModelSpec = { provider: string; fallbacks?: string[]; forAllPlans?: boolean; input?: number; output?: number; maxOutput?: number; enabled?: boolean };

/** Models with ids unique to the test (`name` → id), and a plan allowing `allowed` of them, with a user on it. */
async function world(models: Record<string, ModelSpec>, allowed: string[]) {
  const n = ++serial;
  const id = (name: string) => `pt${n}-${name}`;
  await env.DB.batch(
    Object.entries(models).map(([name, m]) =>
      env.DB.prepare(
        `INSERT INTO models (id, provider_id, upstream_model, context_window, max_output_tokens, input_price_micros, output_price_micros, price_currency, fallbacks, fallback_for_all_plans, enabled)
         VALUES (?, ?, ?, 128000, ?, ?, ?, 'USD', ?, ?, ?)`,
      ).bind(id(name), m.provider, `up-${name}`, m.maxOutput ?? 4096, m.input ?? 0, m.output ?? 0, JSON.stringify((m.fallbacks ?? []).map(id)), m.forAllPlans ? 1 : 0, m.enabled === false ? 0 : 1),
    ),
  );
  const planId = `pt-plan-${n}`;
  await createPlan(planId, { models: allowed.map((name) => (name in models ? id(name) : name)), maxTokens: 256 });
  const user = await newUser(key, planId);
  return { id, user };
}

function ask(token: string, content: string, model?: string): Promise<Response> {
  return SELF.fetch('https://api.test/ai/stream', authed(token, { method: 'POST', body: JSON.stringify({ content, model }) }));
}

async function answer(token: string, content: string, model?: string) {
  const res = await ask(token, content, model);
  expect(res.status).toBe(200);
  const text = await res.clone().text();
  const events = eventsOf(await readSse(res));
  return { text, events, meta: events[0]?.data as { messageId: string; model: string; traceId: string; conversationId: string }, last: events.at(-1) };
}

type Ledger = {
  model: string;
  requested_model: string | null;
  provider_id: string | null;
  attempts: number;
  last_upstream_error: string | null;
  cost_micros: number;
  cost_currency: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  status: string;
  error_code: string | null;
  trace_id: string;
};

async function ledger(userId: string): Promise<Ledger[]> {
  const { results } = await env.DB.prepare('SELECT * FROM usage_events WHERE user_id = ? ORDER BY created_at').bind(userId).all<Ledger>();
  return results;
}

describe('retries before the first token', () => {
  it('answers once after two 503s, with three attempts in the ledger', async () => {
    const { id, user } = await world({ a: { provider: 'pt-primary' } }, ['a']);
    await control('primary', 'config', { failNext: 2, failStatus: 503 });
    const { events, last } = await answer(user.token, 'retry me');
    expect(last).toEqual({ event: 'done', data: { finishReason: 'stop', model: id('a'), fallback: false } });
    expect(events.filter((e) => e.event === 'delta').length).toBeGreaterThan(0);
    expect((await stats('primary')).lastRequests.map((r) => [r.model, r.status])).toEqual([
      ['up-a', 503],
      ['up-a', 503],
      ['up-a', 200],
    ]);
    expect(await ledger(user.id)).toEqual([
      expect.objectContaining({ status: 'ok', model: id('a'), requested_model: id('a'), provider_id: 'pt-primary', attempts: 3, last_upstream_error: '503' }),
    ]);
  });

  it("waits out a 429's Retry-After (1 s) before retrying", async () => {
    const { user } = await world({ a: { provider: 'pt-primary' } }, ['a']);
    await control('primary', 'config', { failNext: 1, failStatus: 429 });
    const started = Date.now();
    const { last } = await answer(user.token, 'slow down');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(last?.event).toBe('done');
    expect((await stats('primary')).lastRequests.map((r) => r.status)).toEqual([429, 200]);
    expect(await ledger(user.id)).toEqual([expect.objectContaining({ attempts: 2, last_upstream_error: '429' })]);
  });

  it('never retries after the first token: a mid-answer failure is event: error and the fakes saw one request', async () => {
    const { user } = await world({ a: { provider: 'pt-primary', fallbacks: ['b'] }, b: { provider: 'pt-secondary' } }, ['a', 'b']);
    const { events, last } = await answer(user.token, 'break midway [[fake fail_after=2 tokens=6]]');
    expect(events.filter((e) => e.event === 'delta').length).toBeGreaterThan(0);
    expect(last).toEqual({ event: 'error', data: { code: 'upstream_error', message: expect.any(String) } });
    expect((await stats('primary')).requests).toBe(1);
    expect((await stats('secondary')).requests).toBe(0);
    expect(await ledger(user.id)).toEqual([expect.objectContaining({ status: 'error', attempts: 1, provider_id: 'pt-primary' })]);
  });

  it('ends with the contract error once the budget is spent, and does not retry a 400', async () => {
    const { user } = await world({ a: { provider: 'pt-primary' } }, ['a']);
    await control('primary', 'config', { status: 503 });
    const failed = await answer(user.token, 'always down');
    expect(failed.last).toEqual({ event: 'error', data: { code: 'upstream_error', message: 'The AI provider failed (503)' } });
    const attempts = (await ledger(user.id))[0]?.attempts ?? 0;
    expect(attempts).toBeGreaterThan(1);
    expect(attempts).toBeLessThanOrEqual(4);

    await control('primary', 'reset');
    await control('primary', 'config', { status: 400 });
    const refused = await answer(user.token, 'bad request');
    expect(refused.last).toMatchObject({ event: 'error', data: { code: 'upstream_error' } });
    expect((await stats('primary')).lastRequests.map((r) => r.status)).toEqual([400]);
  });
});

describe('fallbacks', () => {
  it('answers from the fallback when the primary is down, and tells the client, the ledger and the stored message', async () => {
    const { id, user } = await world({ a: { provider: 'pt-primary', fallbacks: ['b'] }, b: { provider: 'pt-secondary' } }, ['a', 'b']);
    await control('primary', 'config', { down: true });
    const { meta, last } = await answer(user.token, 'is anyone there');
    expect(meta.model).toBe(id('a'));
    expect(last).toEqual({ event: 'done', data: { finishReason: 'stop', model: id('b'), fallback: true } });
    expect((await stats('primary')).dropped).toBeGreaterThan(0);
    expect((await stats('secondary')).lastRequests.map((r) => r.model)).toEqual(['up-b']);
    const [row] = await ledger(user.id);
    expect(row).toMatchObject({ status: 'ok', model: id('b'), requested_model: id('a'), provider_id: 'pt-secondary', last_upstream_error: 'connect' });
    expect(row?.attempts).toBeGreaterThanOrEqual(2);

    // A reload shows who answered; the conversation keeps the model the user chose.
    const conv = await (await SELF.fetch(`https://api.test/conversations/${meta.conversationId}`, authed(user.token))).json<{ model: string; messages: { id: string; model: string | null }[] }>();
    expect(conv.messages.find((m) => m.id === meta.messageId)?.model).toBe(id('b'));
    expect(conv.model).toBe(id('a'));
  });

  it("skips a fallback outside the user's plan, unless the operator marked it for every plan", async () => {
    const { id, user } = await world(
      { a: { provider: 'pt-primary', fallbacks: ['outside', 'shared'] }, outside: { provider: 'pt-secondary' }, shared: { provider: 'pt-secondary', forAllPlans: true } },
      ['a'],
    );
    await control('primary', 'config', { status: 503 });
    const { last } = await answer(user.token, 'fall back, but only where allowed');
    expect(last).toEqual({ event: 'done', data: { finishReason: 'stop', model: id('shared'), fallback: true } });
    expect((await stats('secondary')).lastRequests.map((r) => r.model)).toEqual(['up-shared']);

    await env.DB.prepare('UPDATE models SET fallback_for_all_plans = 0 WHERE id = ?').bind(id('shared')).run();
    await control('secondary', 'reset');
    const alone = await answer(user.token, 'no fallback left');
    expect(alone.last).toMatchObject({ event: 'error', data: { code: 'upstream_error' } });
    expect((await stats('secondary')).requests).toBe(0);
  });

  it('never calls a disabled provider, and a missing key secret is a failure that falls back', async () => {
    const { id, user } = await world(
      { a: { provider: 'pt-keyless', fallbacks: ['off', 'b'] }, off: { provider: 'pt-disabled' }, b: { provider: 'pt-primary' }, lone: { provider: 'pt-disabled' } },
      ['a', 'off', 'b', 'lone'],
    );
    const { last } = await answer(user.token, 'who has a key');
    expect(last).toEqual({ event: 'done', data: { finishReason: 'stop', model: id('b'), fallback: true } });
    // pt-keyless and pt-disabled both point at the secondary fake: neither reached it.
    expect((await stats('secondary')).requests).toBe(0);
    expect(await ledger(user.id)).toEqual([expect.objectContaining({ provider_id: 'pt-primary', attempts: 2, last_upstream_error: 'missing_secret' })]);

    // A model whose provider is disabled is not offered and not allowed.
    const models = await (await SELF.fetch('https://api.test/models', authed(user.token))).json<{ models: { id: string }[]; defaultModel: string }>();
    expect(models.models.map((m) => m.id)).toEqual([id('a'), id('b')]);
    const refused = await ask(user.token, 'use the disabled one', id('lone'));
    expect(refused.status).toBe(403);
    expect((await refused.json<ErrorBody>()).error.code).toBe('model_not_allowed');
  });

  it('without a fallback, a missing key secret is an upstream_error naming the secret', async () => {
    const { user } = await world({ a: { provider: 'pt-keyless' } }, ['a']);
    const { last } = await answer(user.token, 'no key');
    expect(last).toEqual({ event: 'error', data: { code: 'upstream_error', message: 'The AI provider is not configured (NO_SUCH_SECRET is not set)' } });
  });
});

describe('the registry', () => {
  it('refuses a model the plan names but the registry lacks with 403, and does not list it', async () => {
    const { id, user } = await world({ a: { provider: 'pt-primary' } }, ['ghost-model', 'a']);
    const models = await (await SELF.fetch('https://api.test/models', authed(user.token))).json<{ models: { id: string }[]; defaultModel: string }>();
    expect(models).toMatchObject({ defaultModel: id('a'), models: [{ id: id('a') }] });
    const refused = await ask(user.token, 'hi', 'ghost-model');
    expect(refused.status).toBe(403);
    expect((await refused.json<ErrorBody>()).error).toMatchObject({ code: 'model_not_allowed', message: expect.stringContaining('not available') });
    // Without a model asked for, the plan's first servable model answers.
    const { meta } = await answer(user.token, 'default please');
    expect(meta.model).toBe(id('a'));
  });

  it("clamps the answer's budget to the model's max output as well as the plan's", async () => {
    const { user } = await world({ a: { provider: 'pt-primary', maxOutput: 40 } }, ['a']);
    await answer(user.token, 'short answers only');
    expect((await stats('primary')).lastRequests[0]?.max_tokens).toBe(40);
  });
});

describe('cost', () => {
  it('is prompt × input price + completion × output price per million, and a price edit applies to the next request', async () => {
    const { id, user } = await world({ a: { provider: 'pt-primary', input: 3_000_000, output: 7_000_000 } }, ['a']);
    await answer(user.token, 'price me');
    const [first] = await ledger(user.id);
    expect(first?.cost_micros).toBe(Math.round((first!.prompt_tokens * 3_000_000 + first!.completion_tokens * 7_000_000) / 1_000_000));
    expect(first?.cost_micros).toBeGreaterThan(0);
    expect(first?.cost_currency).toBe('USD');

    await env.DB.prepare("UPDATE models SET input_price_micros = 500000, output_price_micros = 250000, price_currency = 'EUR' WHERE id = ?").bind(id('a')).run();
    await answer(user.token, 'price me again');
    const second = (await ledger(user.id))[1]!;
    expect(second.cost_micros).toBe(Math.round((second.prompt_tokens * 500_000 + second.completion_tokens * 250_000) / 1_000_000));
    expect(second.cost_currency).toBe('EUR');

    // The user sees tokens, never cost; the operator's audit view sees both.
    const usage = await (await SELF.fetch('https://api.test/usage', authed(user.token))).text();
    expect(usage).not.toMatch(/cost/i);
    const admin = await newAdmin(key);
    const audit = await call(admin.token, 'GET', `/admin/audit/requests/${second.trace_id}`);
    expect(audit.status).toBe(200);
    expect((await audit.json<{ items: unknown[] }>()).items).toEqual([
      expect.objectContaining({ provider: 'pt-primary', model: id('a'), requestedModel: id('a'), attempts: 1, costMicros: second.cost_micros, costCurrency: 'EUR' }),
    ]);
  });
});

describe('the provider key', () => {
  const lines: string[] = [];
  beforeEach(() => {
    lines.length = 0;
    for (const method of ['log', 'warn', 'error', 'info'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
    }
  });
  afterEach(() => vi.restoreAllMocks());

  it('never appears in a response or a log line, whatever the upstream does', async () => {
    const { user } = await world({ a: { provider: 'pt-primary', fallbacks: ['b'] }, b: { provider: 'pt-secondary' } }, ['a', 'b']);
    const bodies: string[] = [];
    // Refused keys (the fake's 401 body echoes part of the key), retries, a fallback, a mid-answer failure, a plain answer.
    await control('primary', 'config', { failNext: 1, failStatus: 401 });
    bodies.push((await answer(user.token, 'key check one')).text);
    await control('primary', 'config', { failNext: 2, failStatus: 503 });
    bodies.push((await answer(user.token, 'key check two')).text);
    bodies.push((await answer(user.token, 'key check three [[fake fail_after=1 tokens=4]]')).text);
    bodies.push(await (await SELF.fetch('https://api.test/usage', authed(user.token))).text());
    expect(lines.some((l) => l.includes('ai_request'))).toBe(true);
    expect(lines.some((l) => l.includes('upstream_attempt_failed'))).toBe(true);
    for (const text of [...bodies, ...lines]) {
      expect(text).not.toContain(PROVIDER_KEY);
      expect(text).not.toContain(PROVIDER_KEY.slice(-4));
    }
  });
});

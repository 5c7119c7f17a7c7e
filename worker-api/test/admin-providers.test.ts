import type { AdminAction, AdminModel, AdminPlan, AdminProvider } from '@chat/contract/api';
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, newAdmin, ok, unique } from './support/admin';
import { expectError } from './support/errors';
import { publishedKey, type TestKey } from './support/tokens';
import { newUser } from './support/users';

type Page<T> = { items: T[]; nextCursor: string | null };

let key: TestKey;
let admin: { id: string; token: string };

beforeAll(async () => {
  key = await publishedKey();
  admin = await newAdmin(key);
});

async function actionsOn(targetId: string): Promise<AdminAction[]> {
  return (await ok<Page<AdminAction>>(await call(admin.token, 'GET', `/admin/actions?targetId=${targetId}&limit=100`))).items;
}

async function addProvider(overrides: Record<string, unknown> = {}): Promise<AdminProvider> {
  return ok<AdminProvider>(await call(admin.token, 'POST', '/admin/providers', { id: `p_${unique()}`, name: 'Backup', apiKeySecret: 'BACKUP_API_KEY', ...overrides }), 201);
}

async function addModel(providerId: string, overrides: Record<string, unknown> = {}): Promise<AdminModel> {
  const body = { id: `m-${unique()}`, providerId, upstreamModel: 'gpt-4o-mini', contextWindow: 128_000, maxOutputTokens: 16_384, inputPriceMicros: 150_000, outputPriceMicros: 600_000, ...overrides };
  return ok<AdminModel>(await call(admin.token, 'POST', '/admin/models', body), 201);
}

describe('providers', () => {
  it('lists the seeded default, adds one with its defaults, edits and disables it, each change audited with before and after', async () => {
    const { items: before } = await ok<{ items: AdminProvider[] }>(await call(admin.token, 'GET', '/admin/providers'));
    expect(before.find((p) => p.id === 'openai')).toMatchObject({ name: 'OpenAI', baseUrl: null, apiKeySecret: 'OPENAI_API_KEY', extraHeaders: {}, kind: 'openai', enabled: true });

    const added = await addProvider({ baseUrl: 'http://127.0.0.1:8793/v1', extraHeaders: { 'OpenAI-Project': 'proj_1' } });
    expect(added).toEqual({
      id: added.id,
      name: 'Backup',
      baseUrl: 'http://127.0.0.1:8793/v1',
      apiKeySecret: 'BACKUP_API_KEY',
      extraHeaders: { 'OpenAI-Project': 'proj_1' },
      kind: 'openai',
      enabled: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const { items } = await ok<{ items: AdminProvider[] }>(await call(admin.token, 'GET', '/admin/providers'));
    expect(items.map((p) => p.id)).toEqual(expect.arrayContaining(['openai', added.id]));

    const gateway = await ok<AdminProvider>(
      await call(admin.token, 'PATCH', `/admin/providers/${added.id}`, { kind: 'ai_gateway', baseUrl: 'https://gateway.ai.cloudflare.com/v1/acct/chat/openai', name: 'Gateway' }),
    );
    expect(gateway).toMatchObject({ kind: 'ai_gateway', baseUrl: 'https://gateway.ai.cloudflare.com/v1/acct/chat/openai', name: 'Gateway', apiKeySecret: 'BACKUP_API_KEY' });
    const disabled = await ok<AdminProvider>(await call(admin.token, 'PATCH', `/admin/providers/${added.id}`, { enabled: false }));
    expect(disabled.enabled).toBe(false);
    const row = await env.DB.prepare('SELECT enabled, kind FROM providers WHERE id = ?').bind(added.id).first();
    expect(row).toEqual({ enabled: 0, kind: 'ai_gateway' });
    // Back to the Worker's own OPENAI_BASE_URL.
    expect((await ok<AdminProvider>(await call(admin.token, 'PATCH', `/admin/providers/${added.id}`, { baseUrl: null, enabled: true }))).baseUrl).toBeNull();

    const actions = await actionsOn(added.id);
    expect(actions.map((a) => a.action)).toEqual(['provider.enable', 'provider.disable', 'provider.update', 'provider.create']);
    for (const a of actions) expect(a).toMatchObject({ actorId: admin.id, targetType: 'provider', targetId: added.id });
    expect(actions[3]).toMatchObject({ before: null, after: { id: added.id, apiKeySecret: 'BACKUP_API_KEY' } });
    expect(actions[2]).toMatchObject({
      before: { kind: 'openai', baseUrl: 'http://127.0.0.1:8793/v1', name: 'Backup' },
      after: { kind: 'ai_gateway', baseUrl: 'https://gateway.ai.cloudflare.com/v1/acct/chat/openai', name: 'Gateway' },
    });
    expect(actions[1]).toMatchObject({ before: { enabled: true }, after: { enabled: false } });
    expect(actions[0]).toMatchObject({ before: { enabled: false, baseUrl: 'https://gateway.ai.cloudflare.com/v1/acct/chat/openai' }, after: { enabled: true, baseUrl: null } });
  });

  it('refuses a key where the name of a secret goes, credential headers, bad URLs and kinds, each a 400 naming the field', async () => {
    const valid = { id: `p_${unique()}`, name: 'Bad', apiKeySecret: 'BAD_API_KEY' };
    const cases: [unknown, RegExp][] = [
      [{ ...valid, apiKeySecret: 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789' }, /^body\.apiKeySecret: .*never the key/],
      [{ ...valid, apiKeySecret: 'SKPROJABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789' }, /^body\.apiKeySecret: looks like a key/],
      [{ ...valid, apiKeySecret: 'lower_case' }, /^body\.apiKeySecret/],
      [{ ...valid, apiKeySecret: '' }, /^body\.apiKeySecret/],
      [{ ...valid, extraHeaders: { Authorization: 'Bearer sk-123' } }, /^body\.extraHeaders\.Authorization: .*carries a key/],
      [{ ...valid, extraHeaders: { 'x-api-key': 'abc' } }, /^body\.extraHeaders\.x-api-key/],
      [{ ...valid, extraHeaders: { 'cf-aig-authorization': 'Bearer abc' } }, /^body\.extraHeaders\.cf-aig-authorization/],
      [{ ...valid, extraHeaders: { Connection: 'close' } }, /^body\.extraHeaders\.Connection/],
      [{ ...valid, extraHeaders: { 'bad header': 'x' } }, /^body\.extraHeaders\.bad header: is not a header name/],
      [{ ...valid, extraHeaders: { 'X-Ok': 'two\r\nlines' } }, /^body\.extraHeaders\.X-Ok/],
      [{ ...valid, extraHeaders: ['X-Ok'] }, /^body\.extraHeaders/],
      [{ ...valid, baseUrl: 'ftp://example.com/v1' }, /^body\.baseUrl/],
      [{ ...valid, baseUrl: 'not a url' }, /^body\.baseUrl: must be an http\(s\) URL/],
      [{ ...valid, baseUrl: `https://example.com/${'v'.repeat(600)}` }, /^body\.baseUrl/],
      [{ ...valid, baseUrl: 'https://user:sk-secret@example.com/v1' }, /^body\.baseUrl: must not carry credentials/],
      [{ ...valid, baseUrl: 'https://example.com/v1?key=sk-1' }, /^body\.baseUrl/],
      [{ ...valid, kind: 'anthropic' }, /^body\.kind/],
      [{ ...valid, id: 'Has Caps' }, /^body\.id/],
      [{ ...valid, name: '' }, /^body\.name/],
      [{ ...valid, enabled: 'yes' }, /^body\.enabled/],
    ];
    for (const [body, message] of cases) {
      const err = await expectError(await call(admin.token, 'POST', '/admin/providers', body), 400, 'invalid_request');
      expect(err.error.message, JSON.stringify(body)).toMatch(message);
    }
    expect(await env.DB.prepare('SELECT count(*) AS n FROM providers WHERE id = ?').bind(valid.id).first()).toEqual({ n: 0 });

    const provider = await addProvider();
    await expectError(await call(admin.token, 'POST', '/admin/providers', { ...valid, id: provider.id }), 409, 'conflict');
    await expectError(await call(admin.token, 'PATCH', `/admin/providers/${provider.id}`, {}), 400, 'invalid_request', /must set at least one field/);
    await expectError(await call(admin.token, 'PATCH', `/admin/providers/${provider.id}`, { apiKeySecret: 'sk-live-123' }), 400, 'invalid_request', /^body\.apiKeySecret/);
    await expectError(await call(admin.token, 'PATCH', '/admin/providers/nosuchprovider', { name: 'x' }), 404, 'not_found');
    expect(await actionsOn(provider.id)).toHaveLength(1);
  });
});

describe('models', () => {
  it('adds a model with an ordered fallback list, edits its price (the next read has it) and disables it, each change audited', async () => {
    const provider = await addProvider();
    const backup = await addModel(provider.id, { fallbackForAllPlans: true });
    const model = await addModel(provider.id, { fallbacks: [backup.id, 'gpt-4o-mini'], priceCurrency: 'EUR' });
    expect(model).toEqual({
      id: model.id,
      providerId: provider.id,
      upstreamModel: 'gpt-4o-mini',
      contextWindow: 128_000,
      maxOutputTokens: 16_384,
      inputPriceMicros: 150_000,
      outputPriceMicros: 600_000,
      priceCurrency: 'EUR',
      fallbacks: [backup.id, 'gpt-4o-mini'],
      fallbackForAllPlans: false,
      enabled: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(backup).toMatchObject({ fallbacks: [], fallbackForAllPlans: true, priceCurrency: 'USD' });

    await ok(await call(admin.token, 'PATCH', `/admin/models/${model.id}`, { inputPriceMicros: 2_500_000, outputPriceMicros: 10_000_000 }));
    const { items } = await ok<{ items: AdminModel[] }>(await call(admin.token, 'GET', '/admin/models'));
    expect(items.find((m) => m.id === model.id)).toMatchObject({ inputPriceMicros: 2_500_000, outputPriceMicros: 10_000_000 });
    expect(items.find((m) => m.id === 'gpt-4o-mini')).toMatchObject({ providerId: 'openai', inputPriceMicros: 150_000, outputPriceMicros: 600_000, priceCurrency: 'USD' });
    expect(await env.DB.prepare('SELECT input_price_micros AS p FROM models WHERE id = ?').bind(model.id).first()).toEqual({ p: 2_500_000 });

    const reordered = await ok<AdminModel>(await call(admin.token, 'PATCH', `/admin/models/${model.id}`, { fallbacks: ['gpt-4o-mini', backup.id], enabled: false }));
    expect(reordered).toMatchObject({ fallbacks: ['gpt-4o-mini', backup.id], enabled: false });

    const actions = await actionsOn(model.id);
    expect(actions.map((a) => a.action)).toEqual(['model.disable', 'model.update', 'model.create']);
    expect(actions[1]).toMatchObject({ targetType: 'model', before: { inputPriceMicros: 150_000, outputPriceMicros: 600_000 }, after: { inputPriceMicros: 2_500_000, outputPriceMicros: 10_000_000 } });
    expect(actions[0]).toMatchObject({ before: { fallbacks: [backup.id, 'gpt-4o-mini'], enabled: true }, after: { fallbacks: ['gpt-4o-mini', backup.id], enabled: false } });
  });

  it('refuses fallbacks to itself, to unknown or repeated models, an unknown provider and limits that do not fit, naming the field', async () => {
    const provider = await addProvider();
    const model = await addModel(provider.id);
    const valid = { id: `m-${unique()}`, providerId: provider.id, upstreamModel: 'gpt-4o', contextWindow: 1000, maxOutputTokens: 100, inputPriceMicros: 1, outputPriceMicros: 2 };
    const cases: [unknown, RegExp][] = [
      [{ ...valid, fallbacks: [valid.id] }, /^body\.fallbacks: a model cannot fall back to itself/],
      [{ ...valid, fallbacks: ['gpt-4o-mini', 'no-such-model'] }, /^body\.fallbacks: not in the model registry: no-such-model/],
      [{ ...valid, fallbacks: ['gpt-4o', 'gpt-4o'] }, /^body\.fallbacks: must not repeat/],
      [{ ...valid, providerId: 'nosuchprovider' }, /^body\.providerId: there is no provider/],
      [{ ...valid, maxOutputTokens: 2000 }, /^body\.maxOutputTokens: must not exceed contextWindow/],
      [{ ...valid, contextWindow: 0 }, /^body\.contextWindow/],
      [{ ...valid, inputPriceMicros: -1 }, /^body\.inputPriceMicros/],
      [{ ...valid, outputPriceMicros: 0.5 }, /^body\.outputPriceMicros/],
      [{ ...valid, priceCurrency: 'usd' }, /^body\.priceCurrency/],
      [{ ...valid, id: 'has space' }, /^body\.id/],
      [{ ...valid, upstreamModel: '' }, /^body\.upstreamModel/],
    ];
    for (const [body, message] of cases) {
      const err = await expectError(await call(admin.token, 'POST', '/admin/models', body), 400, 'invalid_request');
      expect(err.error.message, JSON.stringify(body)).toMatch(message);
    }
    await expectError(await call(admin.token, 'POST', '/admin/models', { ...valid, id: model.id }), 409, 'conflict');
    await expectError(await call(admin.token, 'PATCH', `/admin/models/${model.id}`, { fallbacks: [model.id] }), 400, 'invalid_request', /^body\.fallbacks: a model cannot fall back to itself/);
    // The window is checked against the model as it would become, not only the fields sent.
    await expectError(await call(admin.token, 'PATCH', `/admin/models/${model.id}`, { contextWindow: 1000 }), 400, 'invalid_request', /^body\.maxOutputTokens/);
    await expectError(await call(admin.token, 'PATCH', `/admin/models/${model.id}`, { providerId: 'nosuchprovider' }), 400, 'invalid_request', /^body\.providerId/);
    await expectError(await call(admin.token, 'PATCH', '/admin/models/no-such-model', { enabled: false }), 404, 'not_found');
    expect(await actionsOn(model.id)).toHaveLength(1);
  });

  it('refuses a non-admin on every registry route', async () => {
    const user = await newUser(key);
    for (const [method, path, body] of [
      ['GET', '/admin/providers'],
      ['POST', '/admin/providers', { id: 'sneaky', name: 'x', apiKeySecret: 'X_KEY' }],
      ['PATCH', '/admin/providers/openai', { enabled: false }],
      ['GET', '/admin/models'],
      ['PATCH', '/admin/models/gpt-4o-mini', { inputPriceMicros: 0 }],
      ['GET', '/admin/margin'],
    ] as [string, string, unknown?][]) {
      await expectError(await call(user.token, method, path, body), 403, 'insufficient_scope');
    }
  });
});

describe('plans name registry models', () => {
  it('refuses a plan that names a model the registry does not hold', async () => {
    const base = { name: 'Reg', maxTokensPerRequest: 1, dailyTokenQuota: 1, monthlyTokenQuota: 1, concurrentStreams: 1, priceKrw: 0 };
    await expectError(await call(admin.token, 'POST', '/admin/plans', { id: `t_${unique()}`, ...base, models: ['gpt-4o-mini', 'gpt-9'] }), 400, 'invalid_request', /^body\.models: not in the model registry: gpt-9$/);
    const provider = await addProvider();
    const model = await addModel(provider.id);
    const plan = await ok<AdminPlan>(await call(admin.token, 'POST', '/admin/plans', { id: `t_${unique()}`, ...base, models: [model.id] }), 201);
    await expectError(await call(admin.token, 'PATCH', `/admin/plans/${plan.id}`, { models: ['nope'] }), 400, 'invalid_request', /^body\.models/);
    expect((await ok<AdminPlan>(await call(admin.token, 'PATCH', `/admin/plans/${plan.id}`, { models: [model.id, 'gpt-4o'] }))).models).toEqual([model.id, 'gpt-4o']);
  });
});

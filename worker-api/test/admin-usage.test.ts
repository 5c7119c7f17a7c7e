import { beforeAll, describe, expect, it, vi } from 'vitest';
import { call, insertUsage, newAdmin, newNamedUser, ok, unique } from './support/admin';
import { eventsOf, readSse } from './support/sse';
import { publishedKey, type TestKey } from './support/tokens';
import { newUser } from './support/users';
import { expectError, type ErrorBody } from './support/errors';

type Report = {
  from: string;
  to: string;
  byDay: { date: string; model: string; requests: number; errors: number; promptTokens: number; completionTokens: number; totalTokens: number }[];
  byModel: { model: string; requests: number; errors: number; totalTokens: number }[];
  topUsers: { userId: string; email: string | null; name: string | null; requests: number; totalTokens: number }[];
  errorsByCode: { code: string; count: number }[];
  totals: { requests: number; errors: number; totalTokens: number; errorRate: number };
  ttft: { p50: number | null; p95: number | null };
};
type Audited = { id: string; traceId: string; userId: string; status: string; totalTokens: number; userEmail: string | null; userName: string | null; createdAt: string };
type Page<T> = { items: T[]; nextCursor: string | null };

let key: TestKey;
let admin: { id: string; token: string };

beforeAll(async () => {
  key = await publishedKey();
  admin = await newAdmin(key);
});

describe('GET /admin/usage', () => {
  it('sums requests, errors and tokens by day and model, ranks users, counts error codes and takes TTFT percentiles', async () => {
    // Days nobody else writes to, so the numbers are exactly these rows.
    const tag = unique();
    const heavy = await newNamedUser(key, `heavy.${tag}@example.com`, 'Heavy');
    const light = await newNamedUser(key, `light.${tag}@example.com`, 'Light');
    const day1 = Date.parse('2021-02-01T10:00:00Z');
    const day2 = Date.parse('2021-02-02T23:59:59.999Z');
    await insertUsage({ userId: light.id, createdAt: day1, promptTokens: 10, completionTokens: 20, ttftMs: 100 });
    await insertUsage({ userId: light.id, createdAt: day1 + 1, promptTokens: 5, status: 'error', errorCode: 'upstream_error' });
    await insertUsage({ userId: heavy.id, createdAt: day1 + 2, model: 'gpt-4o', promptTokens: 100, completionTokens: 200, ttftMs: 300 });
    await insertUsage({ userId: heavy.id, createdAt: day2 - 2, model: 'gpt-4o', promptTokens: 10, completionTokens: 10, status: 'aborted', ttftMs: 200 });
    await insertUsage({ userId: light.id, createdAt: day2 - 1, status: 'rejected', errorCode: 'quota_exceeded' });
    await insertUsage({ userId: heavy.id, createdAt: day2, model: 'gpt-4o', promptTokens: 50, completionTokens: 50, ttftMs: 400 });
    // Just outside the range on either side.
    await insertUsage({ userId: light.id, createdAt: Date.parse('2021-01-31T23:59:59.999Z'), promptTokens: 1000, ttftMs: 1 });
    await insertUsage({ userId: light.id, createdAt: Date.parse('2021-02-03T00:00:00Z'), promptTokens: 1000, ttftMs: 9999 });

    const report = await ok<Report>(await call(admin.token, 'GET', '/admin/usage?from=2021-02-01&to=2021-02-02'));
    expect(report.from).toBe('2021-02-01');
    expect(report.to).toBe('2021-02-02');
    expect(report.byDay).toEqual([
      { date: '2021-02-01', model: 'gpt-4o', requests: 1, errors: 0, promptTokens: 100, completionTokens: 200, totalTokens: 300 },
      { date: '2021-02-01', model: 'gpt-4o-mini', requests: 2, errors: 1, promptTokens: 15, completionTokens: 20, totalTokens: 35 },
      { date: '2021-02-02', model: 'gpt-4o', requests: 2, errors: 0, promptTokens: 60, completionTokens: 60, totalTokens: 120 },
      { date: '2021-02-02', model: 'gpt-4o-mini', requests: 1, errors: 1, promptTokens: 0, completionTokens: 0, totalTokens: 0 },
    ]);
    expect(report.byModel).toEqual([
      { model: 'gpt-4o', requests: 3, errors: 0, totalTokens: 420 },
      { model: 'gpt-4o-mini', requests: 3, errors: 2, totalTokens: 35 },
    ]);
    expect(report.topUsers).toEqual([
      { userId: heavy.id, email: `heavy.${tag}@example.com`, name: 'Heavy', requests: 3, totalTokens: 420 },
      { userId: light.id, email: `light.${tag}@example.com`, name: 'Light', requests: 3, totalTokens: 35 },
    ]);
    expect(report.errorsByCode).toEqual([
      { code: 'quota_exceeded', count: 1 },
      { code: 'upstream_error', count: 1 },
    ]);
    expect(report.totals).toEqual({ requests: 6, errors: 2, totalTokens: 455, errorRate: 2 / 6 });
    // TTFTs 100, 200, 300, 400: nearest rank puts p50 at the 2nd and p95 at the 4th.
    expect(report.ttft).toEqual({ p50: 200, p95: 400 });

    const one = await ok<Report>(await call(admin.token, 'GET', '/admin/usage?from=2021-02-02&to=2021-02-02'));
    expect(one.totals).toEqual({ requests: 3, errors: 1, totalTokens: 120, errorRate: 1 / 3 });
    expect(one.ttft).toEqual({ p50: 200, p95: 400 });
  });

  it('sums cost per currency by day, model, provider and user; answers that cost nothing are left out', async () => {
    const tag = unique();
    const big = await newNamedUser(key, `big.${tag}@example.com`, 'Big');
    const small = await newNamedUser(key, `small.${tag}@example.com`, 'Small');
    const day1 = Date.parse('2021-04-01T08:00:00Z');
    const day2 = Date.parse('2021-04-02T08:00:00Z');
    await insertUsage({ userId: big.id, createdAt: day1, model: 'gpt-4o', providerId: 'openai', promptTokens: 1000, completionTokens: 1000, costMicros: 12_500, costCurrency: 'USD' });
    await insertUsage({ userId: big.id, createdAt: day2, model: 'gpt-4o', providerId: 'backup', promptTokens: 10, completionTokens: 10, costMicros: 125, costCurrency: 'USD' });
    await insertUsage({ userId: small.id, createdAt: day1, model: 'gpt-4o-mini', providerId: 'openai', promptTokens: 100, completionTokens: 100, costMicros: 75, costCurrency: 'USD' });
    await insertUsage({ userId: small.id, createdAt: day2, model: 'local', providerId: 'seoul', promptTokens: 100, completionTokens: 100, costMicros: 30_000, costCurrency: 'KRW' });
    // Refused before any upstream call: no cost, no currency.
    await insertUsage({ userId: small.id, createdAt: day2, status: 'rejected', errorCode: 'quota_exceeded' });

    const report = await ok<Report & { cost: unknown }>(await call(admin.token, 'GET', '/admin/usage?from=2021-04-01&to=2021-04-02'));
    expect(report.cost).toEqual({
      totals: [
        { currency: 'KRW', costMicros: 30_000 },
        { currency: 'USD', costMicros: 12_700 },
      ],
      byDay: [
        { date: '2021-04-01', currency: 'USD', costMicros: 12_575 },
        { date: '2021-04-02', currency: 'KRW', costMicros: 30_000 },
        { date: '2021-04-02', currency: 'USD', costMicros: 125 },
      ],
      byModel: [
        { model: 'local', currency: 'KRW', costMicros: 30_000, requests: 1 },
        { model: 'gpt-4o', currency: 'USD', costMicros: 12_625, requests: 2 },
        { model: 'gpt-4o-mini', currency: 'USD', costMicros: 75, requests: 1 },
      ],
      byProvider: [
        { providerId: 'seoul', currency: 'KRW', costMicros: 30_000, requests: 1 },
        { providerId: 'openai', currency: 'USD', costMicros: 12_575, requests: 2 },
        { providerId: 'backup', currency: 'USD', costMicros: 125, requests: 1 },
      ],
      topUsers: [
        { userId: small.id, email: `small.${tag}@example.com`, name: 'Small', currency: 'KRW', costMicros: 30_000, requests: 1 },
        { userId: big.id, email: `big.${tag}@example.com`, name: 'Big', currency: 'USD', costMicros: 12_625, requests: 2 },
        { userId: small.id, email: `small.${tag}@example.com`, name: 'Small', currency: 'USD', costMicros: 75, requests: 1 },
      ],
    });
    const one = await ok<Report & { cost: { totals: unknown } }>(await call(admin.token, 'GET', `/admin/usage?from=2021-04-01&to=2021-04-02&userId=${big.id}`));
    expect(one.cost.totals).toEqual([{ currency: 'USD', costMicros: 12_625 }]);

    // The user's own usage stays tokens and requests only.
    const own = await ok<{ days: Record<string, unknown>[] }>(await call(small.token, 'GET', '/usage?from=2021-04-01&to=2021-04-02'));
    expect(JSON.stringify(own)).not.toMatch(/cost|micros|currency/i);
  });

  it("narrows the report to one user's requests for the user detail chart", async () => {
    const tag = unique();
    const one = await newNamedUser(key, `one.${tag}@example.com`, 'One');
    const other = await newNamedUser(key, `other.${tag}@example.com`, 'Other');
    const day = Date.parse('2021-03-05T12:00:00Z');
    await insertUsage({ userId: one.id, createdAt: day, promptTokens: 7, completionTokens: 3, ttftMs: 50 });
    await insertUsage({ userId: other.id, createdAt: day, promptTokens: 900, completionTokens: 100, ttftMs: 900 });

    const report = await ok<Report>(await call(admin.token, 'GET', `/admin/usage?from=2021-03-05&to=2021-03-05&userId=${one.id}`));
    expect(report.byDay).toEqual([{ date: '2021-03-05', model: 'gpt-4o-mini', requests: 1, errors: 0, promptTokens: 7, completionTokens: 3, totalTokens: 10 }]);
    expect(report.topUsers.map((u) => u.userId)).toEqual([one.id]);
    expect(report.totals).toMatchObject({ requests: 1, totalTokens: 10 });
    expect(report.ttft).toEqual({ p50: 50, p95: 50 });
    await expectError(await call(admin.token, 'GET', '/admin/usage?userId=nobody'), 400, 'invalid_request', /userId/);
  });

  it('reports an empty range as zeros and null percentiles, and defaults to the last 30 days', async () => {
    const empty = await ok<Report>(await call(admin.token, 'GET', '/admin/usage?from=2019-05-01&to=2019-05-31'));
    expect(empty).toEqual({
      from: '2019-05-01',
      to: '2019-05-31',
      byDay: [],
      byModel: [],
      topUsers: [],
      errorsByCode: [],
      totals: { requests: 0, errors: 0, totalTokens: 0, errorRate: 0 },
      ttft: { p50: null, p95: null },
      cost: { totals: [], byDay: [], byModel: [], byProvider: [], topUsers: [] },
    });
    const today = new Date().toISOString().slice(0, 10);
    const fallback = await ok<Report>(await call(admin.token, 'GET', '/admin/usage'));
    expect(fallback.to).toBe(today);
    expect(fallback.from).toBe(new Date(Date.parse(`${today}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10));
  });

  it('refuses bad dates and ranges with a 400 naming the field', async () => {
    await expectError(await call(admin.token, 'GET', '/admin/usage?from=2021-02-30'), 400, 'invalid_request', /^query\.from/);
    await expectError(await call(admin.token, 'GET', '/admin/usage?to=yesterday'), 400, 'invalid_request', /^query\.to/);
    await expectError(await call(admin.token, 'GET', '/admin/usage?from=2021-03-02&to=2021-03-01'), 400, 'invalid_request', /^query\.from/);
    await expectError(await call(admin.token, 'GET', '/admin/usage?from=2020-01-01&to=2021-01-01'), 400, 'invalid_request', /^query\.from.*366/);
    expect((await call(admin.token, 'GET', '/admin/usage?from=2020-01-01&to=2020-12-31')).status).toBe(200);
  });
});

describe('request audit', () => {
  it('finds a real request by the trace id the user quotes', async () => {
    const tag = unique();
    const user = await newNamedUser(key, `audit.${tag}@example.com`, 'Audit Me');
    const traceId = `trace-audit-${tag}`;
    const res = await call(user.token, 'POST', '/ai/stream', { content: 'Trace me' }, { 'X-Trace-Id': traceId });
    expect(res.status).toBe(200);
    expect(eventsOf(await readSse(res)).at(-1)?.event).toBe('done');

    const found = await ok<{ items: Audited[] }>(await call(admin.token, 'GET', `/admin/audit/requests/${traceId}`));
    expect(found.items).toEqual([
      expect.objectContaining({ traceId, userId: user.id, status: 'ok', userEmail: `audit.${tag}@example.com`, userName: 'Audit Me', estimated: false, ttftMs: expect.any(Number) }),
    ]);
    const missing = await call(admin.token, 'GET', `/admin/audit/requests/trace-none-${tag}`);
    expect(missing.status).toBe(404);
    expect((await missing.json<ErrorBody>()).error.code).toBe('not_found');
    await expectError(await call(admin.token, 'GET', '/admin/audit/requests/short'), 400, 'invalid_request', /^param\.traceId/);
  });

  it("files a request that quotes another user's trace id under a fresh one, keeping the quoted id beside it", async () => {
    const tag = unique();
    const victim = await newNamedUser(key, `victim.${tag}@example.com`, 'Victim');
    const copier = await newNamedUser(key, `copier.${tag}@example.com`, 'Copier');
    const traceId = `trace-copied-${tag}`;
    const first = await call(victim.token, 'POST', '/ai/stream', { content: 'Mine' }, { 'X-Trace-Id': traceId });
    expect(eventsOf(await readSse(first)).at(-1)?.event).toBe('done');
    const copied = await call(copier.token, 'POST', '/ai/stream', { content: 'Not yours' }, { 'X-Trace-Id': traceId });
    // The caller still gets its own id back (CONTRACT section 5): it is their label.
    expect(copied.headers.get('X-Trace-Id')).toBe(traceId);
    expect(eventsOf(await readSse(copied)).at(-1)?.event).toBe('done');

    const found = await ok<{ items: (Audited & { clientTraceId: string | null })[] }>(await call(admin.token, 'GET', `/admin/audit/requests/${traceId}`));
    expect(found.items).toEqual([expect.objectContaining({ traceId, clientTraceId: traceId, userId: victim.id })]);
    const theirs = await ok<Page<Audited & { clientTraceId: string | null }>>(await call(admin.token, 'GET', `/admin/audit/requests?userId=${copier.id}`));
    expect(theirs.items).toEqual([expect.objectContaining({ clientTraceId: traceId, userId: copier.id })]);
    const own = theirs.items[0]!.traceId;
    expect(own).toMatch(/^[0-9a-f]{32}$/);
    const byOwn = await ok<{ items: Audited[] }>(await call(admin.token, 'GET', `/admin/audit/requests/${own}`));
    expect(byOwn.items.map((i) => i.userId)).toEqual([copier.id]);
  });

  it("logs a request filed under a fresh trace id with that id, the one the audit trail finds", async () => {
    const tag = unique();
    const victim = await newNamedUser(key, `victim2.${tag}@example.com`, 'Victim');
    const copier = await newNamedUser(key, `copier2.${tag}@example.com`, 'Copier');
    const traceId = `trace-logged-${tag}`;
    expect(eventsOf(await readSse(await call(victim.token, 'POST', '/ai/stream', { content: 'Mine' }, { 'X-Trace-Id': traceId }))).at(-1)?.event).toBe('done');
    const lines: Record<string, unknown>[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(JSON.parse(String(line)) as Record<string, unknown>));
    try {
      expect(eventsOf(await readSse(await call(copier.token, 'POST', '/ai/stream', { content: 'Not yours' }, { 'X-Trace-Id': traceId }))).at(-1)?.event).toBe('done');
      await vi.waitFor(() => expect(lines.some((l) => l.event === 'ai_request' && l.userId === copier.id)).toBe(true));
    } finally {
      spy.mockRestore();
    }
    const theirs = await ok<Page<Audited>>(await call(admin.token, 'GET', `/admin/audit/requests?userId=${copier.id}`));
    const logged = lines.find((l) => l.event === 'ai_request' && l.userId === copier.id);
    expect(logged).toMatchObject({ traceId: theirs.items[0]!.traceId, clientTraceId: traceId });
    expect(logged?.traceId).not.toBe(traceId);
  });

  it('lists requests newest first by user and time, in pages', async () => {
    const user = await newUser(key);
    const base = Date.parse('2022-06-01T00:00:00Z');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await insertUsage({ userId: user.id, createdAt: base + i * 60_000, promptTokens: i }));
    const other = await newUser(key);
    await insertUsage({ userId: other.id, createdAt: base + 30_000 });

    const seen: Audited[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 5; pages++) {
      const qs: string = `userId=${user.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: Page<Audited> = await ok(await call(admin.token, 'GET', `/admin/audit/requests?${qs}`));
      seen.push(...page.items);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(seen.map((r) => r.id)).toEqual([...ids].reverse());
    expect(seen[0]).toMatchObject({ userId: user.id, userEmail: null, userName: null });

    const window = await ok<Page<Audited>>(
      await call(admin.token, 'GET', `/admin/audit/requests?userId=${user.id}&from=${new Date(base + 60_000).toISOString()}&to=${encodeURIComponent('2022-06-01T09:03:00+09:00')}`),
    );
    expect(window.items.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    expect(window.nextCursor).toBeNull();

    const everyone = await ok<Page<Audited>>(await call(admin.token, 'GET', `/admin/audit/requests?from=${new Date(base).toISOString()}&to=${new Date(base + 60_000).toISOString()}`));
    expect(everyone.items.map((r) => r.userId).sort()).toEqual([user.id, other.id].sort());

    await expectError(await call(admin.token, 'GET', '/admin/audit/requests?from=2022-06-01'), 400, 'invalid_request', /^query\.from/);
    await expectError(await call(admin.token, 'GET', '/admin/audit/requests?userId=bob'), 400, 'invalid_request', /^query\.userId/);
    await expectError(await call(admin.token, 'GET', '/admin/audit/requests?cursor=%%%'), 400, 'invalid_request', /^query\.cursor/);
    await expectError(await call(admin.token, 'GET', '/admin/audit/requests?limit=101'), 400, 'invalid_request', /^query\.limit/);
    await expectError(
      await call(admin.token, 'GET', `/admin/audit/requests?from=${new Date(base + 1).toISOString()}&to=${new Date(base).toISOString()}`),
      400,
      'invalid_request',
      /^query\.from/,
    );
  });
});

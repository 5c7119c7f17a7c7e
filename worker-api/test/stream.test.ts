import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { eventsOf, readSse } from './support/sse';
import { authed, publishedKey, type TestKey } from './support/tokens';
import { createPlan, eventually, newUser } from './support/users';
import { type ErrorBody } from './support/errors';

type FakeRequest = { model: string; max_tokens: number | null; aborted: boolean; tokensSent: number; outcome: string };
type FakeStats = { requests: number; streamsAborted: number; lastRequests: FakeRequest[] };

const fakeOrigin = new URL(inject('openaiBaseUrl')).origin;
let key: TestKey;

beforeAll(async () => {
  key = await publishedKey();
});

async function fakeStats(): Promise<FakeStats> {
  return (await fetch(`${fakeOrigin}/__fake/stats`)).json<FakeStats>();
}

function post(token: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return SELF.fetch('https://api.test/ai/stream', authed(token, { method: 'POST', body: JSON.stringify(body), ...init }));
}

async function usageRows(userId: string) {
  const { results } = await env.DB.prepare('SELECT * FROM usage_events WHERE user_id = ? ORDER BY created_at').bind(userId).all<Record<string, unknown>>();
  return results;
}

/** Usage the user already spent today, as one answered request. */
async function seedUsage(userId: string, id: string, tokens: number): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO usage_events (id, user_id, trace_id, model, prompt_tokens, completion_tokens, total_tokens, estimated, status, duration_ms, created_at)
     VALUES (?, ?, 't', 'gpt-4o-mini', 0, ?, ?, 0, 'ok', 1, ?)`,
  )
    .bind(id, userId, tokens, tokens, Date.now())
    .run();
}

async function reservationsHeld(userId: string): Promise<number> {
  const row = await env.DB.prepare('SELECT count(*) AS n FROM reservations WHERE user_id = ?').bind(userId).first<{ n: number }>();
  return row?.n ?? 0;
}

describe('the event stream', () => {
  it('streams meta, deltas, usage and done in order, then stores the answer and settles once', async () => {
    const user = await newUser(key);
    const res = await post(user.token, { content: 'Hello there, explain streams' }, { headers: { 'X-Trace-Id': 'trace-stream-order-1' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('Cache-Control')).toBe('no-cache, no-transform');
    expect(res.headers.get('X-Accel-Buffering')).toBe('no');
    expect(res.headers.get('X-Trace-Id')).toBe('trace-stream-order-1');

    const events = eventsOf(await readSse(res));
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('meta');
    expect(names.slice(-2)).toEqual(['usage', 'done']);
    expect(names.slice(1, -2).every((n) => n === 'delta')).toBe(true);
    expect(names.length).toBe(8 + 3);

    const meta = events[0]?.data as { generationId: string; conversationId: string; messageId: string; model: string; traceId: string };
    expect(meta).toEqual({
      generationId: expect.stringMatching(/^gen_/),
      conversationId: expect.stringMatching(/^conv_/),
      messageId: expect.stringMatching(/^msg_/),
      model: 'gpt-4o-mini',
      traceId: 'trace-stream-order-1',
    });
    const text = events.filter((e) => e.event === 'delta').map((e) => (e.data as { content: string }).content).join('');
    expect(text.length).toBeGreaterThan(0);
    const usage = events.at(-2)?.data as { promptTokens: number; completionTokens: number; totalTokens: number };
    expect(usage.completionTokens).toBe(8);
    expect(usage.totalTokens).toBe(usage.promptTokens + usage.completionTokens);
    expect(events.at(-1)?.data).toEqual({ finishReason: 'stop', model: 'gpt-4o-mini', fallback: false });

    const conv = await (await SELF.fetch(`https://api.test/conversations/${meta.conversationId}`, authed(user.token))).json<{
      messages: { id: string; role: string; content: string; finishReason: string | null }[];
    }>();
    expect(conv.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(conv.messages[1]).toMatchObject({ id: meta.messageId, content: text, finishReason: 'stop' });

    const rows = await usageRows(user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      trace_id: 'trace-stream-order-1',
      conversation_id: meta.conversationId,
      message_id: meta.messageId,
      model: 'gpt-4o-mini',
      prompt_tokens: usage.promptTokens,
      completion_tokens: 8,
      total_tokens: usage.totalTokens,
      estimated: 0,
      status: 'ok',
    });
    expect(rows[0]?.ttft_ms).toEqual(expect.any(Number));
    expect(await reservationsHeld(user.id)).toBe(0);
  });

  it('answers the last unanswered message over GET (EventSource), refuses when there is none, and regenerates', async () => {
    const user = await newUser(key);
    const conv = await (await SELF.fetch('https://api.test/conversations', authed(user.token, { method: 'POST', body: '{}' }))).json<{ id: string }>();
    await SELF.fetch(`https://api.test/conversations/${conv.id}/messages`, authed(user.token, { method: 'POST', body: JSON.stringify({ content: 'first question' }) }));

    const first = await SELF.fetch(`https://api.test/ai/stream?convId=${conv.id}`, authed(user.token));
    expect(first.status).toBe(200);
    expect(eventsOf(await readSse(first)).at(-1)?.event).toBe('done');

    const again = await SELF.fetch(`https://api.test/ai/stream?convId=${conv.id}`, authed(user.token));
    expect(again.status).toBe(409);
    expect((await again.json<ErrorBody>()).error.code).toBe('nothing_to_answer');

    const regen = await SELF.fetch(`https://api.test/ai/stream?convId=${conv.id}&regenerate=1`, authed(user.token));
    expect(regen.status).toBe(200);
    expect(eventsOf(await readSse(regen)).at(-1)?.event).toBe('done');
    expect(await usageRows(user.id)).toHaveLength(2);
  });

  it('sends : ping while the model is slow to start', async () => {
    const user = await newUser(key);
    const res = await post(user.token, { content: 'slow please [[fake ttft=1300 tokens=2]]' });
    const items = await readSse(res);
    const firstDelta = items.findIndex((i) => i.kind === 'event' && i.event === 'delta');
    const pingsBefore = items.slice(0, firstDelta).filter((i) => i.kind === 'ping').length;
    expect(pingsBefore).toBeGreaterThanOrEqual(2);
    expect(items.at(-1)).toMatchObject({ kind: 'event', event: 'done' });
  });

  it('keeps answering when the client goes away: the answer completes, is stored whole and settles once', async () => {
    const user = await newUser(key);
    // An answer budget no other test asks for picks this request out of the fake's records.
    const res = await post(user.token, { content: 'long answer [[fake gap=40 tokens=20]]', maxTokens: 611 });
    const items = await readSse(res, (seen) => seen.filter((i) => i.kind === 'event' && i.event === 'delta').length >= 2);
    const meta = eventsOf(items)[0]?.data as { messageId: string };

    const row = await eventually(async () => (await usageRows(user.id))[0]);
    expect(row).toMatchObject({ status: 'ok', estimated: 0, message_id: meta.messageId, completion_tokens: 20 });
    const message = await env.DB.prepare('SELECT content, finish_reason FROM messages WHERE id = ?').bind(meta.messageId).first<{ content: string; finish_reason: string }>();
    expect(message?.finish_reason).toBe('stop');
    expect(message?.content.split(' ').length).toBeGreaterThanOrEqual(20);
    expect((await fakeStats()).lastRequests.find((r) => r.max_tokens === 611)).toMatchObject({ aborted: false, outcome: 'completed' });
    expect(await reservationsHeld(user.id)).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(await usageRows(user.id)).toHaveLength(1);
  });

  it('turns an upstream failure mid-stream into event: error, and settles once', async () => {
    const user = await newUser(key);
    const res = await post(user.token, { content: 'break [[fake fail_after=3 tokens=10]]' });
    expect(res.status).toBe(200);
    const events = eventsOf(await readSse(res));
    expect(events.at(-1)).toEqual({ event: 'error', data: { code: 'upstream_error', message: expect.any(String) } });
    expect(events.filter((e) => e.event === 'delta')).toHaveLength(3);
    expect(events.some((e) => e.event === 'done' || e.event === 'usage')).toBe(false);
    const rows = await usageRows(user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'error', error_code: 'upstream_error', estimated: 1 });
    const meta = events[0]?.data as { messageId: string };
    const message = await env.DB.prepare('SELECT finish_reason FROM messages WHERE id = ?').bind(meta.messageId).first<{ finish_reason: string }>();
    expect(message?.finish_reason).toBe('error');
    expect(await reservationsHeld(user.id)).toBe(0);
  });

  it.each([
    ['a dropped connection', 'fail_after=2 fail_mode=drop tokens=10'],
    ['malformed SSE', 'garbage=1'],
  ])('turns %s mid-stream into event: error and releases the reservation', async (_, knobs) => {
    const user = await newUser(key);
    const res = await post(user.token, { content: `odd upstream [[fake ${knobs}]]` });
    expect(res.status).toBe(200);
    const events = eventsOf(await readSse(res));
    expect(events[0]?.event).toBe('meta');
    expect(events.at(-1)).toEqual({ event: 'error', data: { code: 'upstream_error', message: expect.any(String) } });
    const rows = await usageRows(user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'error' });
    expect(await reservationsHeld(user.id)).toBe(0);
  });

  it('ends with event: error upstream_timeout when the upstream never answers, and frees the slot', async () => {
    const user = await newUser(key);
    const res = await post(user.token, { content: 'hello? [[fake hang=1]]' });
    expect(res.status).toBe(200);
    const events = eventsOf(await readSse(res));
    expect(events.map((e) => e.event)).toEqual(['meta', 'error']);
    expect(events.at(-1)?.data).toEqual({ code: 'upstream_timeout', message: expect.any(String) });
    expect(await reservationsHeld(user.id)).toBe(0);
    expect(await usageRows(user.id)).toEqual([expect.objectContaining({ status: 'error', error_code: 'upstream_timeout' })]);
  });

  it('ends a stream whose upstream goes silent with event: error upstream_timeout, and frees the slot', async () => {
    const user = await newUser(key);
    const res = await post(user.token, { content: 'stall [[fake ttft=10 gap=600000 tokens=5]]' });
    expect(res.status).toBe(200);
    const events = eventsOf(await readSse(res));
    expect(events.filter((e) => e.event === 'delta')).toHaveLength(1);
    expect(events.at(-1)).toEqual({ event: 'error', data: { code: 'upstream_timeout', message: expect.any(String) } });
    expect(await reservationsHeld(user.id)).toBe(0);
    const next = await post(user.token, { content: 'fine now' });
    expect(next.status).toBe(200);
    await readSse(next);
  });

  it.each([
    [429, 'upstream_rate_limited'],
    [401, 'upstream_error'],
    [500, 'upstream_error'],
  ])('turns upstream %i before the first byte into a 200 stream ending in event: error %s, and frees the slot', async (upstream, code) => {
    const user = await newUser(key);
    const res = await post(user.token, { content: `fail now [[fake status=${upstream}]]` });
    expect(res.status).toBe(200);
    const events = eventsOf(await readSse(res));
    expect(events.map((e) => e.event)).toEqual(['meta', 'error']);
    expect(events.at(-1)?.data).toEqual({ code, message: expect.any(String) });
    expect(await reservationsHeld(user.id)).toBe(0);
    expect(await usageRows(user.id)).toEqual([expect.objectContaining({ status: 'error', error_code: code })]);
    const retry = await post(user.token, { content: 'fine now' });
    expect(retry.status).toBe(200);
    await readSse(retry);
  });
});

describe('policy before any upstream call', () => {
  it('refuses a model outside the plan with 403 model_not_allowed, storing nothing', async () => {
    const user = await newUser(key);
    const before = (await fakeStats()).requests;
    const res = await post(user.token, { content: 'hi', model: 'gpt-4.1' });
    expect(res.status).toBe(403);
    expect((await res.json<ErrorBody>()).error.code).toBe('model_not_allowed');
    expect((await fakeStats()).requests).toBe(before);
    const convs = await env.DB.prepare('SELECT count(*) AS n FROM conversations WHERE user_id = ?').bind(user.id).first<{ n: number }>();
    expect(convs?.n).toBe(0);
  });

  it('refuses an exhausted quota with 429 quota_exceeded and Retry-After until the window resets', async () => {
    const user = await newUser(key);
    await seedUsage(user.id, 'req_seed_quota', 20_000);
    const before = (await fakeStats()).requests;
    const res = await post(user.token, { content: 'one more?' });
    expect(res.status).toBe(429);
    expect((await res.json<ErrorBody>()).error.code).toBe('quota_exceeded');
    const retryAfter = Number(res.headers.get('Retry-After'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect((await fakeStats()).requests).toBe(before);
    const refused = (await usageRows(user.id)).filter((r) => r.status === 'rejected');
    expect(refused).toEqual([expect.objectContaining({ error_code: 'quota_exceeded', total_tokens: 0 })]);
  });

  it('refuses a message too long for what is left with 429 prompt_too_large, not quota_exceeded', async () => {
    const user = await newUser(key);
    await seedUsage(user.id, 'req_seed_prompt', 2_421);
    const before = (await fakeStats()).requests;
    // About 30,000 tokens of Hangul (one each) against the 17,579 left of 20,000.
    const res = await post(user.token, { content: '가'.repeat(30_000) });
    expect(res.status).toBe(429);
    const { error } = await res.json<ErrorBody>();
    expect(error.code).toBe('prompt_too_large');
    expect(error.message).toContain('17579 left today');
    expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect((await fakeStats()).requests).toBe(before);
    const refused = (await usageRows(user.id)).filter((r) => r.status === 'rejected');
    expect(refused).toEqual([expect.objectContaining({ error_code: 'prompt_too_large', total_tokens: 0 })]);
    // A short message still fits, and is answered.
    const short = await post(user.token, { content: 'short one [[fake tokens=2]]' });
    expect(short.status).toBe(200);
    await readSse(short);
  });

  it('refuses a second concurrent stream on a one-stream plan with 429 too_many_streams', async () => {
    const user = await newUser(key);
    const slow = await post(user.token, { content: 'slow [[fake ttft=800 tokens=2]]' });
    expect(slow.status).toBe(200);
    const second = await post(user.token, { content: 'me too' });
    expect(second.status).toBe(429);
    expect((await second.json<ErrorBody>()).error.code).toBe('too_many_streams');
    expect(second.headers.get('Retry-After')).toBeTruthy();
    await readSse(slow);
  });

  it("clamps max_tokens to the plan's maximum", async () => {
    const user = await newUser(key);
    const res = await post(user.token, { content: 'clamp me', maxTokens: 5000 });
    await readSse(res);
    const last = (await fakeStats()).lastRequests.at(-1);
    expect(last?.max_tokens).toBe(1024);
    const small = await post(user.token, { content: 'small', maxTokens: 50 });
    await readSse(small);
    expect((await fakeStats()).lastRequests.at(-1)?.max_tokens).toBe(50);
  });

  it('never lets concurrent requests overshoot a quota by more than one reservation', async () => {
    await createPlan('race', { daily: 3000, monthly: 1_000_000, maxTokens: 200, streams: 100 });
    const user = await newUser(key, 'race');
    const results = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const res = await post(user.token, { content: `race ${i} [[fake tokens=150 gap=1]]` });
        if (res.status !== 200) return { status: res.status, total: 0 };
        const usage = eventsOf(await readSse(res)).find((e) => e.event === 'usage')?.data as { totalTokens: number } | undefined;
        return { status: 200, total: usage?.totalTokens ?? 0 };
      }),
    );
    const ok = results.filter((r) => r.status === 200);
    expect(ok.length).toBeGreaterThan(0);
    expect(results.every((r) => r.status === 200 || r.status === 429)).toBe(true);
    const rows = await usageRows(user.id);
    const ledger = rows.reduce((sum, r) => sum + (r.total_tokens as number), 0);
    expect(ledger).toBe(ok.reduce((sum, r) => sum + r.total, 0));
    const oneReservation = 200 + 60;
    expect(ledger).toBeLessThanOrEqual(3000 + oneReservation);
    expect(await reservationsHeld(user.id)).toBe(0);
  });
});

describe('ownership and validation', () => {
  it("is a 404 on someone else's conversation", async () => {
    const owner = await newUser(key);
    const other = await newUser(key);
    const conv = await (await SELF.fetch('https://api.test/conversations', authed(owner.token, { method: 'POST', body: '{}' }))).json<{ id: string }>();
    expect((await post(other.token, { convId: conv.id, content: 'mine now' })).status).toBe(404);
    expect((await SELF.fetch(`https://api.test/ai/stream?convId=${conv.id}`, authed(other.token))).status).toBe(404);
  });

  it('names the bad field', async () => {
    const user = await newUser(key);
    const empty = await post(user.token, { content: '   ' });
    expect(empty.status).toBe(400);
    expect((await empty.json<ErrorBody>()).error.message).toMatch(/^body\.content/);
    expect((await post(user.token, { content: 'x'.repeat(32_001) })).status).toBe(400);
    expect((await post(user.token, { content: 'ok', maxTokens: 0 })).status).toBe(400);
    expect((await SELF.fetch('https://api.test/ai/stream', authed(user.token))).status).toBe(400);
  });

  it('needs chat:write', async () => {
    const user = await newUser(key);
    const { sign } = await import('./support/tokens');
    const token = await sign(key, { sub: user.id, scopes: ['conversations:read'] });
    expect((await post(token, { content: 'hi' })).status).toBe(403);
  });
});

describe('/models, /me quota and /usage', () => {
  it('lists the models of the plan', async () => {
    const user = await newUser(key, 'pro');
    const res = await SELF.fetch('https://api.test/models', authed(user.token));
    expect(await res.json()).toEqual({
      plan: 'pro',
      defaultModel: 'gpt-4o-mini',
      maxTokensPerRequest: 4096,
      models: [{ id: 'gpt-4o-mini' }, { id: 'gpt-4.1-mini' }, { id: 'gpt-4o' }],
    });
  });

  it('shows quota windows on /me and per-day usage on /usage', async () => {
    const user = await newUser(key);
    await readSse(await post(user.token, { content: 'count me' }));
    const me = await (await SELF.fetch('https://api.test/me', authed(user.token))).json<{
      plan: { id: string };
      quota: Record<'daily' | 'monthly', { limit: number; used: number; remaining: number; resetAt: string }>;
    }>();
    expect(me.plan.id).toBe('free');
    const used = me.quota.daily.used;
    expect(used).toBeGreaterThan(0);
    expect(me.quota.daily).toMatchObject({ limit: 20000, remaining: 20000 - used });
    expect(me.quota.monthly).toMatchObject({ limit: 200000, used });
    const tomorrow = new Date();
    tomorrow.setUTCHours(24, 0, 0, 0);
    expect(me.quota.daily.resetAt).toBe(tomorrow.toISOString());

    const today = new Date().toISOString().slice(0, 10);
    const usage = await (await SELF.fetch(`https://api.test/usage?from=${today}&to=${today}`, authed(user.token))).json<{
      days: { date: string; requests: number; totalTokens: number }[];
    }>();
    expect(usage.days).toEqual([expect.objectContaining({ date: today, requests: 1, totalTokens: used })]);

    const defaults = await (await SELF.fetch('https://api.test/usage', authed(user.token))).json<{ days: unknown[] }>();
    expect(defaults.days).toHaveLength(30);
    expect((await SELF.fetch('https://api.test/usage?from=2026-02-30', authed(user.token))).status).toBe(400);
    expect((await SELF.fetch('https://api.test/usage?from=2026-11-02&to=2026-11-01', authed(user.token))).status).toBe(400);
    expect((await SELF.fetch('https://api.test/usage?from=2024-01-01&to=2026-01-01', authed(user.token))).status).toBe(400);
  });
});

import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import worker from '../src/index';
import { everyRoundTrip } from './support/d1-round-trips';
import { type ErrorBody } from './support/errors';
import { eventsOf, readSse } from './support/sse';
import { publishedKey, type TestKey } from './support/tokens';
import { createPlan, newUser } from './support/users';

const fakeOrigin = new URL(inject('openaiBaseUrl')).origin;
let key: TestKey;

beforeAll(async () => {
  key = await publishedKey();
});

async function upstreamRequests(): Promise<number> {
  return (await (await fetch(`${fakeOrigin}/__fake/stats`)).json<{ requests: number }>()).requests;
}

/**
 * Sends one request to the Worker, recording each D1 round trip made while it runs (the
 * Worker's and its generation object's) with the number of requests the fake provider had
 * seen at that moment: a round trip made before the provider was called shows the count from
 * before the request.
 */
async function roundTrips(token: string, path: string, init: RequestInit = {}) {
  const trips: { call: string; upstreamBefore: number }[] = [];
  const ctx = createExecutionContext();
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const before = await upstreamRequests();
  // The Worker's trips and its generation object's (which runs the admission batch) alike.
  const restore = everyRoundTrip(env.DB, async (call) => {
    trips.push({ call, upstreamBefore: await upstreamRequests() });
  });
  try {
    const res = await worker.fetch(new Request(`https://api.test${path}`, { ...init, headers }), env, ctx);
    const events = res.headers.get('Content-Type')?.startsWith('text/event-stream') ? eventsOf(await readSse(res)) : [];
    await waitOnExecutionContext(ctx);
    return { res, events, trips, before, after: await upstreamRequests() };
  } finally {
    restore();
  }
}

async function count(sql: string, ...params: string[]): Promise<number> {
  return (await env.DB.prepare(sql).bind(...params).first<{ n: number }>())?.n ?? 0;
}

describe('D1 round trips before the provider is called', () => {
  it('is exactly one for an allowed answer in a new conversation, over POST', async () => {
    const user = await newUser(key);
    const { res, events, trips, before, after } = await roundTrips(user.token, '/ai/stream', { method: 'POST', body: JSON.stringify({ content: 'one trip [[fake tokens=3]]' }) });
    expect(res.status).toBe(200);
    expect(events.at(-1)?.event).toBe('done');
    expect(after).toBe(before + 1);
    // Then one more after the answer: the settle.
    expect(trips).toEqual([{ call: 'batch', upstreamBefore: before }, { call: 'batch', upstreamBefore: before + 1 }]);
  });

  it('is exactly one for an answer in an existing conversation, over POST and over GET with regenerate', async () => {
    const user = await newUser(key);
    const first = await roundTrips(user.token, '/ai/stream', { method: 'POST', body: JSON.stringify({ content: 'first [[fake tokens=3]]' }) });
    const convId = (first.events[0]?.data as { conversationId: string }).conversationId;
    const post = await roundTrips(user.token, '/ai/stream', { method: 'POST', body: JSON.stringify({ convId, content: 'second [[fake tokens=3]]' }) });
    expect(post.res.status).toBe(200);
    expect(post.trips).toEqual([{ call: 'batch', upstreamBefore: post.before }, { call: 'batch', upstreamBefore: post.before + 1 }]);
    const again = await roundTrips(user.token, `/ai/stream?convId=${convId}&regenerate=1`);
    expect(again.res.status).toBe(200);
    expect(again.after).toBe(again.before + 1);
    expect(again.trips).toEqual([{ call: 'batch', upstreamBefore: again.before }, { call: 'batch', upstreamBefore: again.before + 1 }]);
  });

  it('stores nothing when the batch refuses: no turn, no conversation, no generation (the refusal reads more to say why)', async () => {
    await createPlan('tiny', { daily: 20, monthly: 1_000_000, maxTokens: 100, streams: 5 });
    const user = await newUser(key, 'tiny');
    const fresh = await roundTrips(user.token, '/ai/stream', { method: 'POST', body: JSON.stringify({ content: 'a message well over twenty tokens of quota '.repeat(8) }) });
    expect(fresh.res.status).toBe(429);
    expect(fresh.after).toBe(fresh.before);
    expect(fresh.trips.length).toBeGreaterThan(1);
    expect(await count('SELECT count(*) AS n FROM conversations WHERE user_id = ?', user.id)).toBe(0);
    expect(await count('SELECT count(*) AS n FROM generations WHERE user_id = ?', user.id)).toBe(0);

    const conv = await env.DB.prepare("INSERT INTO conversations (id, user_id, title, created_at, updated_at) VALUES (?, ?, 'kept', 1, 1) RETURNING id")
      .bind(`conv_rt_${user.id}`, user.id)
      .first<{ id: string }>();
    const existing = await roundTrips(user.token, '/ai/stream', { method: 'POST', body: JSON.stringify({ convId: conv?.id, content: 'still far too long for twenty tokens '.repeat(8) }) });
    expect(existing.res.status).toBe(429);
    expect((await existing.res.json<ErrorBody>()).error.code).toBe('quota_exceeded');
    expect(await count('SELECT count(*) AS n FROM messages WHERE conversation_id = ?', conv?.id ?? '')).toBe(0);
    expect(await count('SELECT updated_at AS n FROM conversations WHERE id = ?', conv?.id ?? '')).toBe(1);
    expect(await count('SELECT count(*) AS n FROM reservations WHERE user_id = ?', user.id)).toBe(0);
  });
});

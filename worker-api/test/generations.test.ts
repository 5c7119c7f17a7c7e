import { env, runDurableObjectAlarm, runInDurableObject, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { EVENT_LOG_RETENTION_MS } from '../src/generations/job';
import { generationObject } from '../src/generations/start';
import { type ErrorBody } from './support/errors';
import { eventsOf, numberedEventsOf, readSse, type SseItem } from './support/sse';
import { authed, publishedKey, type TestKey } from './support/tokens';
import { eventually, newUser } from './support/users';

type Meta = { generationId: string; conversationId: string; messageId: string; model: string; traceId: string };
type FakeRequest = { max_tokens: number | null; aborted: boolean; outcome: string; tokensSent: number };

const fakeOrigin = new URL(inject('openaiBaseUrl')).origin;
let key: TestKey;

beforeAll(async () => {
  key = await publishedKey();
});

/**
 * The fake's record of the request that asked for `maxTokens`: each test asks for an answer
 * budget no other test uses, so test files running side by side cannot be mistaken for it.
 */
async function upstreamRequest(maxTokens: number): Promise<FakeRequest | undefined> {
  const stats = await (await fetch(`${fakeOrigin}/__fake/stats`)).json<{ lastRequests: FakeRequest[] }>();
  return stats.lastRequests.find((r) => r.max_tokens === maxTokens);
}

function post(token: string, content: string, maxTokens: number): Promise<Response> {
  return SELF.fetch('https://api.test/ai/stream', authed(token, { method: 'POST', body: JSON.stringify({ content, maxTokens }) }));
}

function follow(token: string, id: string, opts: { after?: number; lastEventId?: string } = {}): Promise<Response> {
  const query = opts.after === undefined ? '' : `?after=${opts.after}`;
  const headers: Record<string, string> = opts.lastEventId === undefined ? {} : { 'Last-Event-ID': opts.lastEventId };
  return SELF.fetch(`https://api.test/ai/generations/${id}/stream${query}`, authed(token, { headers }));
}

function stop(token: string, id: string): Promise<Response> {
  return SELF.fetch(`https://api.test/ai/generations/${id}/stop`, authed(token, { method: 'POST' }));
}

function metaOf(items: SseItem[]): Meta {
  const first = eventsOf(items)[0];
  if (first?.event !== 'meta') throw new Error(`the stream did not open with meta: ${JSON.stringify(first)}`);
  return first.data as Meta;
}

const deltas = (n: number) => (seen: SseItem[]) => seen.filter((i) => i.kind === 'event' && i.event === 'delta').length >= n;

function textOf(events: { event: string; data: unknown }[]): string {
  return events
    .filter((e) => e.event === 'delta')
    .map((e) => (e.data as { content: string }).content)
    .join('');
}

async function usageRows(userId: string) {
  const { results } = await env.DB.prepare('SELECT * FROM usage_events WHERE user_id = ?').bind(userId).all<Record<string, unknown>>();
  return results;
}

async function generationRow(id: string) {
  return env.DB.prepare('SELECT * FROM generations WHERE id = ?').bind(id).first<{ status: string; ended_at: number | null; user_id: string }>();
}

async function storedMessage(id: string) {
  return env.DB.prepare('SELECT content, finish_reason FROM messages WHERE id = ?').bind(id).first<{ content: string; finish_reason: string }>();
}

/** The object holding a user's generations. */
function generationStub(userId: string) {
  return generationObject(env.GENERATIONS, userId);
}

/** Moves every ended generation of the user's object back past its log's retention, as if that time had passed. */
async function outliveRetention(userId: string) {
  await runInDurableObject(generationStub(userId), (_, state) => {
    state.storage.sql.exec('UPDATE generations SET ended_at = ended_at - ? WHERE ended_at IS NOT NULL', EVENT_LOG_RETENTION_MS + 1000);
  });
}

describe('a generation', () => {
  it('numbers its events 1, 2, 3 … and is recorded in D1 from start to end', async () => {
    const user = await newUser(key);
    const items = await readSse(await post(user.token, 'count [[fake tokens=6 gap=5]]', 701));
    const events = numberedEventsOf(items);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => e.event)).toEqual(['meta', ...events.slice(1, -2).map(() => 'delta'), 'usage', 'done']);
    const meta = metaOf(items);
    expect(meta.generationId).toMatch(/^gen_/);
    expect(await generationRow(meta.generationId)).toMatchObject({ status: 'done', user_id: user.id, ended_at: expect.any(Number) });
  });

  it('replays exactly the events after seq k, live, after it ended, and from the stored message once its log is gone', async () => {
    const user = await newUser(key);
    const first = await post(user.token, 'resume me [[fake tokens=12 gap=60]]', 702);
    const seen = numberedEventsOf(await readSse(first, deltas(3)));
    const { generationId } = seen[0]?.data as Meta;
    const k = seen.at(-1)!.id;

    // Live: from k on, with Last-Event-ID (which wins over ?after), then the rest as it comes.
    const rest = numberedEventsOf(await readSse(await follow(user.token, generationId, { lastEventId: String(k), after: 1 })));
    expect(rest[0]?.id).toBe(k + 1);
    expect(rest.map((e) => e.id)).toEqual(rest.map((_, i) => k + 1 + i));
    expect(rest.some((e) => e.event === 'meta')).toBe(false);
    expect(rest.at(-1)).toMatchObject({ event: 'done', data: { finishReason: 'stop' } });
    const whole = [...seen, ...rest];
    const stored = await storedMessage((seen[0]?.data as Meta).messageId);
    expect(textOf(whole)).toBe(stored?.content);

    // Ended: the same events again, from any seq, then the stream closes.
    const all = numberedEventsOf(await readSse(await follow(user.token, generationId)));
    expect(all).toEqual(whole);
    const tail = numberedEventsOf(await readSse(await follow(user.token, generationId, { after: whole.length - 2 })));
    expect(tail).toEqual(whole.slice(-2));
    expect(numberedEventsOf(await readSse(await follow(user.token, generationId, { after: whole.length })))).toEqual([]);

    // Before its retention ends the alarm keeps the log; after it, the log is deleted and the stored message answers as meta, one delta, done.
    expect(await runDurableObjectAlarm(generationStub(user.id))).toBe(true);
    expect(numberedEventsOf(await readSse(await follow(user.token, generationId)))).toEqual(whole);
    await outliveRetention(user.id);
    expect(await runDurableObjectAlarm(generationStub(user.id))).toBe(true);
    const replay = numberedEventsOf(await readSse(await follow(user.token, generationId)));
    expect(replay).toEqual([
      { id: 1, event: 'meta', data: seen[0]?.data },
      { id: 2, event: 'delta', data: { content: stored?.content } },
      { id: 3, event: 'done', data: { finishReason: 'stop', model: 'gpt-4o-mini', fallback: false } },
    ]);
    expect(numberedEventsOf(await readSse(await follow(user.token, generationId, { after: 2 })))).toEqual(replay.slice(2));
  });

  it('streams the same events to two subscribers', async () => {
    const user = await newUser(key);
    const res = await post(user.token, 'two tabs [[fake tokens=10 gap=40]]', 703);
    const reader = readSse(res);
    // The second tab attaches while the first is being written.
    await new Promise((r) => setTimeout(r, 120));
    const { results } = await env.DB.prepare('SELECT id FROM generations WHERE user_id = ?').bind(user.id).all<{ id: string }>();
    const second = readSse(await follow(user.token, results[0]!.id));
    const [a, b] = await Promise.all([reader, second]);
    expect(numberedEventsOf(b)).toEqual(numberedEventsOf(a));
    expect(numberedEventsOf(a).at(-1)?.event).toBe('done');
  });

  it('is named by GET /conversations/:id while it runs, and no longer once it ended', async () => {
    const user = await newUser(key);
    const res = await post(user.token, 'still going [[fake tokens=6 gap=100]]', 704);
    const items = await readSse(res, deltas(1));
    const meta = metaOf(items);
    const detail = async () => (await SELF.fetch(`https://api.test/conversations/${meta.conversationId}`, authed(user.token))).json<{ activeGeneration: unknown }>();
    expect((await detail()).activeGeneration).toEqual({ id: meta.generationId, messageId: meta.messageId });
    await eventually(async () => (await generationRow(meta.generationId))?.status === 'done');
    expect((await detail()).activeGeneration).toBeNull();
  });
});

describe('stopping a generation', () => {
  it('aborts the upstream within 1 s, stores the partial answer as stopped, settles once and ends every stream with usage then done stopped', async () => {
    const user = await newUser(key);
    const res = await post(user.token, 'a long one [[fake tokens=200 gap=50]]', 705);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('event: delta')) text += decoder.decode((await reader.read()).value);
    const generationId = /"generationId":"(gen_[^"]+)"/.exec(text)![1]!;
    const tab = readSse(await follow(user.token, generationId));

    const asked = Date.now();
    const stopped = await stop(user.token, generationId);
    expect(stopped.status).toBe(200);
    expect(await stopped.json()).toEqual({ generationId, status: 'stopped' });
    await eventually(async () => (await upstreamRequest(705))?.aborted, 1000);
    expect(Date.now() - asked).toBeLessThan(1000);

    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    const tabEvents = eventsOf(await tab);
    expect(tabEvents.slice(-2).map((e) => e.event)).toEqual(['usage', 'done']);
    expect(tabEvents.at(-1)?.data).toEqual({ finishReason: 'stopped', model: 'gpt-4o-mini', fallback: false });
    expect(text.trimEnd().endsWith('event: done\ndata: {"finishReason":"stopped","model":"gpt-4o-mini","fallback":false}')).toBe(true);

    const meta = tabEvents[0]?.data as Meta;
    const message = await storedMessage(meta.messageId);
    expect(message?.finish_reason).toBe('stopped');
    expect(message?.content).toBe(textOf(tabEvents));
    expect(message?.content.length).toBeGreaterThan(0);
    const rows = await usageRows(user.id);
    expect(rows).toEqual([expect.objectContaining({ status: 'aborted', message_id: meta.messageId, estimated: 1 })]);
    expect(await generationRow(generationId)).toMatchObject({ status: 'stopped' });
    expect((await upstreamRequest(705))?.outcome).toBe('aborted');

    // Idempotent: a second stop reports the same end and settles nothing again.
    const again = await stop(user.token, generationId);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ generationId, status: 'stopped' });
    expect(await usageRows(user.id)).toHaveLength(1);
  });

  it('stops an answer whose provider has not answered yet, and reports how an ended one ended', async () => {
    const user = await newUser(key);
    const items = readSse(await post(user.token, 'think hard [[fake ttft=3000 hold_headers=1 tokens=3]]', 706));
    const generationId = await eventually(async () => (await env.DB.prepare('SELECT id FROM generations WHERE user_id = ?').bind(user.id).first<{ id: string }>())?.id);
    expect(await (await stop(user.token, generationId)).json()).toEqual({ generationId, status: 'stopped' });
    const events = eventsOf(await items);
    expect(events.map((e) => e.event)).toEqual(['meta', 'usage', 'done']);
    expect(events.at(-1)?.data).toEqual({ finishReason: 'stopped', model: 'gpt-4o-mini', fallback: false });
    await eventually(async () => (await upstreamRequest(706))?.aborted, 1000);

    const done = metaOf(await readSse(await post(user.token, 'quick [[fake tokens=2]]', 707))).generationId;
    expect(await (await stop(user.token, done)).json()).toEqual({ generationId: done, status: 'done' });
  });
});

describe('ownership', () => {
  it("is a 404 to stop or follow someone else's generation, or one that does not exist", async () => {
    const owner = await newUser(key);
    const other = await newUser(key);
    const items = await readSse(await post(owner.token, 'mine [[fake tokens=20 gap=50]]', 708), deltas(1));
    const { generationId } = metaOf(items);
    for (const res of [await stop(other.token, generationId), await follow(other.token, generationId), await stop(owner.token, 'gen_nope'), await follow(owner.token, 'nope')]) {
      expect(res.status).toBe(404);
      expect((await res.json<ErrorBody>()).error.code).toBe('not_found');
    }
    // The stranger's stop did nothing: the owner's answer runs to its end.
    const rest = eventsOf(await readSse(await follow(owner.token, generationId)));
    expect(rest.at(-1)).toEqual({ event: 'done', data: { finishReason: 'stop', model: 'gpt-4o-mini', fallback: false } });
  });

  it('names a bad event id', async () => {
    const user = await newUser(key);
    const { generationId } = metaOf(await readSse(await post(user.token, 'short [[fake tokens=2]]', 709)));
    const bad = await follow(user.token, generationId, { after: -1 });
    expect(bad.status).toBe(400);
    expect((await bad.json<ErrorBody>()).error.message).toMatch(/^query\.after/);
    expect((await follow(user.token, generationId, { lastEventId: 'x' })).status).toBe(400);
  });
});

describe('heartbeat and provider failures once the stream is committed', () => {
  it('sends : ping from the first moment while the provider withholds its headers (2 s at HEARTBEAT_MS=300)', async () => {
    const user = await newUser(key);
    const items = await readSse(await post(user.token, 'reasoning [[fake ttft=2000 hold_headers=1 tokens=2]]', 710));
    const firstDelta = items.findIndex((i) => i.kind === 'event' && i.event === 'delta');
    expect(firstDelta).toBeGreaterThan(0);
    expect(items.slice(0, firstDelta).filter((i) => i.kind === 'ping').length).toBeGreaterThanOrEqual(3);
    expect(items.at(-1)).toMatchObject({ kind: 'event', event: 'done' });
  });

  it('ends with event: error upstream_rate_limited when the provider refuses before its first token', async () => {
    const user = await newUser(key);
    const items = numberedEventsOf(await readSse(await post(user.token, 'rate limited [[fake status=429]]', 711)));
    expect(items.map((e) => [e.id, e.event])).toEqual([
      [1, 'meta'],
      [2, 'error'],
    ]);
    expect(items[1]?.data).toEqual({ code: 'upstream_rate_limited', message: expect.any(String) });
    const meta = items[0]?.data as Meta;
    expect(await generationRow(meta.generationId)).toMatchObject({ status: 'error' });
    expect(await storedMessage(meta.messageId)).toMatchObject({ content: '', finish_reason: 'error' });
  });
});

describe('an object evicted mid-answer', () => {
  it('is ended by its alarm with what was stored, and settled once', async () => {
    const user = await newUser(key);
    const items = await readSse(await post(user.token, 'interrupted [[fake tokens=100 gap=40]]', 712), deltas(3));
    const meta = metaOf(items);
    // Let the log reach storage (it is first written a second after the start), then lose the object with its relay.
    await new Promise((r) => setTimeout(r, 1300));
    await runInDurableObject(generationStub(user.id), (_, state) => state.abort('evicted by the test')).catch(() => undefined);
    expect(await runDurableObjectAlarm(generationStub(user.id))).toBe(true);

    expect(await generationRow(meta.generationId)).toMatchObject({ status: 'aborted' });
    const message = await storedMessage(meta.messageId);
    expect(message?.finish_reason).toBe('aborted');
    expect(message?.content.length).toBeGreaterThan(0);
    expect(await usageRows(user.id)).toEqual([expect.objectContaining({ status: 'aborted', estimated: 1 })]);
    const reserved = await env.DB.prepare('SELECT count(*) AS n FROM reservations WHERE user_id = ?').bind(user.id).first<{ n: number }>();
    expect(reserved?.n).toBe(0);
    // A resume now gets the stored events and the end.
    const resumed = eventsOf(await readSse(await follow(user.token, meta.generationId, { after: 1 })));
    expect(resumed.at(-1)).toMatchObject({ event: 'error', data: { code: 'upstream_error' } });
    expect(textOf(resumed)).toBe(message?.content);
  });
});

describe("one user's answers at once, in the user's one object", () => {
  it('each has its own numbered events and end; stopping one leaves the other to finish; the alarm keeps both logs until their retention ends', async () => {
    const user = await newUser(key, 'pro');
    const [long, short] = await Promise.all([post(user.token, 'the long one [[fake tokens=60 gap=30]]', 721), post(user.token, 'the short one [[fake tokens=8 gap=30]]', 722)]);
    const longSeen = await readSse(long, deltas(2));
    const longMeta = metaOf(longSeen);
    const shortEvents = numberedEventsOf(await readSse(short));
    const shortMeta = shortEvents[0]?.data as Meta;
    expect(shortMeta.generationId).not.toBe(longMeta.generationId);
    expect(shortEvents.map((e) => e.id)).toEqual(shortEvents.map((_, i) => i + 1));
    expect(shortEvents.at(-1)).toMatchObject({ event: 'done', data: { finishReason: 'stop' } });
    expect(textOf(shortEvents)).toBe((await storedMessage(shortMeta.messageId))?.content);

    expect(await (await stop(user.token, longMeta.generationId)).json()).toEqual({ generationId: longMeta.generationId, status: 'stopped' });
    expect(await generationRow(shortMeta.generationId)).toMatchObject({ status: 'done' });
    const longEvents = numberedEventsOf(await readSse(await follow(user.token, longMeta.generationId)));
    expect(longEvents.map((e) => e.id)).toEqual(longEvents.map((_, i) => i + 1));
    expect(longEvents.at(-1)).toMatchObject({ event: 'done', data: { finishReason: 'stopped' } });
    expect(textOf(longEvents)).toBe((await storedMessage(longMeta.messageId))?.content);
    expect((await upstreamRequest(721))?.aborted).toBe(true);

    // Both ended moments ago: an alarm now keeps both logs whole.
    expect(await runDurableObjectAlarm(generationStub(user.id))).toBe(true);
    expect(numberedEventsOf(await readSse(await follow(user.token, shortMeta.generationId)))).toEqual(shortEvents);
    expect(numberedEventsOf(await readSse(await follow(user.token, longMeta.generationId)))).toEqual(longEvents);
    // Past their retention both are deleted, with the object's storage; the stored messages answer.
    await outliveRetention(user.id);
    expect(await runDurableObjectAlarm(generationStub(user.id))).toBe(true);
    const tables = await runInDurableObject(generationStub(user.id), (_, state) => state.storage.sql.exec(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'generation%'`).toArray());
    expect(tables).toEqual([]);
    const replay = numberedEventsOf(await readSse(await follow(user.token, shortMeta.generationId)));
    expect(replay.map((e) => e.event)).toEqual(['meta', 'delta', 'done']);
    expect(replay[1]?.data).toEqual({ content: textOf(shortEvents) });
  });
});

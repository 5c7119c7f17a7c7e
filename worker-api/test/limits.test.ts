import { createExecutionContext, env, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../src/index';
import type { Bindings } from '../src/env';
import { aroundRoundTrips } from './support/d1-round-trips';
import { expectError } from './support/errors';
import { backfillMessageTree } from './support/legacy';
import { authed, publishedKey, type TestKey } from './support/tokens';
import { newUser } from './support/users';

type User = { id: string; token: string };
type Message = { id: string; content: string };
type Detail = { id: string; messages: Message[]; hasMoreMessages: boolean; olderCursor: string | null };

let key: TestKey;

beforeAll(async () => {
  key = await publishedKey();
});

function call(token: string, method: string, path: string, body?: unknown): Promise<Response> {
  return SELF.fetch(`https://api.test${path}`, authed(token, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }));
}

/** The Worker with some vars changed, for caps small enough to reach in a test. */
async function callWith(vars: Partial<Record<string, string>>, token: string, method: string, path: string, body?: unknown): Promise<Response> {
  const ctx = createExecutionContext();
  const init = authed(token, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const res = await worker.fetch(new Request(`https://api.test${path}`, init), { ...env, ...vars } as Bindings, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

async function conversationOf(user: User): Promise<string> {
  const res = await call(user.token, 'POST', '/conversations', {});
  expect(res.status).toBe(201);
  return (await res.json<{ id: string }>()).id;
}

/**
 * One GET through the Worker over a D1 binding that adds up the rows SQLite read for each
 * statement (D1's `meta.rows_read`; drizzle reads rows with `raw`, which carries no meta,
 * so each statement runs once more with `all` to be counted).
 */
async function rowsRead(token: string, path: string): Promise<{ body: unknown; rows: number }> {
  let rows = 0;
  const db = aroundRoundTrips(env.DB, async (call, statement) => {
    if (!statement) throw new Error(`a ${call} is not counted`);
    // Read first: `rows +=` around the await would add to the value before it, losing concurrent reads.
    const read = (await statement.all()).meta.rows_read;
    rows += read;
  });
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`https://api.test${path}`, authed(token)), { ...env, DB: db } as Bindings, ctx);
  await waitOnExecutionContext(ctx);
  expect(res.status).toBe(200);
  return { body: await res.json(), rows };
}

/**
 * A refusal of the starts' minute window: its Retry-After is the seconds until the oldest
 * start counted leaves the window (exact to the second in stream-starts.test.ts), so less than
 * 60 by however long the test took to make its starts; never the write burst's 10.
 */
function expectStartsWindow(res: Response): void {
  const seconds = Number(res.headers.get('Retry-After'));
  expect(seconds).toBeGreaterThan(40);
  expect(seconds).toBeLessThanOrEqual(60);
}

describe('burst guard', () => {
  it('limits a burst of 200 creates with 429 rate_limited and Retry-After', { timeout: 90_000 }, async () => {
    const user = await newUser(key);
    const answers = await Promise.all(Array.from({ length: 200 }, () => call(user.token, 'POST', '/conversations', {})));
    const statuses = answers.map((r) => r.status);
    const created = statuses.filter((s) => s === 201).length;
    const limited = answers.filter((r) => r.status === 429);
    // 30 per 10 s window (wrangler.toml); a burst that straddles a window edge gets two allowances.
    expect(created).toBeGreaterThanOrEqual(1);
    expect(created).toBeLessThanOrEqual(60);
    expect(created + limited.length).toBe(200);
    const first = limited[0]!;
    expect(first.headers.get('Retry-After')).toBe('10');
    await expectError(first, 429, 'rate_limited', /try again in 10 s/);
    const stored = await env.DB.prepare('SELECT count(*) AS n FROM conversations WHERE user_id = ?').bind(user.id).first<{ n: number }>();
    expect(stored?.n).toBe(created);

    // Reads are not writes, and another user has a burst of their own.
    expect((await call(user.token, 'GET', '/conversations')).status).toBe(200);
    const other = await newUser(key);
    expect((await call(other.token, 'POST', '/conversations', {})).status).toBe(201);
  });

  it('limits stream starts per user, before anything is read', { timeout: 60_000 }, async () => {
    const user = await newUser(key);
    const conv = await conversationOf(user);
    // The simulated limiter's minute windows follow the clock: start well inside one.
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 20_000) await new Promise((r) => setTimeout(r, left + 100));
    // Nothing to answer: each start is refused with 409 after the guard counted it.
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await call(user.token, 'GET', `/ai/stream?convId=${conv}`)).status);
    expect(statuses.slice(0, 20).every((s) => s === 409)).toBe(true);
    const refused = await call(user.token, 'GET', `/ai/stream?convId=${conv}`);
    expectStartsWindow(refused);
    await expectError(refused, 429, 'rate_limited');
    await expectError(await call(user.token, 'POST', '/ai/stream', { content: 'hello' }), 429, 'rate_limited');
  });

  it('counts a stream start against the stream burst only, so it spends none of the write burst', { timeout: 60_000 }, async () => {
    const user = await newUser(key);
    // Start inside a 10 s and a 60 s window with room for the whole test in both.
    while (Date.now() % 10_000 > 4_000 || Date.now() % 60_000 > 40_000) await new Promise((r) => setTimeout(r, 250));
    // A conversation the user does not have: each start is refused with 404 after the guard counted it.
    for (let i = 0; i < 20; i++) await expectError(await call(user.token, 'POST', '/ai/stream', { convId: 'conv_missing', content: 'hi' }), 404, 'not_found');
    const creates = await Promise.all(Array.from({ length: 30 }, () => call(user.token, 'POST', '/conversations', {})));
    expect(creates.map((r) => r.status)).toEqual(Array.from({ length: 30 }, () => 201));
    const overWrites = await call(user.token, 'POST', '/conversations', {});
    expect(overWrites.headers.get('Retry-After')).toBe('10');
    const overStarts = await call(user.token, 'POST', '/ai/stream', { convId: 'conv_missing', content: 'hi' });
    expectStartsWindow(overStarts);
    await expectError(overStarts, 429, 'rate_limited');
  });
});

describe('caps', () => {
  it('refuses a conversation past the per-user cap', async () => {
    const user = await newUser(key);
    const caps = { MAX_CONVERSATIONS_PER_USER: '2' };
    for (let i = 0; i < 2; i++) expect((await callWith(caps, user.token, 'POST', '/conversations', {})).status).toBe(201);
    await expectError(await callWith(caps, user.token, 'POST', '/conversations', {}), 409, 'conversation_limit_reached', /2 conversations/);
    await expectError(await callWith(caps, user.token, 'POST', '/ai/stream', { content: 'a new one' }), 409, 'conversation_limit_reached');
    const stored = await env.DB.prepare('SELECT count(*) AS n FROM conversations WHERE user_id = ?').bind(user.id).first<{ n: number }>();
    expect(stored?.n).toBe(2);
  });

  it('refuses a message past the per-conversation cap, on both ways of sending one', async () => {
    const user = await newUser(key);
    const conv = await conversationOf(user);
    const caps = { MAX_MESSAGES_PER_CONVERSATION: '2' };
    for (const content of ['one', 'two']) expect((await callWith(caps, user.token, 'POST', `/conversations/${conv}/messages`, { content })).status).toBe(201);
    await expectError(await callWith(caps, user.token, 'POST', `/conversations/${conv}/messages`, { content: 'three' }), 409, 'message_limit_reached');
    await expectError(await callWith(caps, user.token, 'POST', '/ai/stream', { convId: conv, content: 'three' }), 409, 'message_limit_reached');
    await expectError(await callWith(caps, user.token, 'GET', `/ai/stream?convId=${conv}`), 409, 'message_limit_reached');
    // Another user's conversation is still a 404, never a cap.
    const stranger = await newUser(key);
    await expectError(await callWith(caps, stranger.token, 'POST', '/ai/stream', { convId: conv, content: 'x' }), 404, 'not_found');
  });

  it('counts stored bytes exactly and refuses what would pass the cap, until something is deleted', async () => {
    const user = await newUser(key);
    const conv = await conversationOf(user);
    const caps = { MAX_STORED_BYTES_PER_USER: '100' };
    // 3 bytes per 한: 60 bytes.
    expect((await callWith(caps, user.token, 'POST', `/conversations/${conv}/messages`, { content: '한'.repeat(20) })).status).toBe(201);
    const bytes = async () => (await env.DB.prepare('SELECT stored_bytes AS n FROM users WHERE id = ?').bind(user.id).first<{ n: number }>())?.n;
    expect(await bytes()).toBe(60);
    await expectError(await callWith(caps, user.token, 'POST', `/conversations/${conv}/messages`, { content: 'x'.repeat(41) }), 409, 'storage_limit_reached');
    await expectError(await callWith(caps, user.token, 'POST', '/ai/stream', { content: 'x'.repeat(41) }), 409, 'storage_limit_reached');
    expect((await callWith(caps, user.token, 'POST', `/conversations/${conv}/messages`, { content: 'x'.repeat(40) })).status).toBe(201);
    expect(await bytes()).toBe(100);
    // Full: even an answer, whose size nobody knows yet, is refused.
    await expectError(await callWith(caps, user.token, 'GET', `/ai/stream?convId=${conv}`), 409, 'storage_limit_reached');
    expect((await call(user.token, 'DELETE', `/conversations/${conv}`)).status).toBe(204);
    expect(await bytes()).toBe(0);
    expect((await callWith(caps, user.token, 'POST', '/conversations', {})).status).toBe(201);
  });

  it('refuses a one-time order while too many wait for payment', async () => {
    const user = await newUser(key);
    const caps = { MAX_OPEN_ORDERS_PER_USER: '2' };
    for (let i = 0; i < 2; i++) expect((await callWith(caps, user.token, 'POST', '/billing/orders', { planId: 'pro' })).status).toBe(201);
    await expectError(await callWith(caps, user.token, 'POST', '/billing/orders', { planId: 'pro' }), 409, 'open_orders_limit_reached');
    // One that lapsed a day ago no longer counts.
    await env.DB.prepare('UPDATE orders SET created_at = ? WHERE user_id = ?').bind(Date.now() - 25 * 3600_000, user.id).run();
    expect((await callWith(caps, user.token, 'POST', '/billing/orders', { planId: 'pro' })).status).toBe(201);
  });
});

describe('conversation pages', () => {
  it('returns a 2,000-message conversation in bounded pages, newest first, each oldest first', async () => {
    const user = await newUser(key);
    const conv = await conversationOf(user);
    const insert = env.DB.prepare("INSERT INTO messages (id, conversation_id, role, content, created_at) VALUES (?, ?, 'user', ?, ?)");
    // Ids sort with their creation time, as newId's do; some share a millisecond, so the id breaks the tie.
    const id = (i: number) => `msg_seed${String(i).padStart(6, '0')}`;
    await env.DB.batch(Array.from({ length: 2000 }, (_, i) => insert.bind(id(i), conv, `m${i}`, 1_000_000 + Math.floor(i / 3))));
    // Written as before messages had parents: the migration's backfill makes them one path.
    await backfillMessageTree();

    const first = await (await call(user.token, 'GET', `/conversations/${conv}`)).json<Detail>();
    expect(first.messages).toHaveLength(50);
    expect(first.messages.at(-1)?.id).toBe(id(1999));
    expect(first.hasMoreMessages).toBe(true);

    const seen: string[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const query: string = `limit=200${before ? `&before=${before}` : ''}`;
      const res = await call(user.token, 'GET', `/conversations/${conv}?${query}`);
      expect(res.status).toBe(200);
      const page: Detail = await res.json<Detail>();
      expect(page.messages.length).toBeLessThanOrEqual(200);
      expect(page.hasMoreMessages).toBe(page.olderCursor !== null);
      seen.unshift(...page.messages.map((m) => m.id));
      before = page.olderCursor;
      pages++;
    } while (before !== null && pages < 20);
    expect(pages).toBe(10);
    expect(seen).toEqual(Array.from({ length: 2000 }, (_, i) => id(i)));

    await expectError(await call(user.token, 'GET', `/conversations/${conv}?limit=201`), 400, 'invalid_request', /^query\.limit/);
    await expectError(await call(user.token, 'GET', `/conversations/${conv}?before=nope!`), 400, 'invalid_request', /^query\.before/);
    // A conversation cursor is not a message cursor.
    const notMessage = btoa(`1000:${conv}`).replace(/=+$/, '');
    await expectError(await call(user.token, 'GET', `/conversations/${conv}?before=${notMessage}`), 400, 'invalid_request', /^query\.before/);
  });

  it('reads only the page it returns, however long the conversation', async () => {
    const user = await newUser(key);
    const seed = async (prefix: string, length: number) => {
      const conv = await conversationOf(user);
      const insert = env.DB.prepare("INSERT INTO messages (id, conversation_id, role, content, created_at) VALUES (?, ?, 'user', ?, ?)");
      await env.DB.batch(Array.from({ length }, (_, i) => insert.bind(`msg_${prefix}${String(i).padStart(6, '0')}`, conv, `m${i}`, 3_000_000 + i)));
      return conv;
    };
    const short = await seed('brief', 120);
    const long = await seed('lengthy', 3000);
    await backfillMessageTree();

    // The first page and one further back: their reads do not grow with the conversation.
    const reads = async (conv: string) => {
      const first = await rowsRead(user.token, `/conversations/${conv}?limit=50`);
      const before = (first.body as Detail).olderCursor;
      const second = await rowsRead(user.token, `/conversations/${conv}?limit=50&before=${before}`);
      expect((second.body as Detail).messages).toHaveLength(50);
      return [first.rows, second.rows] as const;
    };
    const [shortFirst, shortSecond] = await reads(short);
    const [longFirst, longSecond] = await reads(long);
    // 25 times as long, the same reads within a row or two (the request's own reads around the
    // page's); a walk from the selected leaf read about 27,000 rows here against 1,100.
    for (const [inShort, inLong] of [[shortFirst, longFirst], [shortSecond, longSecond]] as const) {
      expect(Math.abs(inLong - inShort)).toBeLessThanOrEqual(3);
      expect(inLong).toBeLessThan(1000);
    }
  });

  it('cuts a page of long messages to its byte budget, but always returns one', async () => {
    const user = await newUser(key);
    const conv = await conversationOf(user);
    const insert = env.DB.prepare("INSERT INTO messages (id, conversation_id, role, content, created_at) VALUES (?, ?, 'assistant', ?, ?)");
    const id = (i: number) => `msg_long${String(i).padStart(6, '0')}`;
    await env.DB.batch(Array.from({ length: 8 }, (_, i) => insert.bind(id(i), conv, 'y'.repeat(200_000), 2_000_000 + i)));
    await insert.bind(id(8), conv, 'z'.repeat(600_000), 2_000_008).run();
    await backfillMessageTree();

    const page = await (await call(user.token, 'GET', `/conversations/${conv}`)).json<Detail>();
    expect(page.messages.map((m) => m.id)).toEqual([id(8)]);
    const next = await (await call(user.token, 'GET', `/conversations/${conv}?before=${page.olderCursor}`)).json<Detail>();
    expect(next.messages.map((m) => m.id)).toEqual([id(6), id(7)]);
    expect(next.hasMoreMessages).toBe(true);
  });
});

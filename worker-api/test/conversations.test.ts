import { env, SELF } from 'cloudflare:test';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authed, b64url, publishedKey, sign, type TestKey } from './support/tokens';
import { backfillMessageTree } from './support/legacy';
import { newUser } from './support/users';
import { expectError } from './support/errors';

type Conversation = { id: string; title: string; model: string | null; createdAt: string; updatedAt: string };
type Message = {
  id: string;
  role: string;
  content: string;
  model: string | null;
  finishReason: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  createdAt: string;
  parentId: string | null;
};
type Versions = { position: number; count: number; previousId: string | null; nextId: string | null };
type Detail = Conversation & { messages: (Message & { versions: Versions | null })[]; hasMoreMessages: boolean; olderCursor: string | null };
type Page = { items: Conversation[]; nextCursor: string | null };
type User = { id: string; token: string };

let key: TestKey;
let alice: User;
let bob: User;

beforeAll(async () => {
  key = await publishedKey();
});

// Fresh users for every test: each user's writes count against their burst guard
// (wrangler.toml WRITE_LIMITER), which a whole file's writes by one user would exhaust.
beforeEach(async () => {
  alice = await newUser(key);
  bob = await newUser(key);
});

function call(token: string, path: string, init: RequestInit = {}): Promise<Response> {
  return SELF.fetch(`https://api.test${path}`, authed(token, init));
}

function send(token: string, method: string, path: string, body: unknown): Promise<Response> {
  return call(token, path, { method, body: JSON.stringify(body) });
}

async function create(user: User, body: unknown = {}): Promise<Conversation> {
  const res = await send(user.token, 'POST', '/conversations', body);
  expect(res.status).toBe(201);
  return res.json<Conversation>();
}

/** Moves a conversation's activity into the past, so a later bump is unambiguous whatever the clock's resolution. */
async function backdate(id: string, ms: number): Promise<void> {
  await env.DB.prepare('UPDATE conversations SET updated_at = ? WHERE id = ?').bind(ms, id).run();
}

async function messageCount(conversationId: string): Promise<number> {
  const row = await env.DB.prepare('SELECT count(*) AS n FROM messages WHERE conversation_id = ?').bind(conversationId).first<{ n: number }>();
  return row?.n ?? 0;
}

describe('conversations CRUD', () => {
  it('creates, reads, adds a message, renames and deletes', async () => {
    const blank = await create(alice);
    expect(blank).toEqual({
      id: expect.stringMatching(/^conv_[0-9a-z]{22}$/),
      title: 'New chat',
      model: null,
      createdAt: expect.any(String),
      updatedAt: blank.createdAt,
    });
    expect(new Date(blank.createdAt).toISOString()).toBe(blank.createdAt);

    const named = await create(alice, { title: '  Trip to Busan  ', model: 'gpt-4o-mini' });
    expect(named).toMatchObject({ title: 'Trip to Busan', model: 'gpt-4o-mini' });

    const empty = await (await call(alice.token, `/conversations/${named.id}`)).json<Detail>();
    expect(empty).toEqual({ ...named, messages: [], hasMoreMessages: false, olderCursor: null, activeGeneration: null });

    await backdate(named.id, 1_000);
    const posted = await send(alice.token, 'POST', `/conversations/${named.id}/messages`, { content: '  Where should I eat?  ' });
    expect(posted.status).toBe(201);
    const message = await posted.json<Message>();
    expect(message).toEqual({
      id: expect.stringMatching(/^msg_/),
      role: 'user',
      content: '  Where should I eat?  ',
      model: null,
      finishReason: null,
      promptTokens: null,
      completionTokens: null,
      createdAt: expect.any(String),
      parentId: null,
    });

    const read = await call(alice.token, `/conversations/${named.id}`);
    expect(read.status).toBe(200);
    const detail = await read.json<Detail>();
    expect(detail.messages).toEqual([{ ...message, versions: null }]);
    expect(detail.updatedAt).toBe(message.createdAt);

    await backdate(named.id, 2_000);
    const renamed = await send(alice.token, 'PATCH', `/conversations/${named.id}`, { title: 'Busan food' });
    expect(renamed.status).toBe(200);
    const after = await renamed.json<Conversation>();
    expect(after).toMatchObject({ id: named.id, title: 'Busan food', model: 'gpt-4o-mini', createdAt: named.createdAt });
    expect(Date.parse(after.updatedAt)).toBeGreaterThan(2_000);

    const remodelled = await (await send(alice.token, 'PATCH', `/conversations/${named.id}`, { model: 'gpt-4o' })).json<Conversation>();
    expect(remodelled).toMatchObject({ title: 'Busan food', model: 'gpt-4o' });

    const deleted = await call(alice.token, `/conversations/${named.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    await expectError(await call(alice.token, `/conversations/${named.id}`), 404, 'not_found');
    await expectError(await call(alice.token, `/conversations/${named.id}`, { method: 'DELETE' }), 404, 'not_found');
  });

  it('deletes the messages with the conversation', async () => {
    const conv = await create(alice);
    for (const content of ['one', 'two', 'three']) {
      expect((await send(alice.token, 'POST', `/conversations/${conv.id}/messages`, { content })).status).toBe(201);
    }
    expect(await messageCount(conv.id)).toBe(3);
    expect((await call(alice.token, `/conversations/${conv.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await messageCount(conv.id)).toBe(0);
  });

  it('shows a page of the newest messages, oldest first, and says when there are more', async () => {
    const conv = await create(alice);
    const insert = env.DB.prepare("INSERT INTO messages (id, conversation_id, role, content, created_at) VALUES (?, ?, 'user', ?, ?)");
    // Ids sort with their creation time, as newId's do.
    const id = (i: number) => `msg_seed${String(i).padStart(6, '0')}`;
    await env.DB.batch(Array.from({ length: 501 }, (_, i) => insert.bind(id(i), conv.id, `m${i}`, 1_000_000 + i)));
    // Written as before messages had parents: the migration's backfill makes them one path.
    await backfillMessageTree();

    const detail = await (await call(alice.token, `/conversations/${conv.id}?limit=200`)).json<Detail>();
    expect(detail.hasMoreMessages).toBe(true);
    expect(detail.messages).toHaveLength(200);
    expect(detail.messages[0]?.id).toBe(id(301));
    expect(detail.messages.at(-1)?.id).toBe(id(500));
    // The default page is smaller.
    expect((await (await call(alice.token, `/conversations/${conv.id}`)).json<Detail>()).messages).toHaveLength(50);
  });

  it('answers a malformed or unknown id with 404, not 400', async () => {
    for (const path of ['/conversations/nope', '/conversations/conv_UPPER0000000000', '/conversations/conv_0000000000000000000000']) {
      await expectError(await call(alice.token, path), 404, 'not_found');
      await expectError(await send(alice.token, 'PATCH', path, { title: 'x' }), 404, 'not_found');
      await expectError(await send(alice.token, 'POST', `${path}/messages`, { content: 'x' }), 404, 'not_found');
      await expectError(await call(alice.token, path, { method: 'DELETE' }), 404, 'not_found');
    }
  });
});

describe('GET /conversations pagination', () => {
  it('pages through 25 conversations newest first, without duplicates, and ends with a null cursor', async () => {
    const user = await newUser(key);
    const created: Conversation[] = [];
    for (let i = 0; i < 25; i++) created.push(await create(user, { title: `#${i}` }));
    // Groups of four share an updatedAt, so the id breaks ties and some ties straddle a page boundary.
    const stamps = created.map((c, i) => ({ id: c.id, updatedAt: 1_700_000_000_000 + Math.floor(i / 4) * 60_000 }));
    for (const s of stamps) await backdate(s.id, s.updatedAt);
    const expected = stamps
      .toSorted((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : -1))
      .map((s) => s.id);

    const pages: Page[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '?limit=10' : `?limit=10&cursor=${cursor}`;
      const res = await call(user.token, `/conversations${query}`);
      expect(res.status).toBe(200);
      const page = await res.json<Page>();
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor !== null && pages.length < 5);

    expect(pages.map((p) => p.items.length)).toEqual([10, 10, 5]);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    const ids = pages.flatMap((p) => p.items.map((c) => c.id));
    expect(new Set(ids).size).toBe(25);
    expect(ids).toEqual(expected);
    expect(pages[0]?.items[0]?.updatedAt).toBe(new Date(1_700_000_000_000 + 6 * 60_000).toISOString());
  });

  it('puts the conversation with the latest message first', async () => {
    const user = await newUser(key);
    const older = await create(user);
    const newer = await create(user);
    await backdate(older.id, 1_000);
    await backdate(newer.id, 2_000);
    const before = await (await call(user.token, '/conversations')).json<Page>();
    expect(before.items.map((c) => c.id)).toEqual([newer.id, older.id]);

    await send(user.token, 'POST', `/conversations/${older.id}/messages`, { content: 'bump' });
    const after = await (await call(user.token, '/conversations')).json<Page>();
    expect(after.items.map((c) => c.id)).toEqual([older.id, newer.id]);
    expect(after.nextCursor).toBeNull();
  });

  it('defaults to 20 and bounds the limit to 1–100', async () => {
    const user = await newUser(key);
    for (let i = 0; i < 21; i++) await create(user);
    const page = await (await call(user.token, '/conversations')).json<Page>();
    expect(page.items).toHaveLength(20);
    expect(page.nextCursor).toEqual(expect.any(String));
    await expectError(await call(user.token, '/conversations?limit=0'), 400, 'invalid_request', /^query\.limit/);
    await expectError(await call(user.token, '/conversations?limit=101'), 400, 'invalid_request', /^query\.limit/);
    await expectError(await call(user.token, '/conversations?limit=ten'), 400, 'invalid_request', /^query\.limit/);
  });

  it('rejects a cursor it did not issue with 400 naming query.cursor', async () => {
    const forged = [
      'not a cursor!',
      'a',
      b64url('hello'),
      b64url('1700000000000:usr_0000000000000000000000'),
      b64url('soon:conv_0000000000000000000000'),
      b64url(JSON.stringify({ updatedAt: 1, id: 'conv_0000000000000000000000' })),
    ];
    for (const cursor of forged) {
      await expectError(await call(alice.token, `/conversations?cursor=${encodeURIComponent(cursor)}`), 400, 'invalid_request', /^query\.cursor/);
    }
  });
});

describe('validation', () => {
  it('names the bad field in a 400', async () => {
    const conv = await create(alice);
    const cases: [string, string, unknown, RegExp][] = [
      ['POST', '/conversations', { title: '' }, /^body\.title/],
      ['POST', '/conversations', { title: '   ' }, /^body\.title/],
      ['POST', '/conversations', { title: 'x'.repeat(201) }, /^body\.title/],
      ['POST', '/conversations', { model: 'm'.repeat(101) }, /^body\.model/],
      ['PATCH', `/conversations/${conv.id}`, { title: 'x'.repeat(201) }, /^body\.title/],
      ['PATCH', `/conversations/${conv.id}`, {}, /^body/],
      ['POST', `/conversations/${conv.id}/messages`, { content: '' }, /^body\.content/],
      ['POST', `/conversations/${conv.id}/messages`, { content: ' \n\t ' }, /^body\.content/],
      ['POST', `/conversations/${conv.id}/messages`, { content: 'x'.repeat(32_001) }, /^body\.content/],
      ['POST', `/conversations/${conv.id}/messages`, {}, /^body\.content/],
    ];
    for (const [method, path, body, field] of cases) {
      await expectError(await send(alice.token, method, path, body), 400, 'invalid_request', field);
    }
    expect(await messageCount(conv.id)).toBe(0);
  });

  it('accepts the limits themselves', async () => {
    expect((await create(alice, { title: 'x'.repeat(200) })).title).toHaveLength(200);
    const conv = await create(alice);
    const res = await send(alice.token, 'POST', `/conversations/${conv.id}/messages`, { content: 'x'.repeat(32_000) });
    expect(res.status).toBe(201);
  });

  it('rejects a body that is not JSON', async () => {
    const conv = await create(alice);
    for (const [method, path] of [
      ['POST', '/conversations'],
      ['PATCH', `/conversations/${conv.id}`],
      ['POST', `/conversations/${conv.id}/messages`],
    ] as const) {
      await expectError(await call(alice.token, path, { method, body: '{"title": ' }), 400, 'invalid_request');
    }
  });
});

describe('ownership and access', () => {
  it("treats another user's conversation as missing", async () => {
    const mine = await create(alice, { title: 'Private' });
    await send(alice.token, 'POST', `/conversations/${mine.id}/messages`, { content: 'secret' });

    await expectError(await call(bob.token, `/conversations/${mine.id}`), 404, 'not_found');
    await expectError(await send(bob.token, 'PATCH', `/conversations/${mine.id}`, { title: 'Mine now' }), 404, 'not_found');
    await expectError(await send(bob.token, 'POST', `/conversations/${mine.id}/messages`, { content: 'hi' }), 404, 'not_found');
    await expectError(await call(bob.token, `/conversations/${mine.id}`, { method: 'DELETE' }), 404, 'not_found');
    const bobs = await (await call(bob.token, '/conversations?limit=100')).json<Page>();
    expect(bobs.items.map((c) => c.id)).not.toContain(mine.id);

    const intact = await (await call(alice.token, `/conversations/${mine.id}`)).json<Detail>();
    expect(intact.title).toBe('Private');
    expect(intact.messages.map((m) => m.content)).toEqual(['secret']);
    const alices = await (await call(alice.token, '/conversations?limit=100')).json<Page>();
    expect(alices.items.map((c) => c.id)).toContain(mine.id);
  });

  it('needs the conversations scopes', async () => {
    const conv = await create(alice);
    const chatOnly = await sign(key, { sub: alice.id, scopes: ['chat:write'] });
    const forbidden: [string, string][] = [
      ['GET', '/conversations'],
      ['POST', '/conversations'],
      ['GET', `/conversations/${conv.id}`],
      ['PATCH', `/conversations/${conv.id}`],
      ['DELETE', `/conversations/${conv.id}`],
      ['POST', `/conversations/${conv.id}/messages`],
    ];
    for (const [method, path] of forbidden) {
      const init: RequestInit = method === 'POST' || method === 'PATCH' ? { method, body: JSON.stringify({ title: 't', content: 'c' }) } : { method };
      await expectError(await call(chatOnly, path, init), 403, 'insufficient_scope');
    }

    const readOnly = await sign(key, { sub: alice.id, scopes: ['conversations:read'] });
    expect((await call(readOnly, `/conversations/${conv.id}`)).status).toBe(200);
    const denied = await send(readOnly, 'POST', '/conversations', {});
    await expectError(denied, 403, 'insufficient_scope');
  });

  it('needs a token', async () => {
    for (const [method, path] of [
      ['GET', '/conversations'],
      ['POST', '/conversations'],
      ['GET', '/conversations/conv_0000000000000000000000'],
    ] as const) {
      const res = await SELF.fetch(`https://api.test${path}`, { method });
      await expectError(res, 401, 'invalid_token');
    }
  });

  it('is a 404 when the token outlives its user', async () => {
    const ghost = await sign(key, { sub: 'usr_ghost' });
    await expectError(await send(ghost, 'POST', '/conversations', {}), 404, 'not_found');
  });
});

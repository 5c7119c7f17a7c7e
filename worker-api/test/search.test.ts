import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './support/errors';
import { authed, publishedKey, type TestKey } from './support/tokens';
import { newUser } from './support/users';

type Hit = { id: string; title: string; match?: { messageId: string | null; snippet: { text: string; match: boolean }[] } };
type Page = { items: Hit[]; nextCursor: string | null };
type User = { id: string; token: string };

let key: TestKey;
let alice: User;
let bob: User;

beforeAll(async () => {
  key = await publishedKey();
  alice = await newUser(key);
  bob = await newUser(key);
});

function call(user: User, path: string, init: RequestInit = {}): Promise<Response> {
  return SELF.fetch(`https://api.test${path}`, authed(user.token, init));
}

/** A conversation titled `title` holding `messages` as user turns. */
async function conversation(user: User, title: string, ...messages: string[]): Promise<{ id: string; messageIds: string[] }> {
  const { id } = await (await call(user, '/conversations', { method: 'POST', body: JSON.stringify({ title }) })).json<{ id: string }>();
  const messageIds: string[] = [];
  for (const content of messages) {
    const res = await call(user, `/conversations/${id}/messages`, { method: 'POST', body: JSON.stringify({ content }) });
    expect(res.status).toBe(201);
    messageIds.push((await res.json<{ id: string }>()).id);
  }
  return { id, messageIds };
}

async function search(user: User, q: string, extra = ''): Promise<Page> {
  const res = await call(user, `/conversations?q=${encodeURIComponent(q)}${extra}`);
  expect(res.status).toBe(200);
  return res.json<Page>();
}

const matched = (hit: Hit | undefined) => hit?.match?.snippet.filter((p) => p.match).map((p) => p.text);

/** FTS5's own check that an external-content index agrees with its table; it throws when not. */
async function indexInStep(): Promise<void> {
  await env.DB.prepare("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)").run();
  await env.DB.prepare("INSERT INTO conversations_fts (conversations_fts, rank) VALUES ('integrity-check', 1)").run();
}

describe('GET /conversations?q=', () => {
  it('finds Korean inside compound words, with three characters through the index and two through the fallback', async () => {
    const trip = await conversation(alice, '주말 계획', '이번 주말에 바다낚시 가려고 하는데 준비물이 뭐예요?');
    await conversation(alice, '점심', '오늘 점심은 비빔밥');

    for (const q of ['낚시', '바다낚', '바다낚시 준비물']) {
      const page = await search(alice, q);
      expect(page.items.map((i) => i.id), q).toEqual([trip.id]);
      expect(page.items[0]?.match?.messageId).toBe(trip.messageIds[0]);
      expect(page.items[0]?.match?.snippet.map((p) => p.text).join('')).toContain('바다낚시');
    }
    expect(matched((await search(alice, '낚시')).items[0])).toEqual(['낚시']);
    expect(matched((await search(alice, '바다낚')).items[0])).toEqual(['바다낚']);
    expect((await search(alice, '낚시터')).items).toEqual([]);
  });

  it('finds English words case-insensitively, every word of the query, titles too, newest first', async () => {
    const older = await conversation(alice, 'Deploying', 'How do I deploy a Cloudflare Worker with D1?');
    const newer = await conversation(alice, 'Workers again', 'Is a Durable Object a worker too?');
    const titled = await conversation(alice, 'Kimchi recipes', 'what goes in it');

    const workers = await search(alice, 'WORKER');
    expect(workers.items.map((i) => i.id)).toEqual([newer.id, older.id]);
    expect(matched(workers.items[1])).toEqual(['Worker']);

    expect((await search(alice, 'deploy cloudflare')).items.map((i) => i.id)).toEqual([older.id]);
    expect((await search(alice, 'deploy kimchi')).items).toEqual([]);

    const byTitle = await search(alice, 'kimchi');
    expect(byTitle.items.map((i) => i.id)).toEqual([titled.id]);
    expect(byTitle.items[0]?.match).toEqual({ messageId: null, snippet: [{ text: 'Kimchi', match: true }, { text: ' recipes', match: false }] });
    // Short words take the fallback, which reads titles too, and % is plain text there.
    expect((await search(alice, 'D1')).items.map((i) => i.id)).toEqual([older.id]);
    expect((await search(alice, '%')).items).toEqual([]);
  });

  it("never shows another user's conversations", async () => {
    await conversation(bob, '밥의 낚시', 'bob-only 바다낚시 secret');
    expect((await search(alice, 'bob-only')).items).toEqual([]);
    expect((await search(alice, '밥의')).items).toEqual([]);
    expect((await search(bob, 'bob-only')).items).toHaveLength(1);
    expect((await search(bob, '낚시')).items).toHaveLength(1);
  });

  it('pages like the list', async () => {
    for (let i = 0; i < 3; i++) await conversation(alice, `pager ${i}`, 'zebra-pages here');
    const first = await search(alice, 'zebra-pages', '&limit=2');
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await search(alice, 'zebra-pages', `&limit=2&cursor=${first.nextCursor}`);
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.items, ...second.items].map((i) => i.id)).size).toBe(3);
  });

  it('keeps the index in step when a conversation is renamed or deleted', async () => {
    const conv = await conversation(alice, 'Gyeongju temples', 'Bulguksa or Seokguram first?');
    expect((await search(alice, 'temples')).items).toHaveLength(1);

    await call(alice, `/conversations/${conv.id}`, { method: 'PATCH', body: JSON.stringify({ title: 'Andong mask dance' }) });
    expect((await search(alice, 'temples')).items).toEqual([]);
    expect((await search(alice, 'mask dance')).items.map((i) => i.id)).toEqual([conv.id]);
    await indexInStep();

    expect((await call(alice, `/conversations/${conv.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await search(alice, 'Seokguram')).items).toEqual([]);
    expect((await search(alice, 'mask dance')).items).toEqual([]);
    await indexInStep();
  });

  it('refuses an empty or overlong query', async () => {
    await expectError(await call(alice, '/conversations?q=%20%20'), 400, 'invalid_request');
    await expectError(await call(alice, `/conversations?q=${'a'.repeat(201)}`), 400, 'invalid_request');
  });
});

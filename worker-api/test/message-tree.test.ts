import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { expectError } from './support/errors';
import { backfillMessageTree } from './support/legacy';
import { eventsOf, readSse } from './support/sse';
import { authed, publishedKey, type TestKey } from './support/tokens';
import { newUser } from './support/users';

type Versions = { position: number; count: number; previousId: string | null; nextId: string | null };
type PathMessage = { id: string; role: string; content: string; parentId: string | null; versions: Versions | null };
type Detail = { id: string; messages: PathMessage[]; activeGeneration: unknown };
type FakeRequest = { prompt: { role: string; content: string }[] };
type User = { id: string; token: string };

const fakeOrigin = new URL(inject('openaiBaseUrl')).origin;
let key: TestKey;
let alice: User;

beforeAll(async () => {
  key = await publishedKey();
  alice = await newUser(key);
});

function call(user: User, path: string, init: RequestInit = {}): Promise<Response> {
  return SELF.fetch(`https://api.test${path}`, authed(user.token, init));
}

/** Streams one answer to its end and gives back the meta event's ids. */
async function answered(res: Response): Promise<{ conversationId: string; messageId: string }> {
  expect(res.status).toBe(200);
  const events = eventsOf(await readSse(res));
  expect(events.at(-1)?.event).toBe('done');
  return events[0]?.data as { conversationId: string; messageId: string };
}

function ask(user: User, body: Record<string, unknown>): Promise<{ conversationId: string; messageId: string }> {
  return call(user, '/ai/stream', { method: 'POST', body: JSON.stringify(body) }).then(answered);
}

async function detail(user: User, convId: string): Promise<Detail> {
  const res = await call(user, `/conversations/${convId}`);
  expect(res.status).toBe(200);
  return res.json<Detail>();
}

/** The prompt the fake provider received for the request whose last user message is `question`. */
async function promptFor(question: string): Promise<FakeRequest['prompt']> {
  const stats = await (await fetch(`${fakeOrigin}/__fake/stats`)).json<{ lastRequests: FakeRequest[] }>();
  const request = stats.lastRequests.findLast((r) => r.prompt.findLast((m) => m.role === 'user')?.content === question);
  if (!request) throw new Error(`the fake saw no request for ${question}`);
  return request.prompt;
}

const turns = (prompt: FakeRequest['prompt']) => prompt.filter((m) => m.role !== 'system').map((m) => `${m.role}:${m.role === 'user' ? m.content : '…'}`);

describe('messages form a tree', () => {
  it('an edit is a sibling of the edited question, answered from the history before it', async () => {
    const first = await ask(alice, { content: 'tree-edit: where is Busan?' });
    const conv = first.conversationId;
    await ask(alice, { convId: conv, content: 'tree-edit: and Jeju?' });
    const before = await detail(alice, conv);
    expect(before.messages.map((m) => m.content.startsWith('tree-edit') ? m.content : m.role)).toEqual(['tree-edit: where is Busan?', 'assistant', 'tree-edit: and Jeju?', 'assistant']);
    const jeju = before.messages[2]!;

    await ask(alice, { convId: conv, editOf: jeju.id, content: 'tree-edit: and Gyeongju?' });
    const after = await detail(alice, conv);
    expect(after.messages).toHaveLength(4);
    const edited = after.messages[2]!;
    expect(edited).toMatchObject({ role: 'user', content: 'tree-edit: and Gyeongju?', parentId: jeju.parentId, versions: { position: 2, count: 2, previousId: jeju.id, nextId: null } });
    expect(after.messages[3]).toMatchObject({ role: 'assistant', parentId: edited.id, versions: null });
    expect(after.messages.slice(0, 2)).toEqual(before.messages.slice(0, 2));
    // The provider saw the first exchange and the new question, never the replaced one.
    expect(turns(await promptFor('tree-edit: and Gyeongju?'))).toEqual(['user:tree-edit: where is Busan?', 'assistant:…', 'user:tree-edit: and Gyeongju?']);
  });

  it('a regenerated answer is a sibling of the last one, and a given answer can be regenerated', async () => {
    const { conversationId: conv, messageId: firstAnswer } = await ask(alice, { content: 'tree-regen: name a river' });
    const regen = await answered(await call(alice, `/ai/stream?convId=${conv}&regenerate=1`));
    const read = await detail(alice, conv);
    expect(read.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(read.messages[1]).toMatchObject({ id: regen.messageId, parentId: read.messages[0]!.id, versions: { position: 2, count: 2, previousId: firstAnswer, nextId: null } });

    const third = await answered(await call(alice, `/ai/stream?convId=${conv}&regenerate=1&messageId=${firstAnswer}`));
    const again = await detail(alice, conv);
    expect(again.messages[1]).toMatchObject({ id: third.messageId, versions: { position: 3, count: 3, previousId: regen.messageId, nextId: null } });
    expect(turns(await promptFor('tree-regen: name a river'))).toEqual(['user:tree-regen: name a river']);

    await expectError(await call(alice, `/ai/stream?convId=${conv}&regenerate=1&messageId=${again.messages[0]!.id}`), 404, 'not_found');
    await expectError(await call(alice, `/ai/stream?convId=${conv}&regenerate=1&messageId=msg_nope`), 404, 'not_found');
  });

  it("stores each message at its depth in the tree: a sibling from an edit or a regenerate at its version's", async () => {
    // Five answers: a user of its own, within the stream-start limit.
    const carol = await newUser(key);
    const { conversationId: conv } = await ask(carol, { content: 'tree-depth: one' });
    await ask(carol, { convId: conv, content: 'tree-depth: two' });
    const two = (await detail(carol, conv)).messages[2]!;
    await ask(carol, { convId: conv, editOf: two.id, content: 'tree-depth: two, edited' });
    await answered(await call(carol, `/ai/stream?convId=${conv}&regenerate=1`));
    expect((await call(carol, `/conversations/${conv}/messages`, { method: 'POST', body: JSON.stringify({ content: 'tree-depth: three' }) })).status).toBe(201);

    const { results } = await env.DB.prepare('SELECT role, content, depth FROM messages WHERE conversation_id = ? ORDER BY created_at, id').bind(conv).all<{ role: string; content: string; depth: number }>();
    expect(results.map((m) => [m.role === 'user' ? m.content : m.role, m.depth])).toEqual([
      ['tree-depth: one', 0],
      ['assistant', 1],
      ['tree-depth: two', 2],
      ['assistant', 3],
      ['tree-depth: two, edited', 2],
      ['assistant', 3],
      // The regenerated answer, a sibling of the one before it.
      ['assistant', 3],
      ['tree-depth: three', 4],
    ]);
    expect((await detail(carol, conv)).messages.map((m) => m.content.startsWith('tree-depth') ? m.content : m.role)).toEqual([
      'tree-depth: one',
      'assistant',
      'tree-depth: two, edited',
      'assistant',
      'tree-depth: three',
    ]);
  });

  it('select switches the path, to the newest descendants of the chosen version, and the next prompt follows it', async () => {
    const { conversationId: conv } = await ask(alice, { content: 'tree-select: first' });
    await ask(alice, { convId: conv, content: 'tree-select: second' });
    await ask(alice, { convId: conv, content: 'tree-select: third' });
    const original = await detail(alice, conv);
    const second = original.messages[2]!;
    await ask(alice, { convId: conv, editOf: second.id, content: 'tree-select: second, edited' });
    expect((await detail(alice, conv)).messages).toHaveLength(4);

    const selected = await call(alice, `/conversations/${conv}/select`, { method: 'POST', body: JSON.stringify({ messageId: second.id }) });
    expect(selected.status).toBe(200);
    const back = await selected.json<Detail>();
    // Back on the first version, down to its newest descendant: the third exchange again.
    expect(back.messages.map((m) => m.id)).toEqual(original.messages.map((m) => m.id));
    expect(back.messages[2]?.versions).toEqual({ position: 1, count: 2, previousId: null, nextId: expect.stringMatching(/^msg_/) });
    expect(await detail(alice, conv)).toEqual(back);

    await ask(alice, { convId: conv, content: 'tree-select: fourth' });
    expect(turns(await promptFor('tree-select: fourth'))).toEqual([
      'user:tree-select: first',
      'assistant:…',
      'user:tree-select: second',
      'assistant:…',
      'user:tree-select: third',
      'assistant:…',
      'user:tree-select: fourth',
    ]);
  });

  it('select is owner-only and takes only a message of that conversation', async () => {
    const { conversationId: conv, messageId } = await ask(alice, { content: 'tree-owner: hello' });
    const { conversationId: other } = await ask(alice, { content: 'tree-owner: elsewhere' });
    const bob = await newUser(key);
    const select = (user: User, convId: string, id: string) => call(user, `/conversations/${convId}/select`, { method: 'POST', body: JSON.stringify({ messageId: id }) });
    await expectError(await select(bob, conv, messageId), 404, 'not_found');
    await expectError(await select(alice, other, messageId), 404, 'not_found');
    await expectError(await select(alice, conv, 'msg_missing'), 404, 'not_found');
    await expectError(await select(alice, conv, ''), 400, 'invalid_request');
    await expectError(await call(bob, '/ai/stream', { method: 'POST', body: JSON.stringify({ convId: conv, editOf: messageId, content: 'mine now' }) }), 404, 'not_found');
    await expectError(await call(bob, `/ai/stream?convId=${conv}&regenerate=1&messageId=${messageId}`), 404, 'not_found');
  });

  it('an edit needs a user message of the conversation, and a conversation', async () => {
    const { conversationId: conv, messageId: answer } = await ask(alice, { content: 'tree-bad-edit: hi' });
    const post = (body: unknown) => call(alice, '/ai/stream', { method: 'POST', body: JSON.stringify(body) });
    await expectError(await post({ convId: conv, editOf: answer, content: 'x' }), 404, 'not_found');
    await expectError(await post({ editOf: answer, content: 'x' }), 400, 'invalid_request');
  });

  it('a conversation written before the tree reads exactly as it did, and goes on from its last message', async () => {
    const conv = await (await call(alice, '/conversations', { method: 'POST', body: '{}' })).json<{ id: string }>();
    await env.DB.prepare('UPDATE conversations SET current_leaf_id = NULL WHERE id = ?').bind(conv.id).run();
    const insert = env.DB.prepare('INSERT INTO messages (id, conversation_id, role, content, created_at) VALUES (?, ?, ?, ?, ?)');
    // As stored before: a question, an answer, then a regenerated answer stacked under it.
    const legacy = [
      ['msg_legacy00000a', 'user', 'legacy: what is D1?'],
      ['msg_legacy00000b', 'assistant', 'SQLite at the edge.'],
      ['msg_legacy00000c', 'assistant', 'A database.'],
      ['msg_legacy00000d', 'user', 'legacy: and KV?'],
      ['msg_legacy00000e', 'assistant', 'A key-value store.'],
    ] as const;
    await env.DB.batch(legacy.map(([id, role, content], i) => insert.bind(id, conv.id, role, content, 5_000 + i)));
    await backfillMessageTree();

    const read = await detail(alice, conv.id);
    expect(read.messages.map((m) => [m.id, m.role, m.content, m.versions])).toEqual(legacy.map(([id, role, content]) => [id, role, content, null]));
    expect(read.messages.map((m) => m.parentId)).toEqual([null, ...legacy.slice(0, -1).map(([id]) => id)]);
    const depths = await env.DB.prepare('SELECT depth FROM messages WHERE conversation_id = ? ORDER BY created_at').bind(conv.id).all<{ depth: number }>();
    expect(depths.results.map((m) => m.depth)).toEqual([0, 1, 2, 3, 4]);

    await ask(alice, { convId: conv.id, content: 'legacy: and R2?' });
    expect(turns(await promptFor('legacy: and R2?'))).toEqual(['user:legacy: what is D1?', 'assistant:…', 'assistant:…', 'user:legacy: and KV?', 'assistant:…', 'user:legacy: and R2?']);
    expect((await detail(alice, conv.id)).messages).toHaveLength(7);
  });
});

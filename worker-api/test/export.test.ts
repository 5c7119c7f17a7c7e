import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './support/errors';
import { eventsOf, readSse } from './support/sse';
import { authed, publishedKey, type TestKey } from './support/tokens';
import { newUser } from './support/users';

type User = { id: string; token: string };

let key: TestKey;

beforeAll(async () => {
  key = await publishedKey();
});

function call(user: User, path: string, init: RequestInit = {}): Promise<Response> {
  return SELF.fetch(`https://api.test${path}`, authed(user.token, init));
}

/** A conversation with one answered question, then that question edited and answered again. */
async function editedConversation(user: User): Promise<{ id: string; answer: string }> {
  const ask = async (body: unknown) => {
    const res = await call(user, '/ai/stream', { method: 'POST', body: JSON.stringify(body) });
    const events = eventsOf(await readSse(res));
    return events[0]?.data as { conversationId: string; messageId: string };
  };
  const first = await ask({ content: '부산 여행: 어디부터 갈까요?' });
  const detail = await (await call(user, `/conversations/${first.conversationId}`)).json<{ messages: { id: string }[] }>();
  const edited = await ask({ convId: first.conversationId, editOf: detail.messages[0]!.id, content: '부산 여행: 해운대는 어때요?' });
  const answer = await env.DB.prepare('SELECT content FROM messages WHERE id = ?').bind(edited.messageId).first<{ content: string }>();
  return { id: first.conversationId, answer: answer?.content ?? '' };
}

describe('GET /conversations/:id/export', () => {
  it('downloads the selected path as Markdown, named after the title', async () => {
    const user = await newUser(key);
    const conv = await editedConversation(user);
    const res = await call(user, `/conversations/${conv.id}/export?format=md`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/markdown; charset=utf-8');
    expect(res.headers.get('Content-Disposition')).toBe(`attachment; filename="conversation.md"; filename*=UTF-8''${encodeURIComponent('부산-여행-어디부터-갈까요.md')}`);
    const text = await res.text();
    expect(text.startsWith('# 부산 여행: 어디부터 갈까요?\n')).toBe(true);
    expect(text).toContain('### You\n\n부산 여행: 해운대는 어때요?\n');
    expect(text).toContain(`### Assistant (gpt-4o-mini)\n\n${conv.answer}\n`);
    // Only the selected path: the question it replaced is not in it.
    expect(text).not.toContain('### You\n\n부산 여행: 어디부터');
  });

  it('downloads it as JSON, and is owner-only', async () => {
    const user = await newUser(key);
    const conv = await editedConversation(user);
    const res = await call(user, `/conversations/${conv.id}/export?format=json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Disposition')).toMatch(/^attachment; filename="conversation.json"/);
    const body = await res.json<{ id: string; title: string; messages: { role: string; content: string }[] }>();
    expect(body).toMatchObject({ id: conv.id, title: '부산 여행: 어디부터 갈까요?' });
    expect(body.messages.map((m) => [m.role, m.role === 'user' ? m.content : '…'])).toEqual([
      ['user', '부산 여행: 해운대는 어때요?'],
      ['assistant', '…'],
    ]);

    const stranger = await newUser(key);
    await expectError(await call(stranger, `/conversations/${conv.id}/export?format=json`), 404, 'not_found');
    await expectError(await call(user, `/conversations/${conv.id}/export?format=pdf`), 400, 'invalid_request');
  });
});

describe('DELETE /conversations?all=true', () => {
  it("deletes every conversation of the caller's account and nobody else's", async () => {
    const user = await newUser(key);
    const other = await newUser(key);
    for (const title of ['one', 'two', 'three']) await call(user, '/conversations', { method: 'POST', body: JSON.stringify({ title: `wipe-me ${title}` }) });
    const kept = await (await call(other, '/conversations', { method: 'POST', body: JSON.stringify({ title: 'wipe-me not' }) })).json<{ id: string }>();

    await expectError(await call(user, '/conversations', { method: 'DELETE' }), 400, 'invalid_request');
    const res = await call(user, '/conversations?all=true', { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ deleted: 3 });
    expect((await (await call(user, '/conversations')).json<{ items: unknown[] }>()).items).toEqual([]);
    expect((await (await call(user, '/conversations?q=wipe-me')).json<{ items: unknown[] }>()).items).toEqual([]);
    expect((await call(other, `/conversations/${kept.id}`)).status).toBe(200);
    expect(await (await call(user, '/conversations?all=true', { method: 'DELETE' })).json()).toEqual({ deleted: 0 });
  });
});

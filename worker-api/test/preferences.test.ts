import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { expectError } from './support/errors';
import { eventsOf, readSse } from './support/sse';
import { authed, publishedKey, type TestKey } from './support/tokens';
import { newUser } from './support/users';

type Prompt = { role: string; content: string }[];
type User = { id: string; token: string };

const fakeOrigin = new URL(inject('openaiBaseUrl')).origin;
let key: TestKey;

beforeAll(async () => {
  key = await publishedKey();
});

function call(user: User, path: string, init: RequestInit = {}): Promise<Response> {
  return SELF.fetch(`https://api.test${path}`, authed(user.token, init));
}

const put = (user: User, body: unknown) => call(user, '/me/preferences', { method: 'PUT', body: JSON.stringify(body) });

/** Asks `question` in a new conversation and gives back the prompt the fake received, and the prompt tokens the ledger charged. */
async function ask(user: User, question: string): Promise<{ prompt: Prompt; charged: number }> {
  const res = await call(user, '/ai/stream', { method: 'POST', body: JSON.stringify({ content: question }) });
  expect(res.status).toBe(200);
  expect(eventsOf(await readSse(res)).at(-1)?.event).toBe('done');
  const stats = await (await fetch(`${fakeOrigin}/__fake/stats`)).json<{ lastRequests: { prompt: Prompt }[] }>();
  const request = stats.lastRequests.findLast((r) => r.prompt.at(-1)?.content === question);
  if (!request) throw new Error(`the fake saw no request for ${question}`);
  const row = await env.DB.prepare('SELECT prompt_tokens AS n FROM usage_events WHERE user_id = ? ORDER BY created_at DESC LIMIT 1').bind(user.id).first<{ n: number }>();
  return { prompt: request.prompt, charged: row?.n ?? 0 };
}

describe('/me/preferences', () => {
  it('starts with the defaults, stores what is put, and is per user', async () => {
    const alice = await newUser(key);
    const bob = await newUser(key);
    expect(await (await call(alice, '/me/preferences')).json()).toEqual({ instructions: '', language: null });

    const res = await put(alice, { instructions: '반말로 짧게 답해 주세요.', language: 'ko' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ instructions: '반말로 짧게 답해 주세요.', language: 'ko' });
    expect(await (await call(alice, '/me/preferences')).json()).toEqual({ instructions: '반말로 짧게 답해 주세요.', language: 'ko' });
    expect(await (await call(bob, '/me/preferences')).json()).toEqual({ instructions: '', language: null });

    expect(await (await put(alice, { instructions: '', language: null })).json()).toEqual({ instructions: '', language: null });
  });

  it('takes up to 1,500 characters of instructions and a known language', async () => {
    const user = await newUser(key);
    expect((await put(user, { instructions: '가'.repeat(1500), language: null })).status).toBe(200);
    await expectError(await put(user, { instructions: '가'.repeat(1501), language: null }), 400, 'invalid_request');
    await expectError(await put(user, { instructions: 'x', language: 'klingon' }), 400, 'invalid_request');
    await expectError(await put(user, { instructions: 'x' }), 400, 'invalid_request');
    await expectError(await put(user, 'not json'), 400, 'invalid_request');
  });

  it('sends the instructions and the language as the system message of the next answer, and charges for them', async () => {
    const user = await newUser(key);
    const plain = await ask(user, 'prefs: before any instructions');
    expect(plain.prompt[0]?.role).toBe('system');
    expect(plain.prompt[0]?.content).toContain('Answer in the language the user writes in.');

    const instructions = 'Always end with a haiku about the sea. '.repeat(20).trim();
    await put(user, { instructions, language: 'en' });
    const styled = await ask(user, 'prefs: after the instructions');
    expect(styled.prompt.filter((m) => m.role === 'system')).toHaveLength(1);
    expect(styled.prompt[0]?.content).toContain('Always answer in English.');
    expect(styled.prompt[0]?.content).toContain(instructions);
    expect(styled.prompt.at(-1)).toEqual({ role: 'user', content: 'prefs: after the instructions' });
    // The instructions are part of the prompt the quota pays for.
    expect(styled.charged).toBeGreaterThan(plain.charged + 150);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_KNOBS } from '../src/knobs';
import type { FakeOpenAI } from '../src/server';
import { chat, chunksOf, control, startFake } from './support';

let fake: FakeOpenAI;

beforeAll(async () => {
  ({ fake } = await startFake({ ttftMs: 5, gapMs: 1, tokens: 6 }));
});
afterAll(() => fake.close());

const contentChunks = async (headers: Record<string, string> = {}) =>
  (await chunksOf(await chat(fake, {}, headers))).chunks.filter((c) => c.choices[0]?.delta.content).length;

describe('/__fake/config', () => {
  it('changes the defaults at runtime and answers them', async () => {
    const { status, json } = await control(fake, 'POST', 'config', { tokens: 2, failMode: 'drop', gapMs: 0 });
    expect(status).toBe(200);
    expect(json).toEqual({ ...DEFAULT_KNOBS, ttftMs: 5, gapMs: 0, tokens: 2, failMode: 'drop' });
    expect((await control(fake, 'GET', 'config')).json).toEqual(json);
    expect(await contentChunks()).toBe(2);
  });

  it('applies a runtime status to every request, and null drops it again', async () => {
    await control(fake, 'POST', 'config', { status: 503 });
    const refused = await chat(fake);
    expect(refused.status).toBe(503);
    await refused.body?.cancel();
    await control(fake, 'POST', 'config', { status: null });
    const fine = await chat(fake);
    expect(fine.status).toBe(200);
    await fine.text();
  });

  it.each([
    [{ tokenz: 3 }, /unknown knob "tokenz"/],
    [{ ttftMs: -1 }, /config ttftMs/],
    [{ hang: { yes: true } }, /expected a string, number, boolean or null/],
    [[1, 2], /JSON object/],
  ])('refuses %j with 400 and changes nothing', async (body, message) => {
    const before = (await control(fake, 'GET', 'config')).json;
    const { status, json } = await control(fake, 'POST', 'config', body);
    expect(status).toBe(400);
    expect((json as { error: { message: string } }).error.message).toMatch(message);
    expect((await control(fake, 'GET', 'config')).json).toEqual(before);
  });
});

describe('a provider that fails and recovers, or is down (for fallbacks through the Worker)', () => {
  it('fails the next N requests with failStatus and Retry-After, counting down, then answers again', async () => {
    await control(fake, 'POST', 'reset');
    const { json } = await control(fake, 'POST', 'config', { failNext: 2, failStatus: 503, retryAfter: 3 });
    expect(json).toMatchObject({ failNext: 2, failStatus: 503, retryAfter: 3 });
    for (const left of [1, 0]) {
      const refused = await chat(fake);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('3');
      expect(((await refused.json()) as { error: { type: string } }).error.type).toBe('server_error');
      expect((await control(fake, 'GET', 'config')).json).toMatchObject({ failNext: left });
    }
    const fine = await chat(fake);
    expect(fine.status).toBe(200);
    await fine.text();
    expect(fake.stats().lastRequests.map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('sends a 429 with Retry-After: 1 by default, and the retry_after directive overrides it', async () => {
    await control(fake, 'POST', 'reset');
    await control(fake, 'POST', 'config', { failNext: 1, failStatus: 429 });
    const limited = await chat(fake);
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '1']);
    await limited.body?.cancel();
    const later = await chat(fake, { messages: [{ role: 'user', content: 'x [[fake status=429 retry_after=7]]' }] });
    expect([later.status, later.headers.get('retry-after')]).toEqual([429, '7']);
    await later.body?.cancel();
  });

  it('refuses failNext in a directive: a countdown belongs to the server, not to one request', async () => {
    const res = await chat(fake, { messages: [{ role: 'user', content: 'x [[fake fail_next=2]]' }] });
    expect(res.status).toBe(400);
    await res.body?.cancel();
  });

  it('when down, cuts every completion unanswered (the caller sees a network error) but still takes control requests', async () => {
    await control(fake, 'POST', 'reset');
    await control(fake, 'POST', 'config', { down: true });
    await expect(chat(fake)).rejects.toThrow();
    expect(fake.stats()).toMatchObject({ requests: 0, dropped: 1 });
    await control(fake, 'POST', 'config', { down: null });
    const fine = await chat(fake);
    expect(fine.status).toBe(200);
    await fine.text();
  });
});

describe('/__fake/reset and /__fake/stats', () => {
  it('records each request with the fields tests through the Worker rely on', async () => {
    await control(fake, 'POST', 'reset');
    const res = await chat(fake, { max_tokens: 40, messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'u' }] });
    await res.text();
    const { json } = await control(fake, 'GET', 'stats');
    expect(json).toEqual({
      requests: 1,
      streamsStarted: 1,
      streamsCompleted: 1,
      streamsAborted: 0,
      streamsFailed: 0,
      dropped: 0,
      lastRequests: [
        {
          id: res.headers.get('x-request-id'),
          model: 'gpt-4o-mini',
          messages: 2,
          prompt: [
            { role: 'system', content: 's' },
            { role: 'user', content: 'u' },
          ],
          max_tokens: 40,           stream: true,
          status: 200,
          tokensSent: 6,
          aborted: false,
          outcome: 'completed',
        },
      ],
    });
    expect(fake.stats()).toEqual(json);
  });

  it('hands out snapshots, not the live counters', async () => {
    const snapshot = fake.stats();
    await (await chat(fake)).text();
    expect(fake.stats().requests).toBe(snapshot.requests + 1);
  });

  it('restores the server defaults and empties the stats', async () => {
    await control(fake, 'POST', 'config', { tokens: 1 });
    await (await chat(fake)).text();
    const { status, json } = await control(fake, 'POST', 'reset');
    expect(status).toBe(200);
    expect(json).toEqual({ ...DEFAULT_KNOBS, ttftMs: 5, gapMs: 1, tokens: 6 });
    expect(fake.stats()).toEqual({ requests: 0, streamsStarted: 0, streamsCompleted: 0, streamsAborted: 0, streamsFailed: 0, dropped: 0, lastRequests: [] });
    expect(await contentChunks()).toBe(6);
  });

  it('404s an unknown control', async () => {
    expect((await control(fake, 'GET', 'nope')).status).toBe(404);
  });
});

import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { openStream, streamAgent } from '../src/sse-client';
import { sql } from '../src/stack';
import { chatStream, dailyQuota, fakeStats, faultStack, ledger, settled, usersOf } from './support/fault-stack';

/**
 * 100 generations stopped mid-answer with POST /ai/generations/:id/stop (contract section 6):
 * each upstream request is aborted (the fake sees it), each partial answer stored as
 * `stopped`, each settled once, and nothing stays reserved.
 */
const stack = faultStack();
const [user] = usersOf('stops');
const STOPS = 100;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

describe(`${STOPS} stops`, () => {
  it('give 100 upstream aborts, 100 partial answers stored as stopped and 100 usage rows', async () => {
    const { token } = user!;
    const sub = user!.claims.sub;
    const before = await fakeStats(stack);
    const agent = streamAgent();
    // Long answers (40 s): the clients leave after a few tokens, the generations go on until stopped.
    const streams = await Promise.all(
      Array.from({ length: STOPS }, (_, i) =>
        openStream(chatStream(stack, token, `stop ${i} [[fake ttft=50 gap=100 tokens=400]]`), { agent, abortAfterTokens: 3, timeoutMs: 30_000 }),
      ),
    );
    agent.destroy();
    expect(streams.filter((r) => !r.aborted).map((r) => `${r.status} ${r.error}`)).toEqual([]);

    const running = await sql<{ id: string }>(stack.persistTo, `SELECT id FROM generations WHERE user_id = '${sub}' AND status = 'running'`);
    expect(running).toHaveLength(STOPS);
    const stopped = await Promise.all(
      running.map(async ({ id }) => {
        const started = performance.now();
        const res = await fetch(`${stack.workerUrl}/ai/generations/${id}/stop`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
        return { status: res.status, body: (await res.json()) as { status?: string }, ms: performance.now() - started };
      }),
    );
    const latencies = stopped.map((s) => s.ms).sort((a, b) => a - b);

    const aborted = await settled(async () => (await fakeStats(stack)).streamsAborted - before.streamsAborted, (n) => n >= STOPS, 10_000);
    const books = await settled(() => ledger(stack, token), (l) => l.requests >= STOPS);
    const quota = await settled(() => dailyQuota(stack, token), (q) => q.reserved === 0, 10_000);
    const [rows] = await sql<{ abortedRows: number; stoppedMessages: number; stoppedGenerations: number; minCompletion: number }>(
      stack.persistTo,
      `SELECT
        (SELECT sum(status = 'aborted') FROM usage_events WHERE user_id = '${sub}') AS abortedRows,
        (SELECT min(completion_tokens) FROM usage_events WHERE user_id = '${sub}') AS minCompletion,
        (SELECT count(*) FROM messages m JOIN generations g ON g.message_id = m.id WHERE g.user_id = '${sub}' AND m.finish_reason = 'stopped' AND m.content != '') AS stoppedMessages,
        (SELECT sum(status = 'stopped') FROM generations WHERE user_id = '${sub}') AS stoppedGenerations`,
    );
    const after = await fakeStats(stack);
    console.log(
      `stops: ${aborted} upstream aborts, ${after.streamsCompleted - before.streamsCompleted} ran to the end; stop answered in p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms; ${books.requests} usage rows (${rows?.abortedRows} 'aborted'), ${rows?.stoppedMessages} partial answers stored; ${quota.reserved} tokens still reserved`,
    );

    expect.soft(stopped.filter((s) => s.status !== 200 || s.body.status !== 'stopped').map((s) => `${s.status} ${JSON.stringify(s.body)}`)).toEqual([]);
    expect.soft(aborted, 'upstream requests the fake saw aborted').toBe(STOPS);
    expect.soft(after.streamsCompleted - before.streamsCompleted, 'upstream streams that ran to the end anyway').toBe(0);
    expect.soft(books.requests, 'usage rows').toBe(STOPS);
    expect.soft(rows?.abortedRows, "usage rows with status 'aborted'").toBe(STOPS);
    expect.soft(rows?.minCompletion, 'what was written before the stop is counted').toBeGreaterThanOrEqual(1);
    expect.soft(rows?.stoppedMessages, "partial answers stored with finishReason 'stopped'").toBe(STOPS);
    expect.soft(rows?.stoppedGenerations, "generations 'stopped'").toBe(STOPS);
    expect.soft(quota.reserved).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { openStream, streamAgent } from '../src/sse-client';
import { sql } from '../src/stack';
import { chatStream, dailyQuota, fakeStats, faultStack, ledger, settled, usersOf } from './support/fault-stack';

/**
 * 100 clients that go away mid-answer (contract section 6: a client that disconnects does
 * not stop its generation): every answer still runs to its end upstream, is stored whole,
 * and its usage is recorded exactly once, as `ok`, without holding a reservation afterwards.
 */
const stack = faultStack();
const [user] = usersOf('aborts');
const ABORTS = 100;
const TOKENS = 40;

describe(`${ABORTS} client disconnects`, () => {
  it('give 100 complete answers stored and 100 usage rows ok, with no upstream aborted', async () => {
    const { token } = user!;
    const before = await fakeStats(stack);
    const agent = streamAgent();
    const results = await Promise.all(
      Array.from({ length: ABORTS }, (_, i) =>
        openStream(chatStream(stack, token, `disconnect ${i} [[fake ttft=50 gap=100 tokens=${TOKENS}]]`), { agent, abortAfterTokens: 3, timeoutMs: 30_000 }),
      ),
    );
    agent.destroy();
    expect(results.filter((r) => !r.aborted).map((r) => `${r.status} ${r.error}`)).toEqual([]);

    // The answers take 4 s upstream after the clients left; the ledger shows them once they are settled.
    const books = await settled(() => ledger(stack, token), (l) => l.requests >= ABORTS, 30_000);
    const quota = await settled(() => dailyQuota(stack, token), (q) => q.reserved === 0, 10_000);
    const [rows] = await sql<{ ok: number; exact: number; whole: number; generationsDone: number }>(
      stack.persistTo,
      `SELECT
        (SELECT sum(status = 'ok') FROM usage_events WHERE user_id = '${user!.claims.sub}') AS ok,
        (SELECT sum(completion_tokens = ${TOKENS} AND estimated = 0) FROM usage_events WHERE user_id = '${user!.claims.sub}') AS exact,
        (SELECT count(*) FROM messages m JOIN generations g ON g.message_id = m.id
          WHERE g.user_id = '${user!.claims.sub}' AND m.finish_reason = 'stop' AND m.completion_tokens = ${TOKENS}) AS whole,
        (SELECT sum(status = 'done') FROM generations WHERE user_id = '${user!.claims.sub}') AS generationsDone`,
    );
    const after = await fakeStats(stack);
    console.log(
      `client disconnects: ${after.streamsCompleted - before.streamsCompleted} upstream streams completed, ${after.streamsAborted - before.streamsAborted} aborted; ${books.requests} usage rows (${rows?.ok} 'ok'), ${rows?.whole} whole answers stored; ${quota.reserved} tokens still reserved`,
    );

    // Soft: each number is worth seeing when another one is off.
    expect.soft(after.streamsCompleted - before.streamsCompleted, 'upstream streams that ran to their end').toBe(ABORTS);
    expect.soft(after.streamsAborted - before.streamsAborted, 'upstream requests aborted').toBe(0);
    expect.soft(books.requests, 'usage rows').toBe(ABORTS);
    expect.soft(rows?.ok, "usage rows with status 'ok'").toBe(ABORTS);
    expect.soft(rows?.exact, "usage rows with the provider's own count of the whole answer").toBe(ABORTS);
    expect.soft(rows?.whole, 'answers stored whole').toBe(ABORTS);
    expect.soft(rows?.generationsDone, "generations 'done'").toBe(ABORTS);
    expect.soft(quota.reserved).toBe(0);
  });
});

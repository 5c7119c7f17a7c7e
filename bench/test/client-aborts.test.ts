import { describe, expect, it } from 'vitest';
import { openStream, streamAgent } from '../src/sse-client';
import { sql } from '../src/stack';
import { chatStream, dailyQuota, fakeStats, faultStack, ledger, settled, usersOf } from './support/fault-stack';

/**
 * 100 clients that go away mid-answer (contract sections 5 and 6): the Worker aborts each
 * upstream request, and records each stream's usage exactly once, all without holding a
 * reservation afterwards.
 */
const stack = faultStack();
const [user] = usersOf('aborts');
const ABORTS = 100;

describe(`${ABORTS} client aborts`, () => {
  it('give 100 usage rows and 100 upstream aborts', async () => {
    const { token } = user!;
    const before = await fakeStats(stack);
    const agent = streamAgent();
    const results = await Promise.all(
      Array.from({ length: ABORTS }, (_, i) =>
        openStream(chatStream(stack, token, `abort ${i} [[fake ttft=50 gap=100 tokens=40]]`), { agent, abortAfterTokens: 3, timeoutMs: 30_000 }),
      ),
    );
    agent.destroy();
    expect(results.filter((r) => !r.aborted).map((r) => `${r.status} ${r.error}`)).toEqual([]);

    // The streams the fake would finish take 4 s; whatever the Worker still owes shows by then.
    const aborted = await settled(async () => (await fakeStats(stack)).streamsAborted - before.streamsAborted, (n) => n >= ABORTS, 10_000);
    const books = await settled(() => ledger(stack, token), (l) => l.requests >= ABORTS);
    const quota = await settled(() => dailyQuota(stack, token), (q) => q.reserved === 0, 10_000);
    const [rows] = await sql<{ aborted: number; minCompletion: number }>(
      stack.persistTo,
      `SELECT sum(status = 'aborted') AS aborted, min(completion_tokens) AS minCompletion FROM usage_events WHERE user_id = '${user!.claims.sub}'`,
    );
    const after = await fakeStats(stack);
    console.log(`client aborts: ${aborted} upstream aborts, ${books.requests} usage rows (${rows?.aborted} 'aborted', ${books.totalTokens} tokens), ${quota.reserved} tokens still reserved`);

    // Soft: each number is worth seeing when another one is off.
    expect.soft(aborted, 'upstream requests the fake saw aborted').toBe(ABORTS);
    expect.soft(after.streamsCompleted - before.streamsCompleted, 'upstream streams that ran to the end anyway').toBe(0);
    expect.soft(books.requests, 'usage rows').toBe(ABORTS);
    expect.soft(rows?.aborted, "usage rows with status 'aborted'").toBe(ABORTS);
    // What was sent before the abort is counted (estimated from the text: no usage chunk came).
    expect.soft(rows?.minCompletion).toBeGreaterThanOrEqual(1);
    expect.soft(quota.reserved).toBe(0);
  });
});

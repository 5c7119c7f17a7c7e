import { describe, expect, it } from 'vitest';
import { openStream, streamAgent } from '../src/sse-client';
import { sql } from '../src/stack';
import { chatStream, dailyQuota, EDGE_PLAN, fakeStats, faultStack, ledger, usersOf } from './support/fault-stack';

/**
 * 200 requests at once against a daily quota that fits about twenty (contract section 5:
 * concurrent requests never push usage past a quota by more than one request's
 * reservation), then the ledger against what the upstream reported.
 */
const stack = faultStack();
const [user] = usersOf('edge');
const REQUESTS = 200;
/** A generous bound on the Worker's prompt estimate for this short question and its system prompt. */
const PROMPT_ESTIMATE_BOUND = 120;
/** A reservation is the prompt estimate plus the answer budget (the plan's max_tokens). */
const ONE_RESERVATION = EDGE_PLAN.maxTokensPerRequest + PROMPT_ESTIMATE_BOUND;
const DAILY_QUOTA = EDGE_PLAN.dailyTokenQuota;

describe(`${REQUESTS} concurrent requests at a quota edge`, () => {
  it('overshoot stays within one reservation, and the ledger equals the upstream usage', async () => {
    const { token } = user!;
    const before = await fakeStats(stack);
    const agent = streamAgent();
    const results = await Promise.all(
      Array.from({ length: REQUESTS }, (_, i) => openStream(chatStream(stack, token, `edge ${i} [[fake ttft=100 gap=5 tokens=60]]`), { agent, timeoutMs: 60_000 })),
    );
    agent.destroy();
    const after = await fakeStats(stack);

    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 429);
    // Every request either streamed to the end or was refused with the contract's 429.
    expect(results.filter((r) => r.status !== 200 && r.status !== 429).map((r) => `${r.status} ${r.body.slice(0, 120)}`)).toEqual([]);
    expect(ok.filter((r) => !r.done || r.error).map((r) => r.error)).toEqual([]);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(r.error).toBe('quota_exceeded');
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    }

    const books = await ledger(stack, token);
    const [rows] = await sql<{ okRows: number; estimated: number }>(
      stack.persistTo,
      `SELECT sum(status = 'ok') AS okRows, sum(estimated) AS estimated FROM usage_events WHERE user_id = '${user!.claims.sub}'`,
    );
    const quota = await dailyQuota(stack, token);
    // The upstream's own numbers: each answered stream's usage event carries the fake's usage chunk.
    const upstreamUsage = ok.reduce((sum, r) => sum + (r.usage?.totalTokens ?? Number.NaN), 0);

    console.log(
      `quota edge: ${ok.length} answered, ${refused.length} refused; used ${books.totalTokens} of ${DAILY_QUOTA} (one reservation ≤ ${ONE_RESERVATION}); upstream reported ${upstreamUsage}; ${books.requests} ledger rows`,
    );
    expect(books.totalTokens).toBeLessThanOrEqual(DAILY_QUOTA + ONE_RESERVATION);
    expect(books.totalTokens).toBe(upstreamUsage);
    expect(quota.used).toBe(books.totalTokens);
    expect(rows?.okRows).toBe(ok.length);
    expect(rows?.estimated).toBe(0);
    // Refusals are in the audit trail too (with no tokens): each request exactly once.
    expect(books.requests).toBe(REQUESTS);
    expect(after.requests - before.requests).toBe(ok.length);
    expect(quota.reserved).toBe(0);
  });
});

import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { getDb } from '../src/db/client';
import { quotaSnapshot } from '../src/db/queries/reservations';
import { usageInsert } from '../src/db/queries/usage-events';
import { DAY_MS } from '../src/days';
import { clockAt } from '../src/policy/quota';

const db = getDb(env.DB);
let rows = 0;

function ledgerRow(userId: string, createdAt: number, totalTokens: number) {
  return usageInsert(db, {
    id: `req_days_${++rows}`,
    traceId: `days${rows}`.padEnd(32, '0'),
    clientTraceId: null,
    userId,
    conversationId: null,
    messageId: null,
    model: 'gpt-4o-mini',
    promptTokens: totalTokens,
    completionTokens: 0,
    totalTokens,
    estimated: false,
    status: 'ok',
    errorCode: null,
    ttftMs: null,
    durationMs: 1,
    createdAt,
  });
}

/** The windows summed from the ledger itself, as the quota did before the roll-up. */
async function fromLedger(userId: string, now: number) {
  const { dayStart, monthStart } = clockAt(now);
  const sum = (since: number) =>
    env.DB.prepare('SELECT coalesce(sum(total_tokens), 0) AS n FROM usage_events WHERE user_id = ? AND created_at >= ?').bind(userId, since).first<{ n: number }>();
  return { usedDay: (await sum(dayStart))?.n, usedMonth: (await sum(monthStart))?.n };
}

describe('the per-day roll-up of the ledger', () => {
  it('gives the quota the sums of the ledger, at the edges of days and months, whatever writes or deletes a row', async () => {
    const userId = `usr_days_${Date.now()}`;
    // The 3rd of a month, noon UTC: rows this day, yesterday, at its midnight and just before, and last month.
    const now = Date.UTC(2026, 10, 3, 12);
    const today = Date.UTC(2026, 10, 3);
    const monthStart = Date.UTC(2026, 10, 1);
    for (const [at, tokens] of [
      [today, 5],
      [today - 1, 7],
      [today + 3_600_000, 11],
      [today - DAY_MS, 13],
      [monthStart, 17],
      [monthStart - 1, 19],
      [monthStart - 40 * DAY_MS, 23],
    ] as const) {
      await ledgerRow(userId, at, tokens);
    }
    await ledgerRow(`${userId}_other`, today, 1_000);
    const expected = { usedDay: 16, usedMonth: 53 };
    expect(await fromLedger(userId, now)).toEqual(expected);
    expect(await quotaSnapshot(db, userId, clockAt(now))).toMatchObject(expected);

    // Rows moved or removed by hand (an operator's fix, a retention job) stay summed right.
    await env.DB.prepare('UPDATE usage_events SET created_at = ?, total_tokens = 2 WHERE user_id = ? AND created_at = ?').bind(today, userId, today - DAY_MS).run();
    await env.DB.prepare('DELETE FROM usage_events WHERE user_id = ? AND created_at = ?').bind(userId, today + 3_600_000).run();
    const after = { usedDay: 7, usedMonth: 31 };
    expect(await fromLedger(userId, now)).toEqual(after);
    expect(await quotaSnapshot(db, userId, clockAt(now))).toMatchObject(after);
  });
});

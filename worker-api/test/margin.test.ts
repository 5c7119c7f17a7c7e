import type { AdminMarginReport } from '@chat/contract/api';
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { marginReport } from '../src/admin/margin';
import { getDb } from '../src/db/client';
import { call, insertUsage, newAdmin, newNamedUser, ok, unique } from './support/admin';
import { expectError } from './support/errors';
import { publishedKey, type TestKey } from './support/tokens';

let key: TestKey;
let admin: { id: string; token: string };

beforeAll(async () => {
  key = await publishedKey();
  admin = await newAdmin(key);
});

/** An order for `planId` and the Toss payment of it as the confirm or webhook stored it. */
async function pay(userId: string, planId: string, amount: number, approvedAt: string, status = 'DONE', balanceAmount = amount): Promise<void> {
  const orderId = `ord_${unique()}`;
  const at = Date.parse(approvedAt);
  await env.DB.batch([
    env.DB.prepare(`INSERT INTO orders (id, user_id, plan_id, amount, order_name, kind, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'Plan', 'one_time', 'paid', ?, ?)`).bind(
      orderId,
      userId,
      planId,
      amount,
      at,
      at,
    ),
    env.DB.prepare(`INSERT INTO payments (payment_key, order_id, user_id, method, status, amount, approved_at, raw, created_at, updated_at) VALUES (?, ?, ?, '카드', ?, ?, ?, ?, ?, ?)`).bind(
      `pay_${unique()}`,
      orderId,
      userId,
      status,
      amount,
      status === 'WAITING_FOR_DEPOSIT' ? null : at,
      JSON.stringify({ totalAmount: amount, balanceAmount, status }),
      at,
      at,
    ),
  ]);
}

function cost(userId: string, createdAt: string, costMicros: number, costCurrency = 'USD') {
  return insertUsage({ userId, createdAt: Date.parse(createdAt), model: 'gpt-4o', providerId: 'openai', promptTokens: 10, completionTokens: 10, costMicros, costCurrency });
}

describe('GET /admin/margin', () => {
  it("puts each plan's net Toss revenue next to its users' converted cost, and flags who cost more than they paid", async () => {
    const tag = unique();
    const person = (name: string) => newNamedUser(key, `${name}.${tag}@example.com`, name);
    const [light, heavy, team, refunded, free, assigned] = await Promise.all([person('light'), person('heavy'), person('team'), person('refunded'), person('free'), person('assigned')]);
    // Pro in the month, cheap to serve: US$1 = 1,400 won against 9,900.
    await pay(light.id, 'pro', 9_900, '2021-06-02T00:00:00Z');
    await cost(light.id, '2021-06-05T00:00:00Z', 1_000_000);
    // Outside the month on either side, and a deposit still awaited: not revenue of June.
    await pay(light.id, 'pro', 9_900, '2021-05-31T23:59:59.999Z');
    await pay(light.id, 'pro', 9_900, '2021-07-01T00:00:00Z');
    await pay(free.id, 'pro', 9_900, '2021-06-10T00:00:00Z', 'WAITING_FOR_DEPOSIT');
    // Pro, and US$10 of answers: 14,000 won against 9,900 paid.
    await pay(heavy.id, 'pro', 9_900, '2021-06-03T00:00:00Z');
    await cost(heavy.id, '2021-06-04T00:00:00Z', 6_000_000);
    await cost(heavy.id, '2021-06-30T23:59:59.999Z', 4_000_000);
    await cost(heavy.id, '2021-07-01T00:00:00Z', 99_000_000);
    // Team, refunded in part; its answers were priced in EUR, which has no rate.
    await pay(team.id, 'team', 29_000, '2021-06-04T00:00:00Z', 'PARTIAL_CANCELED', 19_000);
    await cost(team.id, '2021-06-06T00:00:00Z', 2_000_000, 'EUR');
    // Pro, canceled whole: nothing earned; the latest payment still names the plan.
    await pay(refunded.id, 'pro', 9_900, '2021-06-07T00:00:00Z', 'CANCELED', 0);
    // No payment: the plan in force now. Free costs US$0.50 plus 50 won of a KRW-priced model.
    await cost(free.id, '2021-06-08T00:00:00Z', 500_000);
    await cost(free.id, '2021-06-09T00:00:00Z', 50_000_000, 'KRW');
    await env.DB.prepare(`UPDATE users SET plan_id = 'pro', plan_expires_at = NULL WHERE id = ?`).bind(assigned.id).run();
    await cost(assigned.id, '2021-06-11T00:00:00Z', 100_000);

    const report = await ok<AdminMarginReport>(await call(admin.token, 'GET', '/admin/margin?month=2021-06'));
    expect(report).toMatchObject({ month: '2021-06', from: '2021-06-01T00:00:00.000Z', to: '2021-07-01T00:00:00.000Z', ratesKrw: { USD: 1400 } });
    const plan = (id: string) => report.plans.find((p) => p.planId === id);
    expect(plan('pro')).toEqual({
      planId: 'pro',
      name: 'Pro',
      users: 4,
      payments: 3,
      grossKrw: 29_700,
      refundedKrw: 9_900,
      revenueKrw: 19_800,
      costKrw: 1_400 + 14_000 + 140,
      unconverted: [],
      marginKrw: 19_800 - 15_540,
    });
    expect(plan('team')).toEqual({ planId: 'team', name: 'Team', users: 1, payments: 1, grossKrw: 29_000, refundedKrw: 10_000, revenueKrw: 19_000, costKrw: 0, unconverted: [{ currency: 'EUR', costMicros: 2_000_000 }], marginKrw: 19_000 });
    expect(plan('free')).toMatchObject({ users: 1, payments: 0, revenueKrw: 0, costKrw: 750, marginKrw: -750 });
    expect(report.totals).toEqual({
      users: 6,
      payments: 4,
      grossKrw: 58_700,
      refundedKrw: 19_900,
      revenueKrw: 38_800,
      costKrw: 16_290,
      unconverted: [{ currency: 'EUR', costMicros: 2_000_000 }],
      marginKrw: 38_800 - 16_290,
    });
    expect(report.flagged).toEqual([
      { userId: heavy.id, email: `heavy.${tag}@example.com`, name: 'heavy', planId: 'pro', paidKrw: 9_900, costKrw: 14_000, unconverted: [] },
      { userId: free.id, email: `free.${tag}@example.com`, name: 'free', planId: 'free', paidKrw: 0, costKrw: 750, unconverted: [] },
      { userId: assigned.id, email: `assigned.${tag}@example.com`, name: 'assigned', planId: 'pro', paidKrw: 0, costKrw: 140, unconverted: [] },
      { userId: team.id, email: `team.${tag}@example.com`, name: 'team', planId: 'team', paidKrw: 19_000, costKrw: 0, unconverted: [{ currency: 'EUR', costMicros: 2_000_000 }] },
    ]);
    expect(report.flaggedTotal).toBe(4);

    // Without a USD rate, every US-dollar cost is reported as it is, not as zero.
    const unrated = await marginReport(getDb(env.DB), '2021-06', {});
    expect(unrated.plans.find((p) => p.planId === 'pro')).toMatchObject({ costKrw: 0, unconverted: [{ currency: 'USD', costMicros: 11_100_000 }], marginKrw: 19_800 });
    expect(unrated.totals.unconverted).toEqual(expect.arrayContaining([{ currency: 'USD', costMicros: 11_600_000 }, { currency: 'EUR', costMicros: 2_000_000 }]));
    expect(unrated.flagged.map((u) => u.userId)).toEqual(expect.arrayContaining([light.id, heavy.id, free.id, assigned.id, team.id]));
  });

  it('lists every plan for an empty month, defaults to the current month and refuses a bad one naming the field', async () => {
    const empty = await ok<AdminMarginReport>(await call(admin.token, 'GET', '/admin/margin?month=2019-02'));
    expect(empty.plans.map((p) => p.planId)).toEqual(expect.arrayContaining(['free', 'pro', 'team']));
    expect(empty.totals).toEqual({ users: 0, payments: 0, grossKrw: 0, refundedKrw: 0, revenueKrw: 0, costKrw: 0, unconverted: [], marginKrw: 0 });
    expect(empty.flagged).toEqual([]);
    const current = await ok<AdminMarginReport>(await call(admin.token, 'GET', '/admin/margin'));
    expect(current.month).toBe(new Date().toISOString().slice(0, 7));
    for (const month of ['2021-13', '21-06', '2021-6', 'june']) {
      await expectError(await call(admin.token, 'GET', `/admin/margin?month=${month}`), 400, 'invalid_request', /^query\.month/);
    }
  });
});

import type { Db } from '../db/client';
import { usageAggregates, type CostAggregates, type DayModelUsage, type ErrorCount, type ModelUsage, type TopUser, type TtftPercentiles } from '../db/queries/usage-events';
import { DAY_MS, isoDay } from '../days';

const TOP_USERS = 10;

export type UsageReport = {
  from: string;
  to: string;
  byDay: DayModelUsage[];
  byModel: ModelUsage[];
  topUsers: TopUser[];
  errorsByCode: ErrorCount[];
  totals: { requests: number; errors: number; totalTokens: number; errorRate: number };
  ttft: TtftPercentiles;
  /** What the answers cost, summed per currency (the user's own GET /usage shows tokens only). */
  cost: CostAggregates;
};

/** Requests, tokens, errors, time to first token and cost over the UTC days [fromDay, toDay], of every user or of one. */
export async function usageReport(db: Db, fromDay: number, toDay: number, userId: string | null = null): Promise<UsageReport> {
  const a = await usageAggregates(db, fromDay, toDay + DAY_MS, TOP_USERS, userId);
  const totals = a.byModel.reduce(
    (acc, m) => ({ requests: acc.requests + m.requests, errors: acc.errors + m.errors, totalTokens: acc.totalTokens + m.totalTokens }),
    { requests: 0, errors: 0, totalTokens: 0 },
  );
  return {
    from: isoDay(fromDay),
    to: isoDay(toDay),
    byDay: a.byDay,
    byModel: a.byModel,
    topUsers: a.topUsers,
    errorsByCode: a.errorsByCode,
    totals: { ...totals, errorRate: totals.requests === 0 ? 0 : totals.errors / totals.requests },
    ttft: a.ttft,
    cost: a.cost,
  };
}

import type { Db } from '../db/client';
import { usageAggregates, type DayModelUsage, type ErrorCount, type ModelUsage, type TopUser, type TtftPercentiles } from '../db/queries/usage-events';
import { ApiError } from '../http/errors';

export const DAY_MS = 86_400_000;
export const MAX_RANGE_DAYS = 366;
export const DEFAULT_RANGE_DAYS = 30;
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
};

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The UTC days [from, to] as epoch ms of their midnights: `to` defaults to today and `from`
 * to 29 days before it; longer than a year, or backwards, is a 400.
 */
export function dayRange(from: string | undefined, to: string | undefined, now = Date.now()): { fromDay: number; toDay: number } {
  const toDay = Date.parse(`${to ?? isoDay(now)}T00:00:00Z`);
  const fromDay = from ? Date.parse(`${from}T00:00:00Z`) : toDay - (DEFAULT_RANGE_DAYS - 1) * DAY_MS;
  if (fromDay > toDay) throw new ApiError(400, 'invalid_request', 'query.from: must not be after query.to');
  if ((toDay - fromDay) / DAY_MS + 1 > MAX_RANGE_DAYS) {
    throw new ApiError(400, 'invalid_request', `query.from: the range is limited to ${MAX_RANGE_DAYS} days`);
  }
  return { fromDay, toDay };
}

/** Requests, tokens, errors and time to first token over the UTC days [fromDay, toDay], of every user or of one. */
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
  };
}

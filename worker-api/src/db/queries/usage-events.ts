import { and, asc, desc, eq, gte, isNotNull, lt, sql } from 'drizzle-orm';
import type { TimeCursor } from '../../http/cursor';
import type { Db } from '../client';
import { olderThan, toPage, type Page } from '../pagination';
import { usageEvents, users, type UsageEventRow } from '../schema';
import { planInForceId } from './users';

export type DailyUsage = { date: string; requests: number; promptTokens: number; completionTokens: number; totalTokens: number };

/**
 * One request in the ledger, keyed by its reservation id (a refusal that reserved nothing
 * gets a fresh one). A trace id the caller chose names at most one request: when the ledger
 * holds it already (someone quoting another user's id), the row gets a fresh 32-hex trace
 * id of its own and keeps the caller's only in `client_trace_id`. Decided inside the insert,
 * so two requests racing with one id cannot both take it; returns the trace id the row got.
 */
/** What a ledger row needs; which provider answered and what it cost are known only once one was called. */
export type UsageEventInsert = Omit<UsageEventRow, ProviderOutcomeColumn> & Partial<Pick<UsageEventRow, ProviderOutcomeColumn>>;
type ProviderOutcomeColumn = 'requestedModel' | 'providerId' | 'attempts' | 'lastUpstreamError' | 'costMicros' | 'costCurrency';

export function usageInsert(db: Db, row: UsageEventInsert) {
  const traceId =
    row.clientTraceId === null
      ? row.traceId
      : sql<string>`CASE WHEN EXISTS (SELECT 1 FROM usage_events WHERE trace_id = ${row.traceId}) THEN lower(hex(randomblob(16))) ELSE ${row.traceId} END`;
  return db.insert(usageEvents).values({ ...row, traceId }).returning({ traceId: usageEvents.traceId });
}

/** True when a usage insert failed because its id is in the ledger already: that request was recorded before. */
export function isUsageRecorded(err: unknown): boolean {
  return String(err).includes('UNIQUE constraint failed: usage_events.id');
}

/** The user's usage summed per UTC day over [fromMs, toMs), days without requests left out. */
export async function getDailyUsage(db: Db, userId: string, fromMs: number, toMs: number): Promise<DailyUsage[]> {
  const day = sql<string>`strftime('%Y-%m-%d', ${usageEvents.createdAt} / 1000, 'unixepoch')`;
  return db
    .select({
      date: day,
      requests: sql<number>`count(*)`,
      promptTokens: sql<number>`coalesce(sum(${usageEvents.promptTokens}), 0)`,
      completionTokens: sql<number>`coalesce(sum(${usageEvents.completionTokens}), 0)`,
      totalTokens: sql<number>`coalesce(sum(${usageEvents.totalTokens}), 0)`,
    })
    .from(usageEvents)
    .where(and(eq(usageEvents.userId, userId), gte(usageEvents.createdAt, fromMs), lt(usageEvents.createdAt, toMs)))
    .groupBy(day)
    .orderBy(day);
}

/** The user's newest usage rows, newest first. */
export async function recentUsage(db: Db, userId: string, limit: number): Promise<UsageEventRow[]> {
  return db.query.usageEvents.findMany({ where: eq(usageEvents.userId, userId), orderBy: [desc(usageEvents.createdAt), desc(usageEvents.id)], limit });
}

/** Statuses counted as errors: a client abort is the user's choice, not a failure. */
const ERROR_STATUSES = `('error', 'rejected')`;
const IS_ERROR = `CASE WHEN status IN ${ERROR_STATUSES} THEN 1 ELSE 0 END`;
// ?3: one user's id, or null for everyone.
const IN_RANGE = 'created_at >= ?1 AND created_at < ?2 AND (?3 IS NULL OR user_id = ?3)';

export type DayModelUsage = { date: string; model: string; requests: number; errors: number; promptTokens: number; completionTokens: number; totalTokens: number };
export type ModelUsage = { model: string; requests: number; errors: number; totalTokens: number };
export type TopUser = { userId: string; email: string | null; name: string | null; requests: number; totalTokens: number };
export type ErrorCount = { code: string; count: number };
export type TtftPercentiles = { p50: number | null; p95: number | null };

/** A sum of `cost_micros` in one currency: costs in different currencies are never added together. */
export type CurrencyCost = { currency: string; costMicros: number };
export type DayCost = CurrencyCost & { date: string };
export type ModelCost = CurrencyCost & { model: string; requests: number };
export type ProviderCost = CurrencyCost & { providerId: string | null; requests: number };
export type UserCost = CurrencyCost & { userId: string; email: string | null; name: string | null; requests: number };

export type CostAggregates = { totals: CurrencyCost[]; byDay: DayCost[]; byModel: ModelCost[]; byProvider: ProviderCost[]; topUsers: UserCost[] };

export type UsageAggregates = {
  byDay: DayModelUsage[];
  byModel: ModelUsage[];
  topUsers: TopUser[];
  errorsByCode: ErrorCount[];
  ttft: TtftPercentiles;
  cost: CostAggregates;
};

const BY_DAY_SQL = `
SELECT strftime('%Y-%m-%d', created_at / 1000, 'unixepoch') AS date, model,
  count(*) AS requests, sum(${IS_ERROR}) AS errors,
  sum(prompt_tokens) AS promptTokens, sum(completion_tokens) AS completionTokens, sum(total_tokens) AS totalTokens
FROM usage_events WHERE ${IN_RANGE}
GROUP BY date, model ORDER BY date, model`;

const BY_MODEL_SQL = `
SELECT model, count(*) AS requests, sum(${IS_ERROR}) AS errors, sum(total_tokens) AS totalTokens
FROM usage_events WHERE ${IN_RANGE}
GROUP BY model ORDER BY totalTokens DESC, model`;

// Aggregated before the join, so only the ten winners are looked up; a deleted user keeps their row.
const TOP_USERS_SQL = `
SELECT t.userId, users.email AS email, users.name AS name, t.requests, t.totalTokens
FROM (
  SELECT user_id AS userId, count(*) AS requests, sum(total_tokens) AS totalTokens
  FROM usage_events WHERE ${IN_RANGE}
  GROUP BY user_id ORDER BY totalTokens DESC, user_id LIMIT ?4
) AS t LEFT JOIN users ON users.id = t.userId
ORDER BY t.totalTokens DESC, t.userId`;

const ERRORS_SQL = `
SELECT coalesce(error_code, status) AS code, count(*) AS count
FROM usage_events WHERE ${IN_RANGE} AND status IN ${ERROR_STATUSES}
GROUP BY code ORDER BY count DESC, code`;

// Nearest-rank percentiles computed in D1: the sort stays in the database and two numbers
// come back, however many requests the range holds.
const TTFT_SQL = `
WITH t AS (SELECT ttft_ms AS v FROM usage_events WHERE ${IN_RANGE} AND ttft_ms IS NOT NULL),
     n AS (SELECT count(*) AS c FROM t)
SELECT
  (SELECT v FROM t ORDER BY v LIMIT 1 OFFSET (SELECT max(0, (c * 50 + 99) / 100 - 1) FROM n)) AS p50,
  (SELECT v FROM t ORDER BY v LIMIT 1 OFFSET (SELECT max(0, (c * 95 + 99) / 100 - 1) FROM n)) AS p95`;

// Rows without a currency are those settled before prices existed (or refused before any
// upstream call): they cost nothing, so they are left out rather than shown as a blank currency.
const COSTED = `${IN_RANGE} AND cost_currency IS NOT NULL`;

const COST_TOTALS_SQL = `
SELECT cost_currency AS currency, sum(cost_micros) AS costMicros
FROM usage_events WHERE ${COSTED}
GROUP BY currency ORDER BY costMicros DESC, currency`;

const COST_BY_DAY_SQL = `
SELECT strftime('%Y-%m-%d', created_at / 1000, 'unixepoch') AS date, cost_currency AS currency, sum(cost_micros) AS costMicros
FROM usage_events WHERE ${COSTED}
GROUP BY date, currency ORDER BY date, currency`;

const COST_BY_MODEL_SQL = `
SELECT model, cost_currency AS currency, sum(cost_micros) AS costMicros, count(*) AS requests
FROM usage_events WHERE ${COSTED}
GROUP BY model, currency ORDER BY costMicros DESC, model, currency`;

const COST_BY_PROVIDER_SQL = `
SELECT provider_id AS providerId, cost_currency AS currency, sum(cost_micros) AS costMicros, count(*) AS requests
FROM usage_events WHERE ${COSTED}
GROUP BY provider_id, currency ORDER BY costMicros DESC, providerId, currency`;

const COST_TOP_USERS_SQL = `
SELECT t.userId, users.email AS email, users.name AS name, t.currency, t.costMicros, t.requests
FROM (
  SELECT user_id AS userId, cost_currency AS currency, sum(cost_micros) AS costMicros, count(*) AS requests
  FROM usage_events WHERE ${COSTED}
  GROUP BY user_id, currency ORDER BY costMicros DESC, user_id LIMIT ?4
) AS t LEFT JOIN users ON users.id = t.userId
ORDER BY t.costMicros DESC, t.userId, t.currency`;

function rowsOf<T>(result: D1Result<unknown> | undefined): T[] {
  return (result?.results ?? []) as T[];
}

/** Every aggregate of the usage report over [fromMs, toMs), of everyone or of one user, in one D1 round trip. */
export async function usageAggregates(db: Db, fromMs: number, toMs: number, topUsers: number, userId: string | null = null): Promise<UsageAggregates> {
  const d1 = db.$client;
  const range = [fromMs, toMs, userId] as const;
  const [byDay, byModel, top, errors, ttft, costTotals, costByDay, costByModel, costByProvider, costTopUsers] = await d1.batch([
    d1.prepare(BY_DAY_SQL).bind(...range),
    d1.prepare(BY_MODEL_SQL).bind(...range),
    d1.prepare(TOP_USERS_SQL).bind(...range, topUsers),
    d1.prepare(ERRORS_SQL).bind(...range),
    d1.prepare(TTFT_SQL).bind(...range),
    d1.prepare(COST_TOTALS_SQL).bind(...range),
    d1.prepare(COST_BY_DAY_SQL).bind(...range),
    d1.prepare(COST_BY_MODEL_SQL).bind(...range),
    d1.prepare(COST_BY_PROVIDER_SQL).bind(...range),
    d1.prepare(COST_TOP_USERS_SQL).bind(...range, topUsers),
  ]);
  return {
    byDay: rowsOf<DayModelUsage>(byDay),
    byModel: rowsOf<ModelUsage>(byModel),
    topUsers: rowsOf<TopUser>(top),
    errorsByCode: rowsOf<ErrorCount>(errors),
    ttft: rowsOf<TtftPercentiles>(ttft)[0] ?? { p50: null, p95: null },
    cost: {
      totals: rowsOf<CurrencyCost>(costTotals),
      byDay: rowsOf<DayCost>(costByDay),
      byModel: rowsOf<ModelCost>(costByModel),
      byProvider: rowsOf<ProviderCost>(costByProvider),
      topUsers: rowsOf<UserCost>(costTopUsers),
    },
  };
}

/** What one user's answers cost over a period, in one currency, with who they are and the plan in force at `now`. */
export type PeriodUserCost = CurrencyCost & { userId: string; email: string | null; name: string | null; planInForce: string | null; requests: number };

/**
 * Every user's cost over [fromMs, toMs), one row per user and currency, with the plan in force
 * at `now` (null when the user is gone): the margin report's cost side.
 */
export async function costPerUser(db: Db, fromMs: number, toMs: number, now: number): Promise<PeriodUserCost[]> {
  const t = db
    .select({
      userId: usageEvents.userId,
      currency: sql<string>`${usageEvents.costCurrency}`.as('currency'),
      costMicros: sql<number>`sum(${usageEvents.costMicros})`.as('cost_micros'),
      requests: sql<number>`count(*)`.as('requests'),
    })
    .from(usageEvents)
    .where(and(gte(usageEvents.createdAt, fromMs), lt(usageEvents.createdAt, toMs), isNotNull(usageEvents.costCurrency)))
    .groupBy(usageEvents.userId, usageEvents.costCurrency)
    .as('t');
  return db
    .select({
      userId: t.userId,
      email: users.email,
      name: users.name,
      // Null for a user who is gone: plan_id and plan_expires_at are both null then.
      planInForce: sql<string | null>`${planInForceId(now)}`,
      currency: t.currency,
      costMicros: t.costMicros,
      requests: t.requests,
    })
    .from(t)
    .leftJoin(users, eq(users.id, t.userId))
    .orderBy(t.userId, sql`currency`);
}

/** A usage row with who made the request (null fields when the user is gone). */
export type AuditedRequest = { event: UsageEventRow; email: string | null; name: string | null };

function auditSelect(db: Db) {
  return db.select({ event: usageEvents, email: users.email, name: users.name }).from(usageEvents).leftJoin(users, eq(users.id, usageEvents.userId));
}

/** Every usage row of one trace id, oldest first (a trace is one request, so there are few). */
export async function requestsByTrace(db: Db, traceId: string, limit: number): Promise<AuditedRequest[]> {
  return auditSelect(db).where(eq(usageEvents.traceId, traceId)).orderBy(asc(usageEvents.createdAt), asc(usageEvents.id)).limit(limit);
}

/** One page of usage rows, newest first, filtered by user and by time [fromMs, toMs). */
export async function listRequests(
  db: Db,
  opts: { userId?: string | undefined; fromMs?: number | undefined; toMs?: number | undefined; cursor?: TimeCursor | undefined; limit: number },
): Promise<Page<AuditedRequest>> {
  const rows = await auditSelect(db)
    .where(
      and(
        opts.userId === undefined ? undefined : eq(usageEvents.userId, opts.userId),
        opts.fromMs === undefined ? undefined : gte(usageEvents.createdAt, opts.fromMs),
        opts.toMs === undefined ? undefined : lt(usageEvents.createdAt, opts.toMs),
        olderThan(opts.cursor, usageEvents.createdAt, usageEvents.id),
      ),
    )
    .orderBy(desc(usageEvents.createdAt), desc(usageEvents.id))
    .limit(opts.limit + 1);
  return toPage(rows, opts.limit, (r) => ({ at: r.event.createdAt, id: r.event.id }));
}

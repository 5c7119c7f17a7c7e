import type { PlanRow } from '../db/schema';
import { ApiError } from '../http/errors';
import { dayWindow, monthWindow, secondsUntil, type QuotaWindow } from './windows';

/**
 * How long a reservation holds tokens and a stream slot if its stream never settles
 * (the isolate was killed). Longer than any stream we let run.
 */
export const RESERVATION_TTL_MS = 10 * 60_000;
/** A request is not worth making with less room than this for the answer. */
export const MIN_COMPLETION_TOKENS = 16;
/** Retry-After when only other in-flight streams stand in the way. */
const IN_FLIGHT_RETRY_S = 5;

export type WindowStatus = { window: QuotaWindow; limit: number; used: number; reserved: number; remaining: number; resetAt: string };

/** Token sums of one user at one instant; `granted` is what live operator grants add to each limit. */
type Snapshot = { usedDay: number; usedMonth: number; reserved: number; streams: number; granted: number };

/** The limits in force: the plan's, each raised by the live grants. */
type Limits = { daily: number; monthly: number };

const SNAPSHOT_SQL = `
SELECT
  (SELECT coalesce(sum(total_tokens), 0) FROM usage_events WHERE user_id = ?1 AND created_at >= ?2) AS usedDay,
  (SELECT coalesce(sum(total_tokens), 0) FROM usage_events WHERE user_id = ?1 AND created_at >= ?3) AS usedMonth,
  (SELECT coalesce(sum(tokens), 0) FROM reservations WHERE user_id = ?1 AND expires_at > ?4) AS reserved,
  (SELECT count(*) FROM reservations WHERE user_id = ?1 AND expires_at > ?4) AS streams,
  (SELECT coalesce(sum(tokens), 0) FROM quota_grants WHERE user_id = ?1 AND expires_at > ?4) AS granted`;

// One statement decides and reserves: D1 runs statements one at a time, so no other
// request can slip between the check and the insert. Live grants are summed inside it for
// the same reason: a grant that expires or is revoked meanwhile cannot be counted twice.
const RESERVE_SQL = `
INSERT INTO reservations (id, user_id, tokens, created_at, expires_at)
SELECT ?1, ?2, ?3, ?4, ?5
WHERE (SELECT count(*) FROM reservations WHERE user_id = ?2 AND expires_at > ?4) < ?6
  AND (SELECT coalesce(sum(total_tokens), 0) FROM usage_events WHERE user_id = ?2 AND created_at >= ?7)
    + (SELECT coalesce(sum(tokens), 0) FROM reservations WHERE user_id = ?2 AND expires_at > ?4) + ?3
    <= ?8 + (SELECT coalesce(sum(tokens), 0) FROM quota_grants WHERE user_id = ?2 AND expires_at > ?4)
  AND (SELECT coalesce(sum(total_tokens), 0) FROM usage_events WHERE user_id = ?2 AND created_at >= ?9)
    + (SELECT coalesce(sum(tokens), 0) FROM reservations WHERE user_id = ?2 AND expires_at > ?4) + ?3
    <= ?10 + (SELECT coalesce(sum(tokens), 0) FROM quota_grants WHERE user_id = ?2 AND expires_at > ?4)`;

async function snapshot(d1: D1Database, userId: string, now: number): Promise<Snapshot> {
  const row = await d1.prepare(SNAPSHOT_SQL).bind(userId, dayWindow(now).start, monthWindow(now).start, now).first<Snapshot>();
  return row ?? { usedDay: 0, usedMonth: 0, reserved: 0, streams: 0, granted: 0 };
}

function limitsOf(plan: PlanRow, s: Snapshot): Limits {
  return { daily: plan.dailyTokenQuota + s.granted, monthly: plan.monthlyTokenQuota + s.granted };
}

/** The user's quota windows as `/me` reports them, live grants included in the limits. */
export async function quotaStatus(d1: D1Database, userId: string, plan: PlanRow, now = Date.now()): Promise<WindowStatus[]> {
  const s = await snapshot(d1, userId, now);
  const limits = limitsOf(plan, s);
  const day = dayWindow(now);
  const month = monthWindow(now);
  const status = (window: QuotaWindow, limit: number, used: number, resetAt: number): WindowStatus => ({
    window,
    limit,
    used,
    reserved: s.reserved,
    remaining: Math.max(0, limit - used - s.reserved),
    resetAt: new Date(resetAt).toISOString(),
  });
  return [status('daily', limits.daily, s.usedDay, day.resetAt), status('monthly', limits.monthly, s.usedMonth, month.resetAt)];
}

export type Reservation = { id: string; tokens: number; maxTokens: number };

/**
 * Holds the worst case of a request (prompt estimate + answer budget) against the user's
 * daily and monthly quotas and takes one of the plan's stream slots, or refuses with the
 * contract's 429. The answer budget is the plan's maximum (or less if asked), shrunk to
 * what is left of the quota so a user can spend their last tokens.
 */
export async function reserveQuota(
  d1: D1Database,
  input: { id: string; userId: string; plan: PlanRow; promptTokens: number; requestedMaxTokens?: number | undefined },
  now = Date.now(),
): Promise<Reservation> {
  const { plan, userId, promptTokens } = input;
  const s = await snapshot(d1, userId, now);
  refuseIfOver(plan, s, promptTokens + MIN_COMPLETION_TOKENS, now);

  const limits = limitsOf(plan, s);
  const room = Math.min(limits.daily - s.usedDay, limits.monthly - s.usedMonth) - s.reserved - promptTokens;
  const maxTokens = Math.min(plan.maxTokensPerRequest, input.requestedMaxTokens ?? plan.maxTokensPerRequest, room);
  const tokens = promptTokens + maxTokens;

  const result = await d1
    .prepare(RESERVE_SQL)
    .bind(
      input.id,
      userId,
      tokens,
      now,
      now + RESERVATION_TTL_MS,
      plan.concurrentStreams,
      dayWindow(now).start,
      plan.dailyTokenQuota,
      monthWindow(now).start,
      plan.monthlyTokenQuota,
    )
    .run();
  if (result.meta.changes !== 1) {
    // Someone else got in between the snapshot and the insert: say why from fresh numbers.
    refuseIfOver(plan, await snapshot(d1, userId, now), tokens, now);
    throw quotaExceeded('Your quota is held by other requests in flight', IN_FLIGHT_RETRY_S);
  }
  return { id: input.id, tokens, maxTokens };
}

function refuseIfOver(plan: PlanRow, s: Snapshot, need: number, now: number): void {
  if (s.streams >= plan.concurrentStreams) {
    throw new ApiError(
      429,
      'too_many_streams',
      `The ${plan.name} plan allows ${plan.concurrentStreams} answer${plan.concurrentStreams === 1 ? '' : 's'} at a time; wait for one to finish`,
      { 'Retry-After': String(IN_FLIGHT_RETRY_S) },
    );
  }
  const limits = limitsOf(plan, s);
  if (s.usedMonth + need > limits.monthly) {
    throw quotaExceeded(`Monthly token quota of ${limits.monthly} reached`, secondsUntil(monthWindow(now).resetAt, now));
  }
  if (s.usedDay + need > limits.daily) {
    throw quotaExceeded(`Daily token quota of ${limits.daily} reached`, secondsUntil(dayWindow(now).resetAt, now));
  }
  if (s.usedDay + s.reserved + need > limits.daily || s.usedMonth + s.reserved + need > limits.monthly) {
    throw quotaExceeded('Your remaining quota is held by answers still streaming', IN_FLIGHT_RETRY_S);
  }
}

function quotaExceeded(message: string, retryAfterS: number): ApiError {
  return new ApiError(429, 'quota_exceeded', message, { 'Retry-After': String(retryAfterS) });
}

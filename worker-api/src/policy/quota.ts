import type { Db } from '../db/client';
import { quotaSnapshot, reservationInsert, type QuotaClock, type QuotaSnapshot } from '../db/queries/reservations';
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
/** Left tokens that still answer a short message (its prompt and the least answer worth having). */
const ROOM_FOR_A_SHORT_MESSAGE = 2 * MIN_COMPLETION_TOKENS;
/** Retry-After when only other in-flight streams stand in the way. */
const IN_FLIGHT_RETRY_S = 5;

export type WindowStatus = { window: QuotaWindow; limit: number; used: number; reserved: number; remaining: number; resetAt: string };

/** The limits in force: the plan's, each raised by the live grants. */
type Limits = { daily: number; monthly: number };

function clockAt(now: number): QuotaClock {
  return { dayStart: dayWindow(now).start, monthStart: monthWindow(now).start, now };
}

function limitsOf(plan: PlanRow, s: QuotaSnapshot): Limits {
  return { daily: plan.dailyTokenQuota + s.granted, monthly: plan.monthlyTokenQuota + s.granted };
}

/** The user's quota windows as `/me` reports them, live grants included in the limits. */
export async function quotaStatus(db: Db, userId: string, plan: PlanRow, now = Date.now()): Promise<WindowStatus[]> {
  const s = await quotaSnapshot(db, userId, clockAt(now));
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

export type ReservationRequest = { id: string; userId: string; plan: PlanRow; promptTokens: number; requestedMaxTokens?: number | undefined };

/**
 * The statement that decides and reserves, for the caller to run alone or inside a
 * D1 batch (so storing the user's turn and reserving cost one round trip). It holds the
 * worst case of a request (prompt estimate + answer budget) against the daily and monthly
 * quotas, live grants included, and takes one of the plan's stream slots. The answer budget
 * is the plan's maximum (or less if asked), shrunk to what is left of the quota so a user can
 * spend their last tokens. D1 runs statements one at a time, so no other request can slip
 * between the check and the insert. It returns the reserved tokens, or no row when refused.
 */
export function reservationStatement(db: Db, r: ReservationRequest, now = Date.now()) {
  const cap = Math.min(r.plan.maxTokensPerRequest, r.requestedMaxTokens ?? r.plan.maxTokensPerRequest);
  return reservationInsert(
    db,
    {
      id: r.id,
      userId: r.userId,
      promptTokens: r.promptTokens,
      cap,
      dailyQuota: r.plan.dailyTokenQuota,
      monthlyQuota: r.plan.monthlyTokenQuota,
      concurrentStreams: r.plan.concurrentStreams,
      minCompletionTokens: MIN_COMPLETION_TOKENS,
      expiresAt: now + RESERVATION_TTL_MS,
    },
    clockAt(now),
  );
}

export type ReservationStatement = ReturnType<typeof reservationStatement>;

/**
 * The reservation the statement made, or the contract's 429 saying why it made none. The
 * refusal's reason is read afresh, which costs a round trip only when refusing.
 */
export async function reservationOf(db: Db, r: ReservationRequest, rows: readonly { tokens: number }[], now = Date.now()): Promise<Reservation> {
  const row = rows[0];
  if (row) return { id: r.id, tokens: row.tokens, maxTokens: row.tokens - r.promptTokens };
  refuseIfOver(r.plan, await quotaSnapshot(db, r.userId, clockAt(now)), r.promptTokens, now);
  // The numbers allow it now: requests in flight a moment ago have ended since.
  throw quotaExceeded('Your quota is held by other requests in flight', IN_FLIGHT_RETRY_S);
}

function refuseIfOver(plan: PlanRow, s: QuotaSnapshot, promptTokens: number, now: number): void {
  const need = promptTokens + MIN_COMPLETION_TOKENS;
  if (s.streams >= plan.concurrentStreams) {
    throw new ApiError(
      429,
      'too_many_streams',
      `The ${plan.name} plan allows ${plan.concurrentStreams} answer${plan.concurrentStreams === 1 ? '' : 's'} at a time; wait for one to finish`,
      { 'Retry-After': String(IN_FLIGHT_RETRY_S) },
    );
  }
  const limits = limitsOf(plan, s);
  refuseIfPromptTooLarge(limits, s, promptTokens, now);
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

/**
 * The prompt alone is more than what is left, yet a short message would still be answered:
 * "quota used up" would be false, so this says how much is left. A 429 like the other quota
 * refusals, with Retry-After at the binding window's reset (the same message fits then), so
 * clients that read 429 as "not now" stay right; its own code tells "shorten it" from "wait".
 */
function refuseIfPromptTooLarge(limits: Limits, s: QuotaSnapshot, promptTokens: number, now: number): void {
  const leftToday = limits.daily - s.usedDay;
  const leftThisMonth = limits.monthly - s.usedMonth;
  const monthBinds = leftThisMonth < leftToday;
  const left = Math.min(leftToday, leftThisMonth);
  if (promptTokens <= left || left < ROOM_FOR_A_SHORT_MESSAGE) return;
  const resetAt = monthBinds ? monthWindow(now).resetAt : dayWindow(now).resetAt;
  throw new ApiError(
    429,
    'prompt_too_large',
    `This message needs about ${promptTokens} tokens, more than the ${left} left ${monthBinds ? 'this month' : 'today'}; send a shorter message`,
    { 'Retry-After': String(secondsUntil(resetAt, now)) },
  );
}

function quotaExceeded(message: string, retryAfterS: number): ApiError {
  return new ApiError(429, 'quota_exceeded', message, { 'Retry-After': String(retryAfterS) });
}

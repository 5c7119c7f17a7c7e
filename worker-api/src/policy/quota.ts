import type { Db } from '../db/client';
import { quotaSnapshot, type QuotaClock, type QuotaSnapshot } from '../db/queries/reservations';
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

/** Where the quota windows start at `now`. */
export function clockAt(now: number): QuotaClock {
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

/** A request the admission batch refused for quota reasons: who, on which plan, with how big a prompt. */
export type QuotaRefusal = { userId: string; plan: PlanRow; promptTokens: number };

/**
 * The contract's 429 saying why the admission batch reserved nothing (the checks in SQL are
 * `reservationAdmit`'s). The reason is read afresh, which costs a round trip only when refusing.
 */
export async function quotaRefusal(db: Db, r: QuotaRefusal, now = Date.now()): Promise<ApiError> {
  try {
    refuseIfOver(r.plan, await quotaSnapshot(db, r.userId, clockAt(now)), r.promptTokens, now);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  // The numbers allow it now: requests in flight a moment ago have ended since.
  return quotaExceeded('Your quota is held by other requests in flight', IN_FLIGHT_RETRY_S);
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

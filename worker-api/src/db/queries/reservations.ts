import { eq, sql, type SQL } from 'drizzle-orm';
import { d1Statement, type Db } from '../client';
import { reservations } from '../schema';

/** Token sums of one user at one instant; `granted` is what live operator grants add to each limit. */
export type QuotaSnapshot = { usedDay: number; usedMonth: number; reserved: number; streams: number; granted: number };

/** Where the quota windows start and which instant counts as now, as the quota policy decides them. */
export type QuotaClock = { dayStart: number; monthStart: number; now: number };

/**
 * The user's quota snapshot as one SQL row, for `quotaSnapshot` and the admission batch alike.
 * Usage is read from the per-day roll-up of the ledger (`usage_days`, kept by triggers): this
 * runs before every answer, and a busy user's month is thousands of ledger rows but at most
 * 31 days. The windows start at UTC midnights, as the days do.
 */
export function quotaSnapshotSelect(userId: string, clock: QuotaClock): SQL {
  const live = sql`user_id = ${userId} AND expires_at > ${clock.now}`;
  return sql`SELECT
  coalesce(sum(CASE WHEN day_start >= ${clock.dayStart} THEN total_tokens END), 0) AS usedDay,
  coalesce(sum(CASE WHEN day_start >= ${clock.monthStart} THEN total_tokens END), 0) AS usedMonth,
  (SELECT coalesce(sum(tokens), 0) FROM reservations WHERE ${live}) AS reserved,
  (SELECT count(*) FROM reservations WHERE ${live}) AS streams,
  (SELECT coalesce(sum(tokens), 0) FROM quota_grants WHERE ${live}) AS granted
FROM usage_days WHERE user_id = ${userId} AND day_start >= min(${clock.dayStart}, ${clock.monthStart})`;
}

/** The user's usage in each window, their live reservations and live grants, in one read. */
export async function quotaSnapshot(db: Db, userId: string, clock: QuotaClock): Promise<QuotaSnapshot> {
  const row = await d1Statement(db, quotaSnapshotSelect(userId, clock)).first<QuotaSnapshot>();
  return row ?? { usedDay: 0, usedMonth: 0, reserved: 0, streams: 0, granted: 0 };
}

/** Frees a reservation's tokens and stream slot. */
export function reservationRelease(db: Db, reservationId: string) {
  return db.delete(reservations).where(eq(reservations.id, reservationId));
}

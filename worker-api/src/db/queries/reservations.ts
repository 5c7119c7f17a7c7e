import { eq } from 'drizzle-orm';
import type { Db } from '../client';
import { reservations } from '../schema';

/** Token sums of one user at one instant; `granted` is what live operator grants add to each limit. */
export type QuotaSnapshot = { usedDay: number; usedMonth: number; reserved: number; streams: number; granted: number };

/** Where the quota windows start and which instant counts as now, as the quota policy decides them. */
export type QuotaClock = { dayStart: number; monthStart: number; now: number };

const SNAPSHOT_SQL = `
SELECT
  (SELECT coalesce(sum(total_tokens), 0) FROM usage_events WHERE user_id = ?1 AND created_at >= ?2) AS usedDay,
  (SELECT coalesce(sum(total_tokens), 0) FROM usage_events WHERE user_id = ?1 AND created_at >= ?3) AS usedMonth,
  (SELECT coalesce(sum(tokens), 0) FROM reservations WHERE user_id = ?1 AND expires_at > ?4) AS reserved,
  (SELECT count(*) FROM reservations WHERE user_id = ?1 AND expires_at > ?4) AS streams,
  (SELECT coalesce(sum(tokens), 0) FROM quota_grants WHERE user_id = ?1 AND expires_at > ?4) AS granted`;

/** The user's usage in each window, their live reservations and live grants, in one read. */
export async function quotaSnapshot(db: Db, userId: string, clock: QuotaClock): Promise<QuotaSnapshot> {
  const row = await db.$client.prepare(SNAPSHOT_SQL).bind(userId, clock.dayStart, clock.monthStart, clock.now).first<QuotaSnapshot>();
  return row ?? { usedDay: 0, usedMonth: 0, reserved: 0, streams: 0, granted: 0 };
}

/** Frees a reservation's tokens and stream slot. */
export function reservationRelease(db: Db, reservationId: string) {
  return db.delete(reservations).where(eq(reservations.id, reservationId));
}

import { eq, sql } from 'drizzle-orm';
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

/** What a reservation may hold, as the quota policy worked it out; the statement checks it against the tables. */
export type ReservationTerms = {
  id: string;
  userId: string;
  promptTokens: number;
  /** The most the answer may take, before it is shrunk to the room left. */
  cap: number;
  dailyQuota: number;
  monthlyQuota: number;
  concurrentStreams: number;
  /** Less room than this for the answer and no reservation is made. */
  minCompletionTokens: number;
  expiresAt: number;
};

/**
 * Checks the terms against the user's usage, grants and live reservations and inserts the
 * reservation if they allow it, in one statement (D1 runs statements one at a time, so
 * nothing slips between the check and the insert). Returns the reserved tokens, or no row.
 */
export function reservationInsert(db: Db, t: ReservationTerms, clock: QuotaClock) {
  const live = sql`user_id = ${t.userId} AND expires_at > ${clock.now}`;
  // The select fills the table's columns in their declared order: id, user_id, tokens, created_at, expires_at.
  return db
    .insert(reservations)
    .select(
      sql`
SELECT ${t.id}, ${t.userId}, ${t.promptTokens} + min(${t.cap}, room), ${clock.now}, ${t.expiresAt}
FROM (SELECT
  (SELECT count(*) FROM reservations WHERE ${live}) AS streams,
  min(
    ${t.dailyQuota} - (SELECT coalesce(sum(total_tokens), 0) FROM usage_events WHERE user_id = ${t.userId} AND created_at >= ${clock.dayStart}),
    ${t.monthlyQuota} - (SELECT coalesce(sum(total_tokens), 0) FROM usage_events WHERE user_id = ${t.userId} AND created_at >= ${clock.monthStart})
  )
  + (SELECT coalesce(sum(tokens), 0) FROM quota_grants WHERE ${live})
  - (SELECT coalesce(sum(tokens), 0) FROM reservations WHERE ${live})
  - ${t.promptTokens} AS room)
WHERE streams < ${t.concurrentStreams} AND room >= ${t.minCompletionTokens}`,
    )
    .returning({ tokens: reservations.tokens });
}

/** Frees a reservation's tokens and stream slot. */
export function reservationRelease(db: Db, reservationId: string) {
  return db.delete(reservations).where(eq(reservations.id, reservationId));
}

import { and, eq, inArray, lte, ne } from 'drizzle-orm';
import type { Db, Statement } from '../client';
import { subscriptions, type SubscriptionRow } from '../schema';

export async function getSubscriptionForUser(db: Db, userId: string): Promise<SubscriptionRow | undefined> {
  return db.query.subscriptions.findFirst({ where: eq(subscriptions.userId, userId) });
}

/** Live subscriptions whose next renewal step (charge, retry or end) is due, oldest first. */
export async function listDueSubscriptions(db: Db, now: number, limit: number): Promise<SubscriptionRow[]> {
  return db
    .select()
    .from(subscriptions)
    .where(and(inArray(subscriptions.status, ['active', 'past_due']), lte(subscriptions.nextChargeAt, now)))
    .orderBy(subscriptions.nextChargeAt)
    .limit(limit);
}

/** Saves a started subscription; one row per user, so a new subscription replaces a canceled one. */
export function subscriptionUpsert(db: Db, values: typeof subscriptions.$inferInsert): Statement {
  return db.insert(subscriptions).values(values).onConflictDoUpdate({ target: subscriptions.userId, set: values });
}

/** Stops renewal at period end, only while the subscription is active. */
export function subscriptionCancelAtPeriodEnd(db: Db, id: string, now: number): Statement {
  return db
    .update(subscriptions)
    .set({ cancelAtPeriodEnd: true, updatedAt: now })
    .where(and(eq(subscriptions.id, id), eq(subscriptions.status, 'active')));
}

/** Ends a subscription with the reason, once: an ended one stays as it ended. */
export function subscriptionEnd(db: Db, id: string, reason: string, now: number): Statement {
  return db
    .update(subscriptions)
    .set({ status: 'canceled', nextChargeAt: null, endedAt: now, lastError: reason, updatedAt: now })
    .where(and(eq(subscriptions.id, id), ne(subscriptions.status, 'canceled')));
}

/** Moves a subscription from period `from` into the next, paid one: once, as it is guarded on the period. */
export function subscriptionRenewal(
  db: Db,
  id: string,
  from: number,
  next: { period: number; currentPeriodStart: number; currentPeriodEnd: number },
  now: number,
): Statement {
  return db
    .update(subscriptions)
    .set({ status: 'active', ...next, nextChargeAt: next.currentPeriodEnd, failedAttempts: 0, lastError: null, updatedAt: now })
    .where(and(eq(subscriptions.id, id), eq(subscriptions.period, from)));
}

/**
 * Counts a declined renewal and schedules the retry. Guarded on the period and count read,
 * so an overlapping run cannot count one decline twice.
 */
export async function markSubscriptionPastDue(
  db: Db,
  s: Pick<SubscriptionRow, 'id' | 'period' | 'failedAttempts'>,
  retry: { nextChargeAt: number; lastError: string },
  now: number,
): Promise<void> {
  await db
    .update(subscriptions)
    .set({ status: 'past_due', failedAttempts: s.failedAttempts + 1, nextChargeAt: retry.nextChargeAt, lastError: retry.lastError, updatedAt: now })
    .where(and(eq(subscriptions.id, s.id), eq(subscriptions.period, s.period), eq(subscriptions.failedAttempts, s.failedAttempts)));
}

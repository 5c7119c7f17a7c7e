import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Statement } from '../client';
import { orders, payments, users, type OrderRow } from '../schema';
import type { PaymentWithOrder } from './payments';

export async function getOrder(db: Db, id: string): Promise<OrderRow | undefined> {
  return db.query.orders.findFirst({ where: eq(orders.id, id) });
}

/** Creates an order, or leaves the one with that id as it is (ids of subscription charges are derived). */
export async function ensureOrder(db: Db, values: typeof orders.$inferInsert): Promise<OrderRow> {
  await db.insert(orders).values(values).onConflictDoNothing();
  const order = await getOrder(db, values.id);
  if (!order) throw new Error(`order ${values.id} vanished`);
  return order;
}

/** Sets an order's status, only from one of `from` when given. */
export function orderStatusUpdate(db: Db, id: string, status: OrderRow['status'], now: number, from?: OrderRow['status'][]): Statement {
  const where = from ? and(eq(orders.id, id), inArray(orders.status, from)) : eq(orders.id, id);
  return db.update(orders).set({ status, updatedAt: now }).where(where);
}

/** Marks a subscription charge's order paid and its period granted. */
export function orderPaidUpdate(db: Db, id: string, now: number): Statement {
  return db.update(orders).set({ status: 'paid', activatedAt: now, updatedAt: now }).where(eq(orders.id, id));
}

/**
 * Marks an order's plan granted, only if the user now holds exactly that plan until
 * `expiresAt`: the other half of `userPlanGrantForOrder`, so each applies only with the other.
 */
export function orderActivation(db: Db, order: { id: string; userId: string; planId: string }, expiresAt: number | null, now: number): Statement {
  return db
    .update(orders)
    .set({ activatedAt: now })
    .where(
      and(
        eq(orders.id, order.id),
        isNull(orders.activatedAt),
        sql`EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} = ${order.userId} AND ${users.planId} = ${order.planId} AND ${users.planExpiresAt} IS ${expiresAt})`,
      ),
    );
}

/** Records why Toss refused an order that is still unpaid. */
export async function markOrderFailed(db: Db, id: string, failure: { code: string; message: string }, now: number): Promise<void> {
  await db
    .update(orders)
    .set({ status: 'failed', failureCode: failure.code, failureMessage: failure.message, updatedAt: now })
    .where(and(eq(orders.id, id), inArray(orders.status, ['pending', 'failed'])));
}

/**
 * One-time orders still waiting for a deposit with the payment Toss holds for them, the one
 * checked longest ago first (every check rewrites the payment), so a long queue rotates.
 */
export async function listWaitingDeposits(db: Db, limit: number): Promise<PaymentWithOrder[]> {
  return db
    .select({ payment: payments, order: orders })
    .from(orders)
    .innerJoin(payments, eq(payments.orderId, orders.id))
    .where(and(eq(orders.status, 'waiting_for_deposit'), eq(payments.status, 'WAITING_FOR_DEPOSIT')))
    .orderBy(payments.updatedAt)
    .limit(limit);
}

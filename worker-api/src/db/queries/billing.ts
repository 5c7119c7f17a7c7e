import { and, desc, eq, inArray, lte } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { TossPayment } from '../../billing/toss';
import type { Db } from '../client';
import {
  billingEvents,
  orders,
  payments,
  plans,
  subscriptions,
  type OrderRow,
  type PaymentRow,
  type PlanRow,
  type SubscriptionRow,
} from '../schema';

/** One statement of a D1 batch. */
export type Statement = BatchItem<'sqlite'>;

/** Runs statements as one D1 batch: a transaction, so all of them apply or none does. */
export async function runBatch(db: Db, first: Statement, ...rest: Statement[]): Promise<void> {
  await db.batch([first, ...rest]);
}

/** Toss statuses of a payment that was approved (money taken, held for a deposit, or refunded since). */
const APPROVED_STATUSES = ['WAITING_FOR_DEPOSIT', 'DONE', 'CANCELED', 'PARTIAL_CANCELED'];

export async function getPlanById(db: Db, id: string): Promise<PlanRow | undefined> {
  return db.query.plans.findFirst({ where: eq(plans.id, id) });
}

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

/** Records why Toss refused an order that is still unpaid. */
export async function markOrderFailed(db: Db, id: string, failure: { code: string; message: string }, now: number): Promise<void> {
  await db
    .update(orders)
    .set({ status: 'failed', failureCode: failure.code, failureMessage: failure.message, updatedAt: now })
    .where(and(eq(orders.id, id), inArray(orders.status, ['pending', 'failed'])));
}

/** The approved payment of an order, if any. */
export async function getRecordedPayment(db: Db, orderId: string): Promise<PaymentRow | undefined> {
  return db.query.payments.findFirst({
    where: and(eq(payments.orderId, orderId), inArray(payments.status, APPROVED_STATUSES)),
    orderBy: desc(payments.updatedAt),
  });
}

export type PaymentWithOrder = { payment: PaymentRow; order: OrderRow };

/** The user's payments, newest first, each with the order it paid. */
export async function listPaymentsForUser(db: Db, userId: string, limit: number): Promise<PaymentWithOrder[]> {
  return db
    .select({ payment: payments, order: orders })
    .from(payments)
    .innerJoin(orders, eq(orders.id, payments.orderId))
    .where(eq(payments.userId, userId))
    .orderBy(desc(payments.createdAt), desc(payments.paymentKey))
    .limit(limit);
}

function epochOf(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** Saves Toss's latest word on a payment. The secret gets its own column and stays out of `raw`. */
export function paymentUpsert(db: Db, userId: string, payment: TossPayment, now: number): Statement {
  const { secret, ...raw } = payment;
  const values = {
    method: payment.method ?? null,
    status: payment.status,
    amount: payment.totalAmount,
    approvedAt: epochOf(payment.approvedAt),
    raw,
    updatedAt: now,
  };
  return db
    .insert(payments)
    .values({ paymentKey: payment.paymentKey, orderId: payment.orderId, userId, secret: secret ?? null, ...values })
    .onConflictDoUpdate({ target: payments.paymentKey, set: values });
}

export async function billingEventSeen(db: Db, eventKey: string): Promise<boolean> {
  const row = await db.query.billingEvents.findFirst({ columns: { eventKey: true }, where: eq(billingEvents.eventKey, eventKey) });
  return row !== undefined;
}

/** Logs an applied event; goes in the batch of the change it made, and a second copy is a no-op. */
export function billingEventInsert(db: Db, values: typeof billingEvents.$inferInsert): Statement {
  return db.insert(billingEvents).values(values).onConflictDoNothing();
}

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

/**
 * One-time orders still waiting for a deposit with the payment Toss holds for them, the one
 * checked longest ago first (every check rewrites the payment), so a long queue rotates.
 */
export async function listWaitingDeposits(db: Db, limit: number): Promise<PaymentWithOrder[]> {
  const rows = await db
    .select({ payment: payments, order: orders })
    .from(orders)
    .innerJoin(payments, eq(payments.orderId, orders.id))
    .where(and(eq(orders.status, 'waiting_for_deposit'), eq(payments.status, 'WAITING_FOR_DEPOSIT')))
    .orderBy(payments.updatedAt)
    .limit(limit);
  return rows;
}

import { and, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db, Statement } from '../client';
import { orders, payments, users, type OrderRow, type PaymentRow } from '../schema';

/** Toss statuses of a payment that was approved (money taken, held for a deposit, or refunded since). */
const APPROVED_STATUSES = ['WAITING_FOR_DEPOSIT', 'DONE', 'CANCELED', 'PARTIAL_CANCELED'];

/** A payment as the provider describes it: the fields stored in columns, the rest kept as sent. */
export type ProviderPayment = {
  paymentKey: string;
  orderId: string;
  status: string;
  method?: string | null | undefined;
  totalAmount: number;
  approvedAt?: string | null | undefined;
  /** Virtual accounts only: deposit callbacks quote it. */
  secret?: string | null | undefined;
  [field: string]: unknown;
};

export type PaymentWithOrder = { payment: PaymentRow; order: OrderRow };

/** The approved payment of an order, if any. */
export async function getRecordedPayment(db: Db, orderId: string): Promise<PaymentRow | undefined> {
  return db.query.payments.findFirst({
    where: and(eq(payments.orderId, orderId), inArray(payments.status, APPROVED_STATUSES)),
    orderBy: desc(payments.updatedAt),
  });
}

/** The payment recorded under a Toss payment key, whatever its status. */
export async function getPaymentByKey(db: Db, paymentKey: string): Promise<PaymentRow | undefined> {
  return db.query.payments.findFirst({ where: eq(payments.paymentKey, paymentKey) });
}

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

/** Saves the provider's latest word on a payment. The secret gets its own column and stays out of `raw`. */
export function paymentUpsert(db: Db, userId: string, payment: ProviderPayment, now: number): Statement {
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

/** Statuses of a payment whose money was taken: held for a deposit is not yet revenue. */
const TAKEN_STATUSES = ['DONE', 'CANCELED', 'PARTIAL_CANCELED'];

/** What one user paid for one plan over a period (KRW), net of refunds, and when they last paid for it. */
export type PeriodUserRevenue = {
  userId: string;
  email: string | null;
  name: string | null;
  planId: string;
  payments: number;
  grossKrw: number;
  refundedKrw: number;
  lastApprovedAt: number;
};

/**
 * Every user's payments approved in [fromMs, toMs), summed per plan bought. A refund is netted
 * against the payment it refunds (Toss's `balanceAmount`: what is left of it), whenever it
 * happened; a payment canceled whole nets to zero.
 */
export async function revenuePerUser(db: Db, fromMs: number, toMs: number): Promise<PeriodUserRevenue[]> {
  const kept = sql<number>`CASE WHEN ${payments.status} = 'CANCELED' THEN 0 ELSE coalesce(json_extract(${payments.raw}, '$.balanceAmount'), ${payments.amount}) END`;
  return db
    .select({
      userId: payments.userId,
      email: users.email,
      name: users.name,
      planId: orders.planId,
      payments: sql<number>`count(*)`,
      grossKrw: sql<number>`sum(${payments.amount})`,
      refundedKrw: sql<number>`sum(${payments.amount} - ${kept})`,
      lastApprovedAt: sql<number>`max(${payments.approvedAt})`,
    })
    .from(payments)
    .innerJoin(orders, eq(orders.id, payments.orderId))
    .leftJoin(users, eq(users.id, payments.userId))
    .where(and(inArray(payments.status, TAKEN_STATUSES), gte(payments.approvedAt, fromMs), lt(payments.approvedAt, toMs)))
    .groupBy(payments.userId, orders.planId)
    .orderBy(payments.userId, orders.planId);
}

import { customerKeyFor } from '@chat/contract';
import { runBatch, type Db, type Statement } from '../db/client';
import { newId } from '../db/ids';
import { ensureOrder, getOrder, markOrderFailed, orderActivation, orderStatusUpdate } from '../db/queries/orders';
import { getRecordedPayment, paymentUpsert } from '../db/queries/payments';
import { getPlanById } from '../db/queries/plans';
import { getSubscriptionForUser } from '../db/queries/subscriptions';
import { getUserById, userPlanGrantForOrder } from '../db/queries/users';
import type { OrderRow, PaymentRow, PlanRow, UserRow } from '../db/schema';
import { ApiError } from '../http/errors';
import { log } from '../log';
import { getEntitled } from '../policy/plans';
import { addMonths } from './periods';
import { paymentFailure, TossApiError, TossPaymentSchema, type TossClient, type TossPayment } from './toss';

/** A grant that loses a race with another grant for the same user re-reads and tries again, this often. */
const GRANT_ATTEMPTS = 3;

/** The plan named in a request, if it is one that costs money; free and unknown plans are bad input. */
export async function planForSale(db: Db, planId: string): Promise<PlanRow> {
  const plan = await getPlanById(db, planId);
  if (!plan) throw new ApiError(400, 'invalid_request', `body.planId: there is no plan ${planId}`);
  if (plan.priceKrw <= 0) throw new ApiError(400, 'invalid_request', `body.planId: the ${plan.name} plan is free; choose a paid plan`);
  return plan;
}

/** A live subscription already pays for a plan every month: a one-time month on top would clash with it. */
async function refuseWhileSubscribed(db: Db, userId: string): Promise<void> {
  const subscription = await getSubscriptionForUser(db, userId);
  if (subscription && subscription.status !== 'canceled') {
    throw new ApiError(409, 'subscription_active', 'You have a subscription; it renews your plan every month');
  }
}

export type OrderQuote = { orderId: string; amount: number; orderName: string; customerKey: string; planId: string };

/**
 * Opens a one-time order for a month of a plan, priced here from the plan: the browser
 * passes `amount` to the payment window and back, and confirm checks it against this.
 */
export async function createOneTimeOrder(db: Db, userId: string, planId: string): Promise<OrderQuote> {
  const plan = await planForSale(db, planId);
  await refuseWhileSubscribed(db, userId);
  const order = await ensureOrder(db, {
    id: newId('ord'),
    userId,
    planId: plan.id,
    amount: plan.priceKrw,
    orderName: `${plan.name} plan, 1 month`,
    kind: 'one_time',
  });
  return { orderId: order.id, amount: order.amount, orderName: order.orderName, customerKey: customerKeyFor(userId), planId: plan.id };
}

/**
 * The Idempotency-Key of a confirm: one per order and payment attempt. A retry after a lost
 * answer gets Toss's first answer back instead of a second approval; a new attempt with
 * another card (a new paymentKey) is not stuck with the first attempt's decline.
 */
export function confirmIdempotencyKey(orderId: string, paymentKey: string): string {
  return `confirm:${orderId}:${paymentKey}`;
}

/** A payment as the API shows it. */
export type PaymentView = {
  paymentKey: string;
  orderId: string;
  orderName: string;
  planId: string;
  kind: OrderRow['kind'];
  method: string | null;
  status: string;
  amount: number;
  approvedAt: string | null;
  receiptUrl: string | null;
  virtualAccount: { accountNumber: string; bankCode: string; dueDate: string } | null;
};

export function describePayment(payment: PaymentRow, order: OrderRow): PaymentView {
  const raw = TossPaymentSchema.safeParse(payment.raw);
  const account = raw.success ? raw.data.virtualAccount : null;
  return {
    paymentKey: payment.paymentKey,
    orderId: order.id,
    orderName: order.orderName,
    planId: order.planId,
    kind: order.kind,
    method: payment.method,
    status: payment.status,
    amount: payment.amount,
    approvedAt: payment.approvedAt === null ? null : new Date(payment.approvedAt).toISOString(),
    receiptUrl: raw.success ? (raw.data.receipt?.url ?? null) : null,
    virtualAccount: account ? { accountNumber: account.accountNumber, bankCode: account.bankCode, dueDate: account.dueDate } : null,
  };
}

/** The plan in force and when it lapses (null: it does not, or it renews). */
export type PlanState = { id: string; name: string; expiresAt: string | null };

export async function planStateOf(db: Db, userId: string, now = Date.now()): Promise<PlanState> {
  const { user, plan } = await getEntitled(db, userId, now);
  const expiresAt = plan.id === user.planId && user.planExpiresAt !== null ? new Date(user.planExpiresAt).toISOString() : null;
  return { id: plan.id, name: plan.name, expiresAt };
}

export type Confirmation = { payment: PaymentView; plan: PlanState };

/**
 * Confirms the caller's one-time order with Toss and applies the result: DONE grants the
 * month now, WAITING_FOR_DEPOSIT (virtual account) waits for the deposit webhook. The order
 * decides the amount; an order already confirmed answers with what was recorded.
 */
export async function confirmOneTimeOrder(
  db: Db,
  toss: TossClient,
  userId: string,
  input: { paymentKey: string; orderId: string; amount: number },
  now = Date.now(),
): Promise<Confirmation> {
  const order = await getOrder(db, input.orderId);
  if (!order || order.userId !== userId || order.kind !== 'one_time') throw new ApiError(404, 'not_found', 'No such order');
  if (input.amount !== order.amount) {
    throw new ApiError(400, 'amount_mismatch', `body.amount: the order is for ${order.amount} KRW, not ${input.amount}`);
  }
  const recorded = await getRecordedPayment(db, order.id);
  if (recorded) {
    if (recorded.paymentKey !== input.paymentKey) throw new ApiError(409, 'order_already_paid', 'This order was paid with another payment');
    return confirmation(db, order, recorded, now);
  }
  await refuseWhileSubscribed(db, userId);

  const payment = await confirmWithToss(db, toss, order, input.paymentKey, now);
  if (payment.orderId !== order.id || payment.totalAmount !== order.amount) {
    throw new ApiError(400, 'payment_mismatch', 'That payment is not for this order');
  }
  await applyOneTimePayment(db, order, payment, now);
  if (payment.status !== 'DONE' && payment.status !== 'WAITING_FOR_DEPOSIT') {
    throw new ApiError(402, 'payment_not_completed', `Toss reports the payment as ${payment.status}`);
  }
  const saved = await getRecordedPayment(db, order.id);
  if (!saved) throw new Error(`payment of order ${order.id} was not saved`);
  return confirmation(db, order, saved, now);
}

async function confirmation(db: Db, order: OrderRow, payment: PaymentRow, now: number): Promise<Confirmation> {
  return { payment: describePayment(payment, order), plan: await planStateOf(db, order.userId, now) };
}

async function confirmWithToss(db: Db, toss: TossClient, order: OrderRow, paymentKey: string, now: number): Promise<TossPayment> {
  try {
    return await toss.confirmPayment({ paymentKey, orderId: order.id, amount: order.amount }, confirmIdempotencyKey(order.id, paymentKey));
  } catch (err) {
    if (err instanceof TossApiError && err.code === 'ALREADY_PROCESSED_PAYMENT') {
      // An earlier confirm went through but neither its answer nor Toss's replay reached us: read what Toss holds.
      return toss.getPayment(paymentKey).catch((readErr: unknown) => {
        throw paymentFailure(readErr);
      });
    }
    if (err instanceof TossApiError && !err.outcomeUnknown) await markOrderFailed(db, order.id, err, now);
    throw paymentFailure(err);
  }
}

/**
 * Records Toss's verified word on a one-time order's payment, with `extra` statements (the
 * webhook's event log) in the same batch. Safe to repeat: the month is granted once.
 */
export async function applyOneTimePayment(db: Db, order: OrderRow, payment: TossPayment, now: number, extra: Statement[] = []): Promise<void> {
  const record = paymentUpsert(db, order.userId, payment, now);
  switch (payment.status) {
    case 'DONE':
      if (payment.totalAmount !== order.amount) {
        // Toss checked the amount at confirm; if this ever differs, keep the record and grant nothing.
        log('error', 'billing_amount_mismatch', { orderId: order.id, paymentKey: payment.paymentKey, amount: payment.totalAmount });
        return runBatch(db, record, ...extra);
      }
      return grantOrder(db, order, [record, orderStatusUpdate(db, order.id, 'paid', now), ...extra], now);
    case 'WAITING_FOR_DEPOSIT':
      return runBatch(db, record, orderStatusUpdate(db, order.id, 'waiting_for_deposit', now, ['pending', 'failed']), ...extra);
    case 'ABORTED':
      return runBatch(db, record, orderStatusUpdate(db, order.id, 'failed', now, ['pending', 'waiting_for_deposit']), ...extra);
    case 'EXPIRED':
      return runBatch(db, record, orderStatusUpdate(db, order.id, 'expired', now, ['pending', 'waiting_for_deposit', 'failed']), ...extra);
    case 'CANCELED':
      return runBatch(db, record, orderStatusUpdate(db, order.id, 'canceled', now), ...extra);
    case 'READY':
    case 'IN_PROGRESS':
    case 'PARTIAL_CANCELED':
      return runBatch(db, record, ...extra);
  }
}

/**
 * A month from now, or from the end of the same plan's unexpired month, so paying early
 * adds a month instead of wasting one. An open-ended grant of the same plan stays open.
 */
function oneTimeExpiry(user: UserRow, planId: string, now: number): number | null {
  if (user.planId !== planId) return addMonths(now, 1);
  if (user.planExpiresAt === null) return null;
  return addMonths(Math.max(now, user.planExpiresAt), 1);
}

/**
 * Grants the order's plan in one batch with `statements`, at most once: the user update
 * applies only while the order is not yet marked activated, and only if the user's plan is
 * still what we computed from (another grant did not slip in); the mark applies only if
 * the grant did. On a lost race, re-read and try again.
 */
async function grantOrder(db: Db, order: OrderRow, statements: [Statement, ...Statement[]], now: number): Promise<void> {
  for (let attempt = 0; attempt < GRANT_ATTEMPTS; attempt++) {
    const user = await getUserById(db, order.userId);
    if (!user) return runBatch(db, ...statements);
    const expiresAt = oneTimeExpiry(user, order.planId, now);
    await runBatch(
      db,
      ...statements,
      userPlanGrantForOrder(db, user.id, { planId: user.planId, expiresAt: user.planExpiresAt }, { planId: order.planId, expiresAt }, order.id, now),
      orderActivation(db, order, expiresAt, now),
    );
    const after = await getOrder(db, order.id);
    if (after?.activatedAt != null) return;
  }
  throw new Error(`could not grant order ${order.id}: the user's plan kept changing`);
}

import { customerKeyFor } from '@chat/contract';
import type { Subscription } from '@chat/contract/api';
import { readConfig } from '../config';
import { DAY_MS } from '../days';
import { getDb, runBatch, type Db } from '../db/client';
import { ensureOrder, getOrder, markOrderFailed, orderPaidUpdate } from '../db/queries/orders';
import { paymentUpsert } from '../db/queries/payments';
import { getPlanById } from '../db/queries/plans';
import {
  getSubscriptionForUser,
  listDueSubscriptions,
  markSubscriptionPastDue,
  subscriptionCancelAtPeriodEnd,
  subscriptionEnd,
  subscriptionRenewal,
  subscriptionUpsert,
} from '../db/queries/subscriptions';
import { userPlanEndForSubscription, userPlanExpiryUpdate, userPlanRenewForSubscription, userUpdate } from '../db/queries/users';
import type { OrderRow, PlanRow, SubscriptionRow } from '../db/schema';
import type { Bindings } from '../env';
import { ApiError } from '../http/errors';
import { log } from '../log';
import { openBillingKey, sealBillingKey } from './billing-key-cipher';
import { planForSale } from './orders';
import { addMonths } from './periods';
import { paymentFailure, TossApiError, tossClient, type TossClient, type TossPayment } from './toss';

/** Days after the due date on which a declined renewal is tried again; after the last, the plan ends. */
export const RETRY_DAYS: readonly number[] = [1, 3, 7];
/**
 * How long the plan outlives a paid period: the whole retry schedule plus a day, so neither
 * dunning nor a late cron run cuts a paying user off. A canceled subscription ends exactly.
 */
const GRACE_MS = ((RETRY_DAYS.at(-1) ?? 0) + 1) * DAY_MS;
/** Subscriptions handled per cron run; the rest wait an hour. */
const RENEWALS_PER_RUN = 100;

/** What the caller sees of a subscription (never the billing key), typed from the route's schema through the generated contract. */
export type SubscriptionView = Subscription;

const iso = (ms: number) => new Date(ms).toISOString();

export function describeSubscription(s: SubscriptionRow): SubscriptionView {
  return {
    id: s.id,
    planId: s.planId,
    status: s.status,
    cardNumber: s.cardNumber,
    currentPeriodStart: iso(s.currentPeriodStart),
    currentPeriodEnd: iso(s.currentPeriodEnd),
    nextChargeAt: s.nextChargeAt === null ? null : iso(s.nextChargeAt),
    cancelAtPeriodEnd: s.cancelAtPeriodEnd,
    failedAttempts: s.failedAttempts,
    lastError: s.lastError,
    endedAt: s.endedAt === null ? null : iso(s.endedAt),
  };
}

/**
 * The subscription a card registration starts: derived from the user and the `authKey`, so a
 * retried request (after a timeout) finds the same subscription, order ids and Toss keys.
 */
async function subscriptionIdFor(userId: string, authKey: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${userId}:${authKey}`)));
  return `sub_${[...digest.slice(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The Toss orderId of one charge attempt of one period. Attempts differ because Toss replays
 * a decline for a repeated Idempotency-Key; a crashed run repeats its attempt number, so
 * its retry reuses the key and Toss answers with the first charge instead of a second.
 *
 * @example periodOrderId('sub_ab12', 2, 0) // "sub_ab12-p2-a0"
 */
export function periodOrderId(subscriptionId: string, period: number, attempt: number): string {
  return `${subscriptionId}-p${period}-a${attempt}`;
}

/** The Idempotency-Key of a billing charge: one per order id, so one per period and attempt. */
export function chargeIdempotencyKey(orderId: string): string {
  return `charge:${orderId}`;
}

function billingSecret(env: Bindings): string {
  const { billingKeySecret } = readConfig(env);
  if (!billingKeySecret) throw new ApiError(503, 'billing_unavailable', 'Subscriptions are not configured on this server');
  return billingKeySecret;
}

function orderNameFor(plan: { name: string }): string {
  return `${plan.name} plan, monthly`;
}

/**
 * Registers the caller's card (authKey → billing key), charges the first month and starts
 * the subscription. Retrying with the same authKey after a lost answer charges nothing new.
 */
export async function startSubscription(
  env: Bindings,
  userId: string,
  input: { authKey: string; customerKey: string; planId: string },
  now = Date.now(),
): Promise<SubscriptionRow> {
  const db = getDb(env.DB);
  const customerKey = customerKeyFor(userId);
  if (input.customerKey !== customerKey) throw new ApiError(400, 'customer_key_mismatch', 'body.customerKey: this is not your customer key');
  const plan = await planForSale(db, input.planId);
  const secret = billingSecret(env);
  const toss = tossClient(readConfig(env));

  const id = await subscriptionIdFor(userId, input.authKey);
  const existing = await getSubscriptionForUser(db, userId);
  if (existing && existing.status !== 'canceled') {
    if (existing.id === id) return existing;
    throw new ApiError(409, 'subscription_active', 'You already have a subscription');
  }
  // A card registration starts one subscription, once: replayed after that subscription ended,
  // Toss would replay its first charge too, and the new subscription would be free.
  const firstOrder = await getOrder(db, periodOrderId(id, 1, 0));
  if (firstOrder?.status === 'paid') throw new ApiError(409, 'authorization_used', 'This card registration was already used; register the card again');

  const billing = await toss.issueBillingKey({ authKey: input.authKey, customerKey }, `billing-auth:${id}`).catch((err: unknown) => {
    throw paymentFailure(err);
  });
  const order = await ensureOrder(db, {
    id: periodOrderId(id, 1, 0),
    userId,
    planId: plan.id,
    amount: plan.priceKrw,
    orderName: orderNameFor(plan),
    kind: 'subscription',
    subscriptionId: id,
  });
  const payment = await charge(db, toss, billing.billingKey, customerKey, order, now);
  if (payment.status !== 'DONE') throw new ApiError(402, 'payment_not_completed', `Toss reports the first charge as ${payment.status}`);

  const periodEnd = addMonths(now, 1);
  const values = {
    id,
    userId,
    planId: plan.id,
    billingKeyCiphertext: await sealBillingKey(secret, billing.billingKey, id),
    customerKey,
    cardNumber: billing.cardNumber ?? null,
    status: 'active' as const,
    anchorAt: now,
    period: 1,
    currentPeriodStart: now,
    currentPeriodEnd: periodEnd,
    nextChargeAt: periodEnd,
    failedAttempts: 0,
    cancelAtPeriodEnd: false,
    lastError: null,
    endedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  await runBatch(
    db,
    paymentUpsert(db, userId, payment, now),
    orderPaidUpdate(db, order.id, now),
    subscriptionUpsert(db, values),
    userUpdate(db, userId, { planId: plan.id, planExpiresAt: periodEnd + GRACE_MS }, now),
  );
  const started = await getSubscriptionForUser(db, userId);
  if (!started) throw new Error(`subscription ${id} was not saved`);
  return started;
}

/** Charges a period's order; a refusal marks the order failed and leaves as an ApiError. */
async function charge(db: Db, toss: TossClient, billingKey: string, customerKey: string, order: OrderRow, now: number): Promise<TossPayment> {
  try {
    return await toss.chargeBillingKey(
      billingKey,
      { amount: order.amount, customerKey, orderId: order.id, orderName: order.orderName },
      chargeIdempotencyKey(order.id),
    );
  } catch (err) {
    if (err instanceof TossApiError && !err.outcomeUnknown) await markOrderFailed(db, order.id, err, now);
    throw paymentFailure(err);
  }
}

/**
 * Stops renewal: the plan runs to the end of the period paid for, then falls back to free.
 * A subscription already past due has no paid time left, so it ends now.
 */
export async function cancelSubscription(db: Db, userId: string, now = Date.now()): Promise<SubscriptionRow> {
  const subscription = await getSubscriptionForUser(db, userId);
  if (!subscription || subscription.status === 'canceled') throw new ApiError(404, 'not_found', 'You have no subscription to cancel');
  if (subscription.status === 'past_due') {
    await endSubscription(db, subscription, now, 'canceled by the user while a renewal was failing');
  } else if (!subscription.cancelAtPeriodEnd) {
    await runBatch(
      db,
      subscriptionCancelAtPeriodEnd(db, subscription.id, now),
      // The plan now lapses exactly at period end, even if the cron runs late.
      userPlanExpiryUpdate(db, userId, subscription.planId, subscription.currentPeriodEnd, now),
    );
  }
  const after = await getSubscriptionForUser(db, userId);
  if (!after) throw new Error(`subscription of ${userId} vanished`);
  return after;
}

/** Ends a subscription and returns its user to free, recording why; a second call changes nothing. */
async function endSubscription(db: Db, s: SubscriptionRow, now: number, reason: string): Promise<void> {
  await runBatch(db, userPlanEndForSubscription(db, s.userId, s.planId, s.id, now), subscriptionEnd(db, s.id, reason, now));
  log('info', 'subscription_ended', { subscriptionId: s.id, userId: s.userId, reason });
}

export type RenewalSummary = { renewed: number; failed: number; ended: number; deferred: number };

/**
 * The renewal cron: for each live subscription that is due, ends it if it was canceled,
 * else charges the next period. A declined charge is tried again on days 1, 3 and 7 after
 * the due date, then the plan falls back to free. Running twice, or after a crash between
 * a charge and its record, charges nothing twice: each attempt has its own Idempotency-Key.
 *
 * @example await renewDueSubscriptions(env, Date.parse('2026-12-01T00:00:00Z'))
 */
export async function renewDueSubscriptions(env: Bindings, now = Date.now()): Promise<RenewalSummary> {
  const db = getDb(env.DB);
  const summary: RenewalSummary = { renewed: 0, failed: 0, ended: 0, deferred: 0 };
  const due = await listDueSubscriptions(db, now, RENEWALS_PER_RUN);
  if (due.length === 0) return summary;
  const toss = tossClient(readConfig(env));
  const secret = billingSecret(env);
  for (const subscription of due) {
    try {
      summary[await renewOne(db, toss, secret, subscription, now)]++;
    } catch (err) {
      // Toss's or our own trouble: the outcome is unknown, so the next run repeats the same attempt (same key).
      summary.deferred++;
      log('error', 'renewal_deferred', { subscriptionId: subscription.id, error: String(err) });
    }
  }
  log('info', 'renewal_run', { at: new Date(now).toISOString(), ...summary });
  return summary;
}

async function renewOne(db: Db, toss: TossClient, secret: string, s: SubscriptionRow, now: number): Promise<Exclude<keyof RenewalSummary, 'deferred'>> {
  if (s.cancelAtPeriodEnd) {
    await endSubscription(db, s, now, 'canceled by the user; ended at period end');
    return 'ended';
  }
  const plan = await getPlanById(db, s.planId);
  if (!plan) {
    await endSubscription(db, s, now, `plan ${s.planId} no longer exists`);
    return 'ended';
  }
  const period = s.period + 1;
  const orderId = periodOrderId(s.id, period, s.failedAttempts);
  // Look the attempt up first: a run that finished it since we listed the due rows leaves nothing to do.
  const seen = await getOrder(db, orderId);
  if (seen?.status === 'paid') return 'renewed';
  const order =
    seen ??
    (await ensureOrder(db, { id: orderId, userId: s.userId, planId: s.planId, amount: plan.priceKrw, orderName: orderNameFor(plan), kind: 'subscription', subscriptionId: s.id }));

  const billingKey = await openBillingKey(secret, s.billingKeyCiphertext, s.id);
  let payment: TossPayment;
  try {
    payment = await toss.chargeBillingKey(
      billingKey,
      { amount: order.amount, customerKey: s.customerKey, orderId: order.id, orderName: order.orderName },
      chargeIdempotencyKey(order.id),
    );
  } catch (err) {
    if (!(err instanceof TossApiError) || err.outcomeUnknown) throw err;
    return recordDecline(db, s, order, err, now);
  }
  if (payment.status !== 'DONE') return recordDecline(db, s, order, { code: payment.status, message: 'Toss did not complete the charge' }, now);
  await recordRenewal(db, s, plan, order, payment, now);
  return 'renewed';
}

/** Moves the subscription into the paid period, all in one batch, once (guarded on the period). */
async function recordRenewal(db: Db, s: SubscriptionRow, plan: PlanRow, order: OrderRow, payment: TossPayment, now: number): Promise<void> {
  const period = s.period + 1;
  const end = addMonths(s.anchorAt, period);
  await runBatch(
    db,
    paymentUpsert(db, s.userId, payment, now),
    userPlanRenewForSubscription(db, s.userId, { planId: plan.id, expiresAt: end + GRACE_MS }, s, now),
    subscriptionRenewal(db, s.id, s.period, { period, currentPeriodStart: addMonths(s.anchorAt, period - 1), currentPeriodEnd: end }, now),
    orderPaidUpdate(db, order.id, now),
  );
}

/** Counts a declined renewal: schedules the next retry, or after the last one ends the subscription. */
async function recordDecline(
  db: Db,
  s: SubscriptionRow,
  order: OrderRow,
  failure: { code: string; message: string },
  now: number,
): Promise<'failed' | 'ended'> {
  await markOrderFailed(db, order.id, failure, now);
  const attempts = s.failedAttempts + 1;
  const retryDay = RETRY_DAYS[attempts - 1];
  if (retryDay === undefined) {
    await endSubscription(db, s, now, `payment_failed: ${failure.code}: ${failure.message} (${attempts} attempts)`);
    return 'ended';
  }
  await markSubscriptionPastDue(db, s, { nextChargeAt: s.currentPeriodEnd + retryDay * DAY_MS, lastError: `${failure.code}: ${failure.message}` }, now);
  return 'failed';
}

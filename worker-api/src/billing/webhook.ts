import { z } from 'zod';
import { readConfig } from '../config';
import { getDb, runBatch, type Db } from '../db/client';
import { billingEventInsert, billingEventSeen } from '../db/queries/billing-events';
import { getOrder } from '../db/queries/orders';
import { getPaymentByKey, getRecordedPayment, paymentUpsert } from '../db/queries/payments';
import { claimWebhookCheck } from '../db/queries/webhook-checks';
import type { Bindings } from '../env';
import { log } from '../log';
import { applyOneTimePayment } from './orders';
import { TossApiError, tossClient, type TossClient, type TossPayment } from './toss';

/**
 * What became of a webhook, for the log and tests (the caller is told nothing): `applied`
 * (Toss's verified state was recorded), `duplicate` (already applied), `rejected` (it did not
 * verify: a payment we do not know, wrong secret, or a status Toss does not confirm, in which
 * case only Toss's own state is recorded), `throttled` (this payment and status were verified
 * moments ago), `ignored` (not an event we act on).
 */
export type WebhookOutcome = 'applied' | 'duplicate' | 'rejected' | 'throttled' | 'ignored';

/**
 * How long a status change of one payment is not re-verified with Toss. Anyone can post one,
 * and each check spends a call with our secret key; a real change Toss sends inside the window
 * was verified by the check that started it, or is read back by the reconciliation cron.
 */
export const WEBHOOK_CHECK_INTERVAL_MS = 30_000;

/** The statuses a Toss payment can have; a claim of any other is forged without asking Toss. */
const TOSS_STATUSES = ['READY', 'IN_PROGRESS', 'WAITING_FOR_DEPOSIT', 'DONE', 'CANCELED', 'PARTIAL_CANCELED', 'ABORTED', 'EXPIRED'] as const;

const PaymentStatusChanged = z.object({
  eventType: z.literal('PAYMENT_STATUS_CHANGED'),
  data: z.looseObject({ paymentKey: z.string().min(1).max(200), orderId: z.string().max(64).optional(), status: z.string().max(50).optional() }),
});

const DepositCallback = z.object({
  secret: z.string().min(1).max(300),
  status: z.string().min(1).max(50),
  orderId: z.string().min(1).max(64),
});

type Deposit = z.infer<typeof DepositCallback>;

// Official samples send a deposit callback's fields at the top level, without `eventType`;
// some integrations wrap them in `data` under `eventType: "DEPOSIT_CALLBACK"`. Both are accepted.
function depositOf(body: unknown): Deposit | null {
  const top = DepositCallback.safeParse(body);
  if (top.success) return top.data;
  const wrapped = z.object({ eventType: z.literal('DEPOSIT_CALLBACK').optional(), data: DepositCallback }).safeParse(body);
  return wrapped.success ? wrapped.data.data : null;
}

function eventKey(eventType: string, paymentKey: string, status: string): string {
  return `${eventType}:${paymentKey}:${status}`;
}

/**
 * Handles one Toss webhook. Nothing in the body is believed: a status change of a payment we
 * know is re-read from Toss (`GET /v1/payments/{paymentKey}`), throttled, and a deposit
 * callback must quote the secret Toss gave us at confirm before Toss is asked. What Toss says is applied once: the event key
 * (event, payment, verified status) is logged in the same batch as the change.
 *
 * @example await handleTossWebhook(env, await request.json())
 */
export async function handleTossWebhook(env: Bindings, body: unknown, now = Date.now()): Promise<WebhookOutcome> {
  const db = getDb(env.DB);
  const changed = PaymentStatusChanged.safeParse(body);
  if (changed.success) return onStatusChanged(db, env, changed.data.data, now);
  const deposit = depositOf(body);
  if (deposit) return onDeposit(db, env, deposit, now);

  const eventType = typeof body === 'object' && body !== null && 'eventType' in body ? String(body.eventType) : null;
  log('info', 'billing_webhook_ignored', { eventType });
  return 'ignored';
}

/**
 * A status change is unauthenticated, so D1 is asked before Toss: only a payment we recorded,
 * or one of our orders (a charge whose answer was lost), is verified, and each claimed status
 * of it at most once per WEBHOOK_CHECK_INTERVAL_MS.
 */
async function onStatusChanged(db: Db, env: Bindings, data: z.infer<typeof PaymentStatusChanged>['data'], now: number): Promise<WebhookOutcome> {
  const { paymentKey, orderId, status } = data;
  const reject = (reason: string): WebhookOutcome => {
    log('warn', 'billing_webhook_rejected', { eventType: 'PAYMENT_STATUS_CHANGED', paymentKey, reason });
    return 'rejected';
  };
  if (status !== undefined && !(TOSS_STATUSES as readonly string[]).includes(status)) return reject(`${status} is not a Toss status`);
  if (status && (await billingEventSeen(db, eventKey('PAYMENT_STATUS_CHANGED', paymentKey, status)))) return 'duplicate';
  const known = (await getPaymentByKey(db, paymentKey)) ?? (orderId === undefined ? undefined : await getOrder(db, orderId));
  if (!known) return reject('not a payment we know');
  if (!(await claimWebhookCheck(db, `PAYMENT_STATUS_CHANGED:${paymentKey}:${status ?? ''}`, now, WEBHOOK_CHECK_INTERVAL_MS))) {
    log('info', 'billing_webhook_throttled', { paymentKey, status });
    return 'throttled';
  }
  return applyVerified(db, tossClient(readConfig(env)), 'PAYMENT_STATUS_CHANGED', paymentKey, now, status);
}

async function onDeposit(db: Db, env: Bindings, deposit: Deposit, now: number): Promise<WebhookOutcome> {
  const recorded = await getRecordedPayment(db, deposit.orderId);
  if (!recorded?.secret || !(await sameSecret(recorded.secret, deposit.secret))) {
    log('warn', 'billing_webhook_rejected', { eventType: 'DEPOSIT_CALLBACK', orderId: deposit.orderId, reason: recorded ? 'secret does not match' : 'no virtual account for this order' });
    return 'rejected';
  }
  if (await billingEventSeen(db, eventKey('DEPOSIT_CALLBACK', recorded.paymentKey, deposit.status))) return 'duplicate';
  return applyVerified(db, tossClient(readConfig(env)), 'DEPOSIT_CALLBACK', recorded.paymentKey, now);
}

/** Compares in constant time (hashing first gives both sides one length), so timing tells nothing of the secret. */
async function sameSecret(expected: string, given: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [a, b] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(expected)),
    crypto.subtle.digest('SHA-256', encoder.encode(given)),
  ]);
  return crypto.subtle.timingSafeEqual(a, b);
}

async function applyVerified(db: Db, toss: TossClient, eventType: string, paymentKey: string, now: number, claimed?: string): Promise<WebhookOutcome> {
  let payment: TossPayment;
  try {
    payment = await toss.getPayment(paymentKey);
  } catch (err) {
    if (err instanceof TossApiError && err.status === 404) {
      log('warn', 'billing_webhook_rejected', { eventType, paymentKey, reason: 'Toss does not know this payment' });
      return 'rejected';
    }
    throw err;
  }
  // A claim Toss does not back is a forgery or a stale retry: say so, but still record Toss's word.
  const verified = claimed === undefined || claimed === payment.status;
  if (!verified) log('warn', 'billing_webhook_rejected', { eventType, paymentKey, reason: `Toss says ${payment.status}, not ${claimed}` });
  const key = eventKey(eventType, payment.paymentKey, payment.status);
  if (await billingEventSeen(db, key)) return verified ? 'duplicate' : 'rejected';
  const order = await getOrder(db, payment.orderId);
  if (!order) {
    log('info', 'billing_webhook_ignored', { eventType, paymentKey, orderId: payment.orderId, reason: 'not one of our orders' });
    return 'ignored';
  }
  const logged = billingEventInsert(db, { eventKey: key, eventType, paymentKey: payment.paymentKey, orderId: order.id, status: payment.status, receivedAt: now });
  // Subscription charges are settled by the code that made them; here their record only follows Toss.
  if (order.kind === 'one_time') await applyOneTimePayment(db, order, payment, now, [logged]);
  else await runBatch(db, paymentUpsert(db, order.userId, payment, now), logged);
  log('info', 'billing_webhook_applied', { eventType, paymentKey: payment.paymentKey, orderId: order.id, status: payment.status });
  return verified ? 'applied' : 'rejected';
}

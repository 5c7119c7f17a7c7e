import { readConfig } from '../config';
import { getDb } from '../db/client';
import { listWaitingDeposits } from '../db/queries/orders';
import type { Bindings } from '../env';
import { log } from '../log';
import { applyOneTimePayment } from './orders';
import { tossClient } from './toss';

/** How many waiting virtual accounts one cron run re-reads from Toss. */
const DEPOSITS_PER_RUN = 50;

export type ReconcileSummary = { checked: number; failed: number };

/**
 * The safety net under the deposit webhook: a webhook that arrived while Toss could not be
 * read back was acknowledged (Toss would not retry it) and is gone. Each cron run asks Toss
 * about orders still waiting for a deposit and applies what it says, exactly as the webhook
 * would; granting is idempotent, so a webhook arriving at the same time changes nothing.
 */
export async function reconcileWaitingDeposits(env: Bindings, now = Date.now()): Promise<ReconcileSummary> {
  const db = getDb(env.DB);
  const waiting = await listWaitingDeposits(db, DEPOSITS_PER_RUN);
  const summary: ReconcileSummary = { checked: 0, failed: 0 };
  if (waiting.length === 0) return summary;
  const toss = tossClient(readConfig(env));
  for (const { payment, order } of waiting) {
    try {
      await applyOneTimePayment(db, order, await toss.getPayment(payment.paymentKey), now);
      summary.checked++;
    } catch (err) {
      summary.failed++;
      log('error', 'deposit_reconcile_failed', { orderId: order.id, error: String(err) });
    }
  }
  log('info', 'deposit_reconcile_run', { at: new Date(now).toISOString(), ...summary });
  return summary;
}

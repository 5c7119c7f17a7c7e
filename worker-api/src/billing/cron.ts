import type { Bindings } from '../env';
import { reconcileWaitingDeposits } from './reconcile';
import { renewDueSubscriptions } from './subscriptions';

/** The hourly Cron Trigger (wrangler.toml [triggers]): renewals first, then deposits whose webhook may have been lost. */
export async function runBillingCron(env: Bindings, now: number): Promise<void> {
  await renewDueSubscriptions(env, now);
  await reconcileWaitingDeposits(env, now);
}

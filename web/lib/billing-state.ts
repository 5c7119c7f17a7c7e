import type { SubscriptionState } from '@chat/contract/api';

/**
 * True while a subscription will charge again. The plan's expiry then includes the grace
 * period for retried charges, which is not an end date worth showing.
 */
export function renews(state: SubscriptionState): boolean {
  const subscription = state.subscription;
  return subscription !== null && subscription.status !== 'canceled' && !subscription.cancelAtPeriodEnd && subscription.planId === state.plan.id;
}

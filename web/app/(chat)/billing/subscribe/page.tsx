import { SubscriptionResult } from '@/components/billing/checkout-result';
import { billingSuccessParams } from '@/lib/checkout-params';
import { pageTitle } from '@/lib/i18n/metadata';

export const generateMetadata = pageTitle('checkout.subscriptionTitle');

export default async function SubscribeSuccessPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  return <SubscriptionResult registration={billingSuccessParams(await searchParams)} />;
}

import { PaymentFailure } from '@/components/billing/checkout-result';
import { failureParams } from '@/lib/checkout-params';
import { pageTitle } from '@/lib/i18n/metadata';

export const generateMetadata = pageTitle('checkout.failedTitle');

export default async function PaymentFailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  return <PaymentFailure code={failureParams(await searchParams).code} />;
}

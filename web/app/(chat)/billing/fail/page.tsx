import { PaymentFailure } from '@/components/billing/checkout-result';
import { failureParams } from '@/lib/checkout-params';

export default async function PaymentFailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  return <PaymentFailure {...failureParams(await searchParams)} />;
}

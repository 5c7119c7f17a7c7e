import { PaymentResult } from '@/components/billing/checkout-result';
import { paymentSuccessParams } from '@/lib/checkout-params';
import { pageTitle } from '@/lib/i18n/metadata';

export const generateMetadata = pageTitle('checkout.resultTitle');

export default async function PaymentSuccessPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  return <PaymentResult payment={paymentSuccessParams(await searchParams)} />;
}

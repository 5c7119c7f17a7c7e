import { BillingPanel } from '@/components/billing/billing-panel';

export const runtime = 'edge';

export default function BillingPage() {
  return <BillingPanel />;
}

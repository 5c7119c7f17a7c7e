import { BillingPanel } from '@/components/billing/billing-panel';

export default function BillingPage() {
  return <BillingPanel />;
}

import { BillingPanel } from '@/components/billing/billing-panel';
import { pageTitle } from '@/lib/i18n/metadata';

export const generateMetadata = pageTitle('billing.title');

export default function BillingPage() {
  return <BillingPanel />;
}

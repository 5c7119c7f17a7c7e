import { PlansPanel } from '@/components/billing/plans-panel';
import { tossConfig } from '@/lib/toss-config';
import { pageTitle } from '@/lib/i18n/metadata';

export const generateMetadata = pageTitle('plans.title');

export default function PlansPage() {
  return <PlansPanel toss={tossConfig()} />;
}

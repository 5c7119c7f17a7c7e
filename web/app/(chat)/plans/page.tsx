import { PlansPanel } from '@/components/billing/plans-panel';
import { tossConfig } from '@/lib/toss-config';

export default function PlansPage() {
  return <PlansPanel toss={tossConfig()} />;
}

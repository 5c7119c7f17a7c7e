import { UsagePanel } from '@/components/usage/usage-panel';

export const runtime = 'edge';

export default function UsagePage() {
  return <UsagePanel />;
}

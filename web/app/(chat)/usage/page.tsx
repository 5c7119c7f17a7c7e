import { UsagePanel } from '@/components/usage/usage-panel';

export default function UsagePage() {
  return <UsagePanel />;
}

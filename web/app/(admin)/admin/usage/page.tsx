import { UsageDashboard } from '@/components/admin/usage-dashboard';

export const runtime = 'edge';

export default function AdminUsagePage() {
  return <UsageDashboard />;
}

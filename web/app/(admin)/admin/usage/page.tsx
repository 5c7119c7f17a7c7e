import { UsageDashboard } from '@/components/admin/usage-dashboard';

export default function AdminUsagePage() {
  return <UsageDashboard />;
}

import { UsageDashboard } from '@/components/admin/usage-dashboard';
import { pageTitle } from '@/lib/i18n/metadata';

export const generateMetadata = pageTitle('admin.nav.usage', 'admin.title');

export default function AdminUsagePage() {
  return <UsageDashboard />;
}

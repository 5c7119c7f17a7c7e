import { MarginReport } from '@/components/admin/margin-report';
import { pageTitle } from '@/lib/i18n/metadata';

export const generateMetadata = pageTitle('admin.nav.margin', 'admin.title');

export default function AdminMarginPage() {
  return <MarginReport />;
}

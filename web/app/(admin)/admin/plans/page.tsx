import { PlansEditor } from '@/components/admin/plans-editor';
import { pageTitle } from '@/lib/i18n/metadata';

export const generateMetadata = pageTitle('admin.nav.plans', 'admin.title');

export default function AdminPlansPage() {
  return <PlansEditor />;
}

import { ProvidersEditor } from '@/components/admin/providers-editor';
import { pageTitle } from '@/lib/i18n/metadata';

export const generateMetadata = pageTitle('admin.nav.providers', 'admin.title');

export default function AdminProvidersPage() {
  return <ProvidersEditor />;
}

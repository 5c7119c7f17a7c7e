import { ModelsEditor } from '@/components/admin/models-editor';
import { pageTitle } from '@/lib/i18n/metadata';

export const generateMetadata = pageTitle('admin.nav.models', 'admin.title');

export default function AdminModelsPage() {
  return <ModelsEditor />;
}

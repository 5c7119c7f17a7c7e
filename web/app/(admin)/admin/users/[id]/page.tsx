import { UserDetail } from '@/components/admin/user-detail';
import { pageTitle } from '@/lib/i18n/metadata';

export const generateMetadata = pageTitle('admin.user.pageTitle', 'admin.title');

export default async function AdminUserPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <UserDetail userId={id} />;
}

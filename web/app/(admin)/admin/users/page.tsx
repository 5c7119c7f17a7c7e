import { UsersTable } from '@/components/admin/users-table';
import { pageTitle } from '@/lib/i18n/metadata';

export const runtime = 'edge';
export const generateMetadata = pageTitle('admin.nav.users');

export default function AdminUsersPage() {
  return <UsersTable />;
}

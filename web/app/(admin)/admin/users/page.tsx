import { UsersTable } from '@/components/admin/users-table';
import { pageTitle } from '@/lib/i18n/metadata';

export const generateMetadata = pageTitle('admin.nav.users', 'admin.title');

export default function AdminUsersPage() {
  return <UsersTable />;
}

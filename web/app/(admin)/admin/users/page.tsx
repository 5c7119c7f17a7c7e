import { UsersTable } from '@/components/admin/users-table';

export const runtime = 'edge';

export default function AdminUsersPage() {
  return <UsersTable />;
}

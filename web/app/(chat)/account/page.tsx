import { AccountPanel } from '@/components/account/account-panel';

export const runtime = 'edge';

export default function AccountPage() {
  return <AccountPanel />;
}

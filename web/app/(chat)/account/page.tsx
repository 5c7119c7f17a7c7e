import { AccountPanel } from '@/components/account/account-panel';

export default function AccountPage() {
  return <AccountPanel />;
}

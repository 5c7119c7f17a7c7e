import { AccountPanel } from '@/components/account/account-panel';
import { pageTitle } from '@/lib/i18n/metadata';

export const generateMetadata = pageTitle('account.title');

export default function AccountPage() {
  return <AccountPanel />;
}

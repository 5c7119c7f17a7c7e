import { UsagePanel } from '@/components/usage/usage-panel';
import { pageTitle } from '@/lib/i18n/metadata';

export const generateMetadata = pageTitle('usage.title');

export default function UsagePage() {
  return <UsagePanel />;
}

import { LegalPage } from '@/components/legal/legal-page';
import { pageTitle } from '@/lib/i18n/metadata';

export const generateMetadata = pageTitle('legal.privacy');

export default function PrivacyPage() {
  return <LegalPage kind="privacy" />;
}

import { LegalPage } from '@/components/legal/legal-page';
import { pageTitle } from '@/lib/i18n/metadata';

export const generateMetadata = pageTitle('legal.terms');

export default function TermsPage() {
  return <LegalPage kind="terms" />;
}

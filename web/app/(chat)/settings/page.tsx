import { InstructionsSettings } from '@/components/settings/instructions-form';
import { pageTitle } from '@/lib/i18n/metadata';

export const generateMetadata = pageTitle('settings.title');

export default function SettingsPage() {
  return <InstructionsSettings />;
}

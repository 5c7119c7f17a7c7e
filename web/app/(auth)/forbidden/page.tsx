import { ForbiddenNotice } from '@/components/forbidden-notice';
import { pageTitle } from '@/lib/i18n/metadata';

export const generateMetadata = pageTitle('forbidden.title');

/** Shown (with status 403) by middleware.ts to a signed-in user without the admin role who opens the console. */
export default function ForbiddenPage() {
  return <ForbiddenNotice />;
}

'use client';

import { useT } from '@/lib/i18n/use-t';

/** The id of every page's `<main>`, where the skip link lands. */
export const MAIN_ID = 'main';

/** The first stop of the keyboard: past the header and navigation, straight to the page's content. */
export function SkipLink() {
  const t = useT();
  return (
    <a
      href={`#${MAIN_ID}`}
      className="sr-only z-[60] rounded-md bg-background px-4 py-3 text-sm font-medium shadow focus:not-sr-only focus:fixed focus:left-2 focus:top-2 focus:outline-none focus:ring-2 focus:ring-ring"
    >
      {t('a11y.skip')}
    </a>
  );
}

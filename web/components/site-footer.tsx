'use client';

import Link from 'next/link';
import { useT } from '@/lib/i18n/use-t';

/** The legal links every public page carries. */
export function SiteFooter() {
  const t = useT();
  return (
    <footer className="border-t px-4 py-4 text-sm text-muted-foreground">
      <nav aria-label={t('footer.label')} className="mx-auto flex max-w-5xl flex-wrap items-center justify-center gap-x-2">
        <span>© {t('app.name')}</span>
        <Link href="/terms" className="inline-flex h-11 items-center px-2 underline-offset-4 hover:underline md:h-8">
          {t('legal.terms')}
        </Link>
        <Link href="/privacy" className="inline-flex h-11 items-center px-2 underline-offset-4 hover:underline md:h-8">
          {t('legal.privacy')}
        </Link>
      </nav>
    </footer>
  );
}

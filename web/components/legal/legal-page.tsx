'use client';

import Link from 'next/link';
import { CenteredPage } from '@/components/centered-page';
import { formatDate } from '@/lib/format';
import { useT } from '@/lib/i18n/use-t';
import { usePreferences } from '@/lib/stores/preferences';
import { LEGAL, type LegalKind } from './legal-text';

/** The terms of service or the privacy policy, in the user's language. */
export function LegalPage({ kind }: { kind: LegalKind }) {
  const t = useT();
  const locale = usePreferences((s) => s.locale);
  const doc = LEGAL[kind][locale];
  return (
    <CenteredPage>
      <article className="w-full max-w-2xl space-y-6 self-start py-4">
        <header className="space-y-1">
          <h1 className="text-2xl font-semibold">{t(kind === 'terms' ? 'legal.terms' : 'legal.privacy')}</h1>
          <p className="text-sm text-muted-foreground">{t('legal.updated', { date: formatDate(locale, doc.effective) })}</p>
        </header>
        {doc.sections.map((section) => (
          <section key={section.title} className="space-y-2">
            <h2 className="text-lg font-semibold">{section.title}</h2>
            {section.body.map((paragraph) => (
              <p key={paragraph} className="leading-relaxed">
                {paragraph}
              </p>
            ))}
          </section>
        ))}
        <Link href="/" className="inline-flex min-h-11 items-center underline underline-offset-4">
          {t('legal.back')}
        </Link>
      </article>
    </CenteredPage>
  );
}

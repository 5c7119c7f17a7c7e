import type { Metadata } from 'next';
import Link from 'next/link';
import { SiteFooter } from '@/components/site-footer';
import { MAIN_ID, SkipLink } from '@/components/skip-link';
import { MESSAGES } from '@/lib/i18n/messages';
import { translator } from '@/lib/i18n/translator';
import { PreferencesProvider } from '@/lib/stores/preferences';

// Static (next-on-pages prerenders it), so no cookie tells the language: both are shown, Korean first.
const ko = translator('ko');
const en = translator('en');

export const metadata: Metadata = { title: `${ko('notFound.title')} · ${ko('app.name')}` };

export default function NotFound() {
  return (
    <PreferencesProvider locale="ko" messages={MESSAGES.ko} theme="light">
      <div className="flex min-h-dvh flex-col pt-[env(safe-area-inset-top)] pb-[env(safe-area-inset-bottom)]">
        <SkipLink />
        <header className="flex h-14 items-center border-b px-4">
          <Link href="/" className="font-semibold">
            {ko('app.name')}
          </Link>
        </header>
        <main id={MAIN_ID} tabIndex={-1} className="flex flex-1 flex-col items-center justify-center gap-4 p-6 text-center outline-none">
          <p className="font-mono text-sm text-muted-foreground">404</p>
          <h1 className="text-2xl font-semibold">{ko('notFound.title')}</h1>
          <p lang="ko" className="text-muted-foreground">
            {ko('notFound.body')}
          </p>
          <p lang="en" className="text-muted-foreground">
            {en('notFound.title')}. {en('notFound.body')}
          </p>
          <Link href="/chat" className="inline-flex h-11 items-center rounded-md bg-primary px-4 text-sm font-medium text-primary-foreground md:h-10">
            {ko('notFound.toChat')}
            {' · '}
            <span lang="en">{en('notFound.toChat')}</span>
          </Link>
        </main>
        <SiteFooter />
      </div>
    </PreferencesProvider>
  );
}

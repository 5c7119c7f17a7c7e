import type { Metadata } from 'next';
import Link from 'next/link';
import { translator } from '@/lib/i18n/translate';

// Static (next-on-pages prerenders it), so no cookie tells the language: both are shown, Korean first.
const ko = translator('ko');
const en = translator('en');

export const metadata: Metadata = { title: `${ko('notFound.title')} · ${ko('app.name')}` };

export default function NotFound() {
  return (
    <div className="flex min-h-dvh flex-col pt-[env(safe-area-inset-top)] pb-[env(safe-area-inset-bottom)]">
      <a
        href="#main"
        className="sr-only z-[60] rounded-md bg-background px-4 py-3 text-sm font-medium shadow focus:not-sr-only focus:fixed focus:left-2 focus:top-2 focus:outline-none focus:ring-2 focus:ring-ring"
      >
        {ko('a11y.skip')}
      </a>
      <header className="flex h-14 items-center border-b px-4">
        <Link href="/" className="font-semibold">
          {ko('app.name')}
        </Link>
      </header>
      <main id="main" tabIndex={-1} className="flex flex-1 flex-col items-center justify-center gap-4 p-6 text-center outline-none">
        <p className="font-mono text-sm text-muted-foreground">404</p>
        <h1 className="text-2xl font-semibold">{ko('notFound.title')}</h1>
        <p lang="ko" className="text-muted-foreground">
          {ko('notFound.body')}
        </p>
        <p lang="en" className="text-muted-foreground">
          {en('notFound.title')}. {en('notFound.body')}
        </p>
        <div className="flex flex-wrap justify-center gap-2">
          <Link href="/chat" className="inline-flex h-11 items-center rounded-md bg-primary px-4 text-sm font-medium text-primary-foreground md:h-10">
            {ko('notFound.toChat')}{' · '}<span lang="en">{en('notFound.toChat')}</span>
          </Link>
        </div>
      </main>
      <footer className="border-t px-4 py-4 text-center text-sm text-muted-foreground">
        <Link href="/terms" className="inline-flex h-11 items-center px-2 md:h-8">
          {ko('legal.terms')}
        </Link>
        <Link href="/privacy" className="inline-flex h-11 items-center px-2 md:h-8">
          {ko('legal.privacy')}
        </Link>
      </footer>
    </div>
  );
}

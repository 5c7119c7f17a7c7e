import type { ReactNode } from 'react';
import { PreferenceControls } from '@/components/preference-controls';
import { MAIN_ID, SkipLink } from '@/components/skip-link';
import { SiteFooter } from '@/components/site-footer';

/** The frame of the pages before the app shell: language and theme at the top, one card centred. */
export function CenteredPage({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col pt-[env(safe-area-inset-top)] pb-[env(safe-area-inset-bottom)] pl-[env(safe-area-inset-left)] pr-[env(safe-area-inset-right)]">
      <SkipLink />
      <header className="flex justify-end p-4">
        <PreferenceControls />
      </header>
      <main id={MAIN_ID} tabIndex={-1} className="flex flex-1 items-center justify-center p-4 outline-none">
        {children}
      </main>
      <SiteFooter />
    </div>
  );
}

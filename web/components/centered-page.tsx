import type { ReactNode } from 'react';
import { PreferenceControls } from '@/components/preference-controls';

/** The frame of the pages before the app shell: language and theme at the top, one card centred. */
export function CenteredPage({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col">
      <header className="flex justify-end p-4">
        <PreferenceControls />
      </header>
      <main className="flex flex-1 items-center justify-center p-4">{children}</main>
    </div>
  );
}

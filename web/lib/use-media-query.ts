'use client';

import { useSyncExternalStore } from 'react';

/** Tailwind's `md` breakpoint: from here up the app lays out for a wide screen. */
const DESKTOP = '(min-width: 48rem)';

function subscribe(onChange: () => void): () => void {
  const query = window.matchMedia(DESKTOP);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

/** True from `md` up, false below; `null` on the server, which cannot know the width. */
export function useIsDesktop(): boolean | null {
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(DESKTOP).matches,
    () => null,
  );
}

'use client';

import { useEffect, useState } from 'react';

/**
 * Fetches a module the page will want soon (`load`, its `import()`) once the browser is idle,
 * so it stays out of the page's first load without making its first use wait. Returns the
 * cancel, for an effect's cleanup.
 *
 * @example useEffect(() => preloadWhenIdle(() => import('./event-stream')), []);
 */
export function preloadWhenIdle(load: () => Promise<unknown>): () => void {
  const preload = () => void load().catch(() => undefined);
  if (typeof window.requestIdleCallback === 'function') {
    const id = window.requestIdleCallback(preload, { timeout: 3_000 });
    return () => window.cancelIdleCallback(id);
  }
  const timer = window.setTimeout(preload, 1_000);
  return () => window.clearTimeout(timer);
}

/**
 * For a panel loaded on first use (a drawer, a menu sheet): true from the first time `open`
 * is, and from then on, so the panel stays mounted to animate its closing and keep its state.
 * The panel's module is preloaded when the page is idle.
 *
 * @example const mounted = useLazyPanel(open, () => import('./nav-sheet'));
 */
export function useLazyPanel(open: boolean, load: () => Promise<unknown>): boolean {
  const [mounted, setMounted] = useState(open);
  if (open && !mounted) setMounted(true);
  // `load` is an import() of a fixed module: fetching it once is enough.
  useEffect(() => preloadWhenIdle(load), []);
  return mounted;
}

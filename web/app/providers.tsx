'use client';

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { ApiError } from '@/lib/api';
import { loginUrl } from '@/lib/callback-url';
import type { Locale } from '@/lib/i18n/locales';
import type { Messages } from '@/lib/i18n/messages';
import { PreferencesProvider, type Theme } from '@/lib/stores/preferences';

/** Retries only what a retry can fix: lost connections and 5xx, not 4xx answers. */
function shouldRetry(failures: number, error: Error): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failures < 3;
}

/**
 * The session ended (expired, or signed out in another tab): the BFF answers 401
 * `unauthenticated`. Off to the login page, which brings the user back here afterwards.
 */
function onSessionExpired(error: Error): void {
  if (error instanceof ApiError && error.status === 401 && error.code === 'unauthenticated') {
    window.location.assign(loginUrl(`${window.location.pathname}${window.location.search}`));
  }
}

export function Providers({ locale, messages, theme, children }: { locale: Locale; messages: Messages; theme: Theme; children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        queryCache: new QueryCache({ onError: onSessionExpired }),
        mutationCache: new MutationCache({ onError: onSessionExpired }),
        defaultOptions: {
          queries: { retry: shouldRetry, staleTime: 30_000, refetchOnReconnect: true, refetchOnWindowFocus: false },
        },
      }),
  );
  return (
    <PreferencesProvider locale={locale} messages={messages} theme={theme}>
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    </PreferencesProvider>
  );
}

'use client';

import { createContext, useContext, useState, type ReactNode } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';
import type { Locale } from '../i18n/locales';
import type { Messages } from '../i18n/messages';

export type Theme = 'light' | 'dark';

type PreferencesState = {
  locale: Locale;
  /** The messages of `locale`: the server gives the page's; another language's are loaded when chosen. */
  messages: Messages;
  theme: Theme;
  setLocale: (locale: Locale) => void;
  setTheme: (theme: Theme) => void;
};

/** A year: preferences outlive sessions. */
const COOKIE_MAX_AGE_S = 365 * 24 * 3600;

// Cookies (not localStorage) so the server renders the chosen language and theme from the
// first byte, without a flash. They hold no secret, so JavaScript may read them.
function remember(name: string, value: string): void {
  document.cookie = `${name}=${value}; Path=/; Max-Age=${COOKIE_MAX_AGE_S}; SameSite=Lax`;
}

function createPreferencesStore(initial: { locale: Locale; messages: Messages; theme: Theme }): StoreApi<PreferencesState> {
  return createStore<PreferencesState>()((set) => ({
    ...initial,
    setLocale: (locale) => {
      remember('locale', locale);
      // Every language's messages, fetched only now: a page's first load carries its own language's alone.
      void import('../i18n/messages').then(({ MESSAGES }) => {
        document.documentElement.lang = locale;
        set({ locale, messages: MESSAGES[locale] });
      });
    },
    setTheme: (theme) => {
      remember('theme', theme);
      document.documentElement.classList.toggle('dark', theme === 'dark');
      set({ theme });
    },
  }));
}

const PreferencesContext = createContext<StoreApi<PreferencesState> | null>(null);

/** One store per page load (and per server render), seeded from the cookies the server read. */
export function PreferencesProvider({ locale, messages, theme, children }: { locale: Locale; messages: Messages; theme: Theme; children: ReactNode }) {
  const [store] = useState(() => createPreferencesStore({ locale, messages, theme }));
  return <PreferencesContext.Provider value={store}>{children}</PreferencesContext.Provider>;
}

/** Reads the language and theme preferences. */
export function usePreferences<T>(select: (state: PreferencesState) => T): T {
  const store = useContext(PreferencesContext);
  if (!store) throw new Error('usePreferences needs a PreferencesProvider');
  return useStore(store, select);
}

/** The app's languages; the first is the default, for anyone without a locale cookie. */
export const LOCALES = ['ko', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'ko';

/** Reads a locale from a cookie value; anything unknown is the default. */
export function toLocale(value: string | undefined): Locale {
  return value === 'en' || value === 'ko' ? value : DEFAULT_LOCALE;
}

import type { Locale } from './locales';
import { MESSAGES } from './messages';
import { translatorOf, type Translate } from './translate';

/** A translator for one locale, over every language's messages: for the server (titles, the static 404) and tests. */
export function translator(locale: Locale): Translate {
  return translatorOf(locale, MESSAGES[locale]);
}

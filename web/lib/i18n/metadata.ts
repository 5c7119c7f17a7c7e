import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import { toLocale } from './locales';
import type { MessageKey } from './messages';
import { translator } from './translator';

/**
 * A page's `generateMetadata`: its title, most specific part first (the page, then e.g. the
 * console it belongs to), then the app's name, in the language of the locale cookie.
 */
export function pageTitle(...keys: [MessageKey, ...MessageKey[]]): () => Promise<Metadata> {
  return async () => {
    const t = translator(toLocale((await cookies()).get('locale')?.value));
    return { title: { absolute: [...keys.map((key) => t(key)), t('app.name')].join(' · ') } };
  };
}

import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import { toLocale, type MessageKey } from './messages';
import { translator } from './translate';

/** A page's `generateMetadata`: its title in the language of the locale cookie, then the app's name. */
export function pageTitle(key: MessageKey): () => Promise<Metadata> {
  return async () => {
    const t = translator(toLocale((await cookies()).get('locale')?.value));
    return { title: { absolute: `${t(key)} · ${t('app.name')}` } };
  };
}

import { cookies } from 'next/headers';
import type { ReactNode } from 'react';
import { Providers } from '@/app/providers';
import { toLocale } from '@/lib/i18n/messages';

/** Client providers seeded with the language and theme cookies, so the server renders them. */
export async function AppProviders({ children }: { children: ReactNode }) {
  const jar = await cookies();
  const locale = toLocale(jar.get('locale')?.value);
  const theme = jar.get('theme')?.value === 'dark' ? 'dark' : 'light';
  return (
    <Providers locale={locale} theme={theme}>
      {children}
    </Providers>
  );
}

import { cookies } from 'next/headers';
import type { ReactNode } from 'react';
import { z } from 'zod';
import { Providers } from '@/app/providers';
import { SupportProvider } from '@/components/support-contact';
import { toLocale } from '@/lib/i18n/locales';
import { MESSAGES } from '@/lib/i18n/messages';
import { readEnv } from '@/lib/platform';

/** Where users write to support (`SUPPORT_EMAIL`); a value that is no address is not shown. */
function supportEmail(): string | null {
  const parsed = z.email().safeParse(readEnv('SUPPORT_EMAIL'));
  return parsed.success ? parsed.data : null;
}

/**
 * Client providers seeded with the language and theme cookies, so the server renders them (the
 * page's client code gets that one language's messages from here), and with the support address.
 */
export async function AppProviders({ children }: { children: ReactNode }) {
  const jar = await cookies();
  const locale = toLocale(jar.get('locale')?.value);
  const theme = jar.get('theme')?.value === 'dark' ? 'dark' : 'light';
  return (
    <Providers locale={locale} messages={MESSAGES[locale]} theme={theme}>
      <SupportProvider email={supportEmail()}>{children}</SupportProvider>
    </Providers>
  );
}

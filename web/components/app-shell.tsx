'use client';

import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { QuotaIndicator } from '@/components/quota-indicator';
import { PreferenceControls } from '@/components/preference-controls';
import { api } from '@/lib/api';
import { useT } from '@/lib/i18n/use-t';
import { isAdmin } from '@/lib/roles';
import { cn } from '@/lib/utils';

const LINKS = [
  { href: '/chat', key: 'nav.chat' },
  { href: '/usage', key: 'nav.usage' },
  { href: '/plans', key: 'nav.plans' },
  { href: '/billing', key: 'nav.billing' },
  { href: '/account', key: 'nav.account' },
] as const;

/** The frame of the signed-in pages: navigation, remaining quota, preferences. */
export function AppShell({ children }: { children: ReactNode }) {
  const t = useT();
  const pathname = usePathname();
  const { data: me } = useQuery({ queryKey: ['me'], queryFn: api.me });
  // Only a convenience: the console itself is refused on the server to anyone else.
  const links = isAdmin(me?.roles) ? [...LINKS, { href: '/admin/users', key: 'nav.admin' } as const] : LINKS;
  return (
    <div className="flex h-screen flex-col">
      <header className="flex h-14 shrink-0 items-center justify-between gap-4 border-b px-4">
        <div className="flex items-center gap-6">
          <Link href="/chat" className="font-semibold">
            {t('app.name')}
          </Link>
          <nav aria-label={t('nav.main')} className="flex gap-1">
            {links.map((link) => (
              <Link
                key={link.href}
                href={link.href}
                aria-current={pathname === link.href ? 'page' : undefined}
                className={cn(
                  'rounded-md px-3 py-1.5 text-sm hover:bg-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring',
                  pathname === link.href && 'bg-accent font-medium',
                )}
              >
                {t(link.key)}
              </Link>
            ))}
          </nav>
        </div>
        <div className="flex items-center gap-4">
          <QuotaIndicator />
          <PreferenceControls />
        </div>
      </header>
      <div className="min-h-0 flex-1">{children}</div>
    </div>
  );
}

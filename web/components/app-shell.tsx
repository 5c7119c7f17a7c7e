'use client';

import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { Menu } from 'lucide-react';
import { usePathname } from 'next/navigation';
import { lazy, Suspense, useState, type ReactNode } from 'react';
import { QuotaIndicator } from '@/components/quota-indicator';
import { SuspendedNotice } from '@/components/suspended-notice';
import { PreferenceControls } from '@/components/preference-controls';
import { MAIN_ID, SkipLink } from '@/components/skip-link';
import { Button } from '@/components/ui/button';
import { api, ApiError } from '@/lib/api';
import { useT } from '@/lib/i18n/use-t';
import { useLazyPanel } from '@/lib/preload';
import { isAdmin } from '@/lib/roles';
import { cn } from '@/lib/utils';

const loadNavSheet = () => import('@/components/nav-sheet');
// The phone's menu is not part of any page's first load (Radix's dialog is most of its weight).
const NavSheet = lazy(() => loadNavSheet().then((m) => ({ default: m.NavSheet })));

const LINKS = [
  { href: '/chat', key: 'nav.chat' },
  { href: '/usage', key: 'nav.usage' },
  { href: '/plans', key: 'nav.plans' },
  { href: '/billing', key: 'nav.billing' },
  { href: '/account', key: 'nav.account' },
] as const;

type NavLink = { href: string; key: (typeof LINKS)[number]['key'] | 'nav.admin' };

function NavLinks({ links, pathname, vertical, onNavigate }: { links: readonly NavLink[]; pathname: string; vertical?: boolean; onNavigate?: () => void }) {
  const t = useT();
  return (
    <ul className={cn('flex gap-1', vertical && 'flex-col')}>
      {links.map((link) => (
        <li key={link.href}>
          <Link
            href={link.href}
            onClick={onNavigate}
            aria-current={pathname === link.href ? 'page' : undefined}
            className={cn(
              'flex items-center rounded-md px-3 text-sm hover:bg-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring',
              vertical ? 'h-11 text-base' : 'h-8',
              pathname === link.href && 'bg-accent font-medium',
            )}
          >
            {t(link.key)}
          </Link>
        </li>
      ))}
    </ul>
  );
}

/**
 * The frame of the signed-in pages: navigation, remaining quota, preferences. From `md` up
 * they sit in the header; on a phone the header keeps the name and the quota, and the rest
 * opens from a menu button as a sheet, loaded when the page is idle.
 */
export function AppShell({ children }: { children: ReactNode }) {
  const t = useT();
  const pathname = usePathname();
  const [menuOpen, setMenuOpen] = useState(false);
  const menuMounted = useLazyPanel(menuOpen, loadNavSheet);
  const { data: me, error: meError } = useQuery({ queryKey: ['me'], queryFn: api.me });
  // The Worker refuses every request of a suspended account: the page says so, and whom to ask.
  // Not the chat: what the user typed stays on screen there, its refusal giving the same address.
  const suspended = meError instanceof ApiError && meError.code === 'account_suspended' && !pathname.startsWith('/chat');
  // Only a convenience: the console itself is refused on the server to anyone else.
  const links: readonly NavLink[] = isAdmin(me?.roles) ? [...LINKS, { href: '/admin/users', key: 'nav.admin' }] : LINKS;
  return (
    <div className="flex h-dvh flex-col">
      <SkipLink />
      <header className="flex shrink-0 items-center justify-between gap-2 border-b pt-[env(safe-area-inset-top)] pl-[max(1rem,env(safe-area-inset-left))] pr-[max(0.5rem,env(safe-area-inset-right))] md:gap-4 md:pr-[max(1rem,env(safe-area-inset-right))]">
        <div className="flex h-14 min-w-0 items-center gap-6">
          <Link href="/chat" className="shrink-0 font-semibold">
            {t('app.name')}
          </Link>
          <nav aria-label={t('nav.main')} className="hidden md:block">
            <NavLinks links={links} pathname={pathname} />
          </nav>
        </div>
        <div className="flex min-w-0 items-center gap-2 md:gap-4">
          <QuotaIndicator />
          <div className="hidden md:block">
            <PreferenceControls />
          </div>
          <Button variant="ghost" size="icon" className="md:hidden" aria-label={t('nav.open')} aria-haspopup="dialog" aria-expanded={menuOpen} onClick={() => setMenuOpen(true)}>
            <Menu aria-hidden />
          </Button>
          {menuMounted && (
            <Suspense fallback={null}>
              <NavSheet open={menuOpen} onOpenChange={setMenuOpen}>
                <nav aria-label={t('nav.main')}>
                  <NavLinks links={links} pathname={pathname} vertical onNavigate={() => setMenuOpen(false)} />
                </nav>
                <div className="mt-auto border-t pt-4">
                  <PreferenceControls />
                </div>
              </NavSheet>
            </Suspense>
          )}
        </div>
      </header>
      <main id={MAIN_ID} tabIndex={-1} className="min-h-0 flex-1 overflow-y-auto pb-[env(safe-area-inset-bottom)] outline-none">
        {suspended ? <SuspendedNotice /> : children}
      </main>
    </div>
  );
}

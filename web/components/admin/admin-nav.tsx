'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useT } from '@/lib/i18n/use-t';
import { cn } from '@/lib/utils';

const LINKS = [
  { href: '/admin/users', key: 'admin.nav.users' },
  { href: '/admin/plans', key: 'admin.nav.plans' },
  { href: '/admin/providers', key: 'admin.nav.providers' },
  { href: '/admin/models', key: 'admin.nav.models' },
  { href: '/admin/usage', key: 'admin.nav.usage' },
  { href: '/admin/margin', key: 'admin.nav.margin' },
  { href: '/admin/audit', key: 'admin.nav.audit' },
] as const;

export function AdminNav() {
  const t = useT();
  const pathname = usePathname();
  // A section's own page has no heading of its own: the console's name, with the section, is its h1.
  const section = LINKS.find((link) => link.href === pathname);
  const Title = section ? 'h1' : 'p';
  return (
    <nav aria-label={t('admin.nav')} className="flex shrink-0 items-center gap-1 overflow-x-auto border-b px-2 py-1 md:px-4 md:py-2">
      <Title className="mr-3 shrink-0 pl-2 text-sm font-semibold md:pl-0">
        {t('admin.title')}
        {section && <span className="sr-only"> · {t(section.key)}</span>}
      </Title>
      {LINKS.map((link) => {
        const active = pathname === link.href || pathname.startsWith(`${link.href}/`);
        return (
          <Link
            key={link.href}
            href={link.href}
            aria-current={active ? 'page' : undefined}
            className={cn('flex h-11 shrink-0 items-center rounded-md px-3 text-sm hover:bg-accent md:h-8 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring', active && 'bg-accent font-medium')}
          >
            {t(link.key)}
          </Link>
        );
      })}
    </nav>
  );
}

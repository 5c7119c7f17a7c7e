'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useT } from '@/lib/i18n/use-t';
import { cn } from '@/lib/utils';

const LINKS = [
  { href: '/admin/users', key: 'admin.nav.users' },
  { href: '/admin/plans', key: 'admin.nav.plans' },
  { href: '/admin/usage', key: 'admin.nav.usage' },
  { href: '/admin/audit', key: 'admin.nav.audit' },
] as const;

export function AdminNav() {
  const t = useT();
  const pathname = usePathname();
  return (
    <nav aria-label={t('admin.nav')} className="flex shrink-0 items-center gap-1 border-b px-4 py-2">
      <span className="mr-3 text-sm font-semibold">{t('admin.title')}</span>
      {LINKS.map((link) => {
        const active = pathname === link.href || pathname.startsWith(`${link.href}/`);
        return (
          <Link
            key={link.href}
            href={link.href}
            aria-current={active ? 'page' : undefined}
            className={cn('rounded-md px-3 py-1 text-sm hover:bg-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring', active && 'bg-accent font-medium')}
          >
            {t(link.key)}
          </Link>
        );
      })}
    </nav>
  );
}

'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { TableHead } from '@/components/ui/table-head';
import { adminApi } from '@/lib/admin-api';
import { toDisplayError } from '@/lib/errors';
import { formatDate } from '@/lib/format';
import { useT } from '@/lib/i18n/use-t';
import { usePreferences } from '@/lib/stores/preferences';

/** Every user, newest first, searchable by email, name or id, a page at a time. */
export function UsersTable() {
  const t = useT();
  const locale = usePreferences((s) => s.locale);
  const [draft, setDraft] = useState('');
  const [q, setQ] = useState('');
  const users = useInfiniteQuery({
    queryKey: ['admin', 'users', q],
    queryFn: ({ pageParam }) => adminApi.users(q, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
  const items = users.data?.pages.flatMap((page) => page.items) ?? [];

  const search = (event: FormEvent) => {
    event.preventDefault();
    setQ(draft.trim());
  };

  return (
    <div className="mx-auto max-w-6xl space-y-4 p-4 md:p-6">
      <form onSubmit={search} className="flex max-w-xl gap-2" role="search">
        <Input value={draft} onChange={(e) => setDraft(e.target.value)} aria-label={t('admin.users.search')} placeholder={t('admin.users.search')} />
        <Button type="submit">{t('admin.users.searchButton')}</Button>
      </form>
      {users.error && <ErrorMessage error={toDisplayError(users.error)} />}
      {users.isLoading && <p className="text-muted-foreground">{t('chat.loading')}</p>}
      {users.data && items.length === 0 && <p className="text-muted-foreground">{t('admin.users.none')}</p>}
      {items.length > 0 && (
        <div className="overflow-x-auto" tabIndex={0}>
          <table className="w-full text-sm" data-testid="admin-users">
            <TableHead
              columns={[
                { label: t('admin.user.name') },
                { label: t('admin.user.email') },
                { label: t('admin.user.plan') },
                { label: t('admin.user.roles') },
                { label: t('admin.user.status') },
                { label: t('admin.user.created') },
              ]}
            />
            <tbody>
              {items.map((user) => (
                <tr key={user.id} className="border-b last:border-0">
                  <td className="py-2 pr-3">
                    <Link className="font-medium underline-offset-2 hover:underline" href={`/admin/users/${user.id}`}>
                      {user.name ?? user.id}
                    </Link>
                    <span className="block font-mono text-xs text-muted-foreground">{user.id}</span>
                  </td>
                  <td className="py-2 pr-3">{user.email ?? '—'}</td>
                  <td className="py-2 pr-3">{user.planId}</td>
                  <td className="py-2 pr-3">{user.roles.join(', ')}</td>
                  <td className={user.suspendedAt ? 'py-2 pr-3 text-destructive' : 'py-2 pr-3'}>{user.suspendedAt ? t('admin.user.suspended') : t('admin.user.active')}</td>
                  <td className="py-2">{formatDate(locale, user.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {users.hasNextPage && (
        <Button variant="outline" onClick={() => users.fetchNextPage()} disabled={users.isFetchingNextPage}>
          {t('admin.loadMore')}
        </Button>
      )}
    </div>
  );
}

'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import { ErrorMessage } from '@/components/error-message';
import { Button } from '@/components/ui/button';
import { TableHead } from '@/components/ui/table-head';
import { adminApi } from '@/lib/admin-api';
import { toDisplayError } from '@/lib/errors';
import { formatDateTime } from '@/lib/format';
import { useT } from '@/lib/i18n/use-t';
import { usePreferences } from '@/lib/stores/preferences';

function brief(value: unknown): string {
  return value === null || value === undefined ? '—' : JSON.stringify(value);
}

/** The audit rows of admin actions (who, what, before, after, when), newest first; optionally of one target. */
export function ActionsList({ targetId }: { targetId?: string }) {
  const t = useT();
  const locale = usePreferences((s) => s.locale);
  const actions = useInfiniteQuery({
    queryKey: ['admin', 'actions', targetId ?? null],
    queryFn: ({ pageParam }) => adminApi.actions(pageParam, targetId),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
  const items = actions.data?.pages.flatMap((page) => page.items) ?? [];
  if (actions.error) return <ErrorMessage error={toDisplayError(actions.error)} />;
  return (
    <div className="space-y-2 overflow-x-auto" tabIndex={0}>
      <table className="w-full text-sm" data-testid="admin-actions">
        <TableHead
          columns={[
            { label: t('admin.req.time') },
            { label: t('admin.audit.actor') },
            { label: t('admin.audit.action') },
            { label: t('admin.audit.target') },
            { label: t('admin.audit.change') },
          ]}
        />
        <tbody>
          {items.map((action) => (
            <tr key={action.id} className="border-b align-top last:border-0" data-testid="admin-action">
              <td className="py-2 pr-3 whitespace-nowrap">{formatDateTime(locale, action.createdAt)}</td>
              <td className="py-2 pr-3 font-mono text-xs">{action.actorId}</td>
              <td className="py-2 pr-3 font-mono text-xs">{action.action}</td>
              <td className="py-2 pr-3 font-mono text-xs">{action.targetId}</td>
              <td className="max-w-md py-2 font-mono text-xs break-all">
                {brief(action.before)} → {brief(action.after)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {actions.hasNextPage && (
        <Button variant="outline" onClick={() => actions.fetchNextPage()} disabled={actions.isFetchingNextPage}>
          {t('admin.loadMore')}
        </Button>
      )}
    </div>
  );
}

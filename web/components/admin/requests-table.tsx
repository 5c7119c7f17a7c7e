'use client';

import Link from 'next/link';
import type { AdminAuditedRequest as AuditedRequest, AdminUsageRow as UsageRow } from '@chat/contract/api';
import { formatDateTime, formatNumber } from '@/lib/format';
import { useT } from '@/lib/i18n/use-t';
import { usePreferences } from '@/lib/stores/preferences';
import { TableHead } from '@/components/ui/table-head';

function ms(value: number | null): string {
  return value === null ? '—' : `${value} ms`;
}

/** AI requests from the usage ledger: outcome, tokens, timing, and the trace id that finds each one. */
export function RequestsTable({ rows, showUser = false }: { rows: (UsageRow | AuditedRequest)[]; showUser?: boolean }) {
  const t = useT();
  const locale = usePreferences((s) => s.locale);
  if (rows.length === 0) return <p className="text-sm text-muted-foreground">{t('admin.req.none')}</p>;
  return (
    <div className="overflow-x-auto" tabIndex={0}>
      <table className="w-full text-sm" data-testid="requests-table">
        <TableHead
          columns={[
            { label: t('admin.req.time') },
            { label: t('admin.req.user'), shown: showUser },
            { label: t('admin.req.model') },
            { label: t('admin.req.tokens'), numeric: true },
            { label: t('admin.req.status') },
            { label: t('admin.req.ttft'), numeric: true },
            { label: t('admin.req.duration'), numeric: true },
            { label: t('admin.req.trace') },
          ]}
        />
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} className="border-b last:border-0" data-testid="request-row">
              <td className="py-2 pr-3 whitespace-nowrap">{formatDateTime(locale, row.createdAt)}</td>
              {showUser && (
                <td className="py-2 pr-3">
                  <Link className="underline-offset-2 hover:underline" href={`/admin/users/${row.userId}`}>
                    {'userName' in row ? (row.userName ?? row.userEmail ?? row.userId) : row.userId}
                  </Link>
                </td>
              )}
              <td className="py-2 pr-3">{row.model}</td>
              <td className="py-2 pr-3 text-right tabular-nums">
                {formatNumber(locale, row.totalTokens)}
                {row.estimated ? '*' : ''}
              </td>
              <td className="py-2 pr-3">
                {row.status}
                {row.errorCode && <span className="block font-mono text-xs text-destructive">{row.errorCode}</span>}
              </td>
              <td className="py-2 pr-3 text-right tabular-nums">{ms(row.ttftMs)}</td>
              <td className="py-2 pr-3 text-right tabular-nums">{ms(row.durationMs)}</td>
              <td className="py-2 font-mono text-xs">
                <Link className="underline-offset-2 hover:underline" href={`/admin/audit?trace=${encodeURIComponent(row.traceId)}`}>
                  {row.traceId}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

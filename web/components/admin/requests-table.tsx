'use client';

import Link from 'next/link';
import type { AdminAuditedRequest as AuditedRequest, AdminUsageRow as UsageRow } from '@chat/contract/api';
import { formatDateTime, formatNumber } from '@/lib/format';
import { useT } from '@/lib/i18n/use-t';
import { usePreferences } from '@/lib/stores/preferences';

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
        <thead>
          <tr className="border-b text-left text-muted-foreground">
            <th scope="col" className="py-2 pr-3 font-medium">{t('admin.req.time')}</th>
            {showUser && <th scope="col" className="py-2 pr-3 font-medium">{t('admin.req.user')}</th>}
            <th scope="col" className="py-2 pr-3 font-medium">{t('admin.req.model')}</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">{t('admin.req.tokens')}</th>
            <th scope="col" className="py-2 pr-3 font-medium">{t('admin.req.status')}</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">{t('admin.req.ttft')}</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">{t('admin.req.duration')}</th>
            <th scope="col" className="py-2 font-medium">{t('admin.req.trace')}</th>
          </tr>
        </thead>
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

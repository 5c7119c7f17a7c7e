'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, type ReactNode } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { NativeSelect } from '@/components/ui/native-select';
import { adminApi } from '@/lib/admin-api';
import { lastDays } from '@/lib/date-range';
import { toDisplayError } from '@/lib/errors';
import type { AdminCurrencyCost } from '@chat/contract/api';
import { formatMicros, formatNumber } from '@/lib/format';
import { useT } from '@/lib/i18n/use-t';
import { usePreferences } from '@/lib/stores/preferences';
import { CostByDayChart, RequestsChart, TokensByModelChart } from './usage-charts';

const RANGES = [7, 30, 90] as const;

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <Card>
      <CardHeader className="pb-2">
        <CardDescription>{label}</CardDescription>
        <CardTitle className="break-words text-2xl tabular-nums" data-testid={testId}>
          {value}
        </CardTitle>
      </CardHeader>
    </Card>
  );
}

/** Rows of a cost breakdown: a name, what it cost in its currency, and the requests behind it. */
function CostList({ title, rows, testId }: { title: string; rows: (AdminCurrencyCost & { key: string; label: ReactNode; requests: number })[]; testId: string }) {
  const t = useT();
  const locale = usePreferences((s) => s.locale);
  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
      </CardHeader>
      <CardContent>
        <ul className="space-y-1 text-sm" data-testid={testId}>
          {rows.map((row) => (
            <li key={row.key} className="flex flex-wrap justify-between gap-x-3">
              <span className="min-w-0 break-all">{row.label}</span>
              <span className="tabular-nums">
                {formatMicros(locale, row.currency, row.costMicros)} · {formatNumber(locale, row.requests)} {t('admin.usage.requests')}
              </span>
            </li>
          ))}
        </ul>
      </CardContent>
    </Card>
  );
}

/** Everyone's usage over a range: totals, TTFT percentiles, tokens per model per day, requests and errors, top users. */
export function UsageDashboard() {
  const t = useT();
  const locale = usePreferences((s) => s.locale);
  const [days, setDays] = useState<(typeof RANGES)[number]>(30);
  const range = lastDays(days);
  const usage = useQuery({ queryKey: ['admin', 'usage', 'all', range], queryFn: () => adminApi.usage(range) });
  const n = (value: number) => formatNumber(locale, value);
  const ms = (value: number | null) => (value === null ? '—' : `${n(Math.round(value))} ms`);

  return (
    <div className="mx-auto max-w-6xl space-y-6 p-4 md:p-6">
      <label className="flex items-center gap-2 text-sm">
        {t('admin.usage.range')}
        <NativeSelect value={days} onChange={(e) => setDays(Number(e.target.value) as (typeof RANGES)[number])}>
          {RANGES.map((d) => (
            <option key={d} value={d}>
              {t('admin.usage.days', { days: d })}
            </option>
          ))}
        </NativeSelect>
      </label>
      {usage.error && <ErrorMessage error={toDisplayError(usage.error)} />}
      {usage.data && (
        <>
          <div className="grid gap-4 sm:grid-cols-3 lg:grid-cols-4">
            <Stat label={t('admin.usage.requests')} value={n(usage.data.totals.requests)} testId="usage-requests" />
            <Stat label={t('admin.usage.tokens')} value={n(usage.data.totals.totalTokens)} />
            <Stat label={t('admin.usage.errors')} value={n(usage.data.totals.errors)} />
            <Stat label={t('admin.usage.errorRate')} value={`${(usage.data.totals.errorRate * 100).toFixed(1)}%`} />
            <Stat label={t('admin.usage.ttftP50')} value={ms(usage.data.ttft.p50)} />
            <Stat label={t('admin.usage.ttftP95')} value={ms(usage.data.ttft.p95)} />
            <Stat
              label={t('admin.usage.cost')}
              value={usage.data.cost.totals.length === 0 ? '—' : usage.data.cost.totals.map((c) => formatMicros(locale, c.currency, c.costMicros)).join(' + ')}
              testId="usage-cost"
            />
          </div>
          {usage.data.byDay.length === 0 && <p className="text-muted-foreground">{t('admin.usage.noData')}</p>}
          <Card>
            <CardHeader>
              <CardTitle>{t('admin.usage.tokensByModel')}</CardTitle>
            </CardHeader>
            <CardContent>
              <TokensByModelChart rows={usage.data.byDay} label={t('admin.usage.tokensByModel')} />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>{t('admin.usage.requestsAndErrors')}</CardTitle>
            </CardHeader>
            <CardContent>
              <RequestsChart rows={usage.data.byDay} label={t('admin.usage.requestsAndErrors')} requestsLabel={t('admin.usage.requests')} errorsLabel={t('admin.usage.errors')} />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>{t('admin.usage.costByDay')}</CardTitle>
            </CardHeader>
            <CardContent>
              {usage.data.cost.byDay.length === 0 ? <p className="text-muted-foreground">{t('admin.usage.noCost')}</p> : <CostByDayChart rows={usage.data.cost.byDay} label={t('admin.usage.costByDay')} />}
            </CardContent>
          </Card>
          <div className="grid gap-6 lg:grid-cols-3">
            <CostList
              title={t('admin.usage.costByModel')}
              testId="cost-by-model"
              rows={usage.data.cost.byModel.map((m) => ({ ...m, key: `${m.model}-${m.currency}`, label: m.model }))}
            />
            <CostList
              title={t('admin.usage.costByProvider')}
              testId="cost-by-provider"
              rows={usage.data.cost.byProvider.map((p) => ({ ...p, key: `${p.providerId ?? ''}-${p.currency}`, label: p.providerId ?? t('admin.usage.unknownProvider') }))}
            />
            <CostList
              title={t('admin.usage.costTopUsers')}
              testId="cost-top-users"
              rows={usage.data.cost.topUsers.map((u) => ({
                ...u,
                key: `${u.userId}-${u.currency}`,
                label: (
                  <Link className="underline-offset-2 hover:underline" href={`/admin/users/${u.userId}`}>
                    {u.name ?? u.email ?? u.userId}
                  </Link>
                ),
              }))}
            />
          </div>
          <div className="grid gap-6 lg:grid-cols-3">
            <Card className="lg:col-span-2">
              <CardHeader>
                <CardTitle>{t('admin.usage.topUsers')}</CardTitle>
              </CardHeader>
              <CardContent className="overflow-x-auto" tabIndex={0}>
                <table className="w-full text-sm" data-testid="top-users">
                  <tbody>
                    {usage.data.topUsers.map((user) => (
                      <tr key={user.userId} className="border-b last:border-0">
                        <td className="py-2 pr-3">
                          <Link className="underline-offset-2 hover:underline" href={`/admin/users/${user.userId}`}>
                            {user.name ?? user.email ?? user.userId}
                          </Link>
                        </td>
                        <td className="py-2 pr-3 text-right tabular-nums">
                          {n(user.totalTokens)} {t('admin.usage.tokens')}
                        </td>
                        <td className="py-2 text-right tabular-nums">
                          {n(user.requests)} {t('admin.usage.requests')}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </CardContent>
            </Card>
            <div className="space-y-6">
              <Card>
                <CardHeader>
                  <CardTitle>{t('admin.usage.byModel')}</CardTitle>
                </CardHeader>
                <CardContent>
                  <ul className="space-y-1 text-sm">
                    {usage.data.byModel.map((m) => (
                      <li key={m.model} className="flex justify-between gap-3">
                        <span>{m.model}</span>
                        <span className="tabular-nums">{n(m.totalTokens)}</span>
                      </li>
                    ))}
                  </ul>
                </CardContent>
              </Card>
              <Card>
                <CardHeader>
                  <CardTitle>{t('admin.usage.errorsByCode')}</CardTitle>
                </CardHeader>
                <CardContent>
                  <ul className="space-y-1 text-sm">
                    {usage.data.errorsByCode.map((e) => (
                      <li key={e.code} className="flex justify-between gap-3">
                        <span className="font-mono text-xs">{e.code}</span>
                        <span className="tabular-nums">{n(e.count)}</span>
                      </li>
                    ))}
                  </ul>
                </CardContent>
              </Card>
            </div>
          </div>
        </>
      )}
    </div>
  );
}

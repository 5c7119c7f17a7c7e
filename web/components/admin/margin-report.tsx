'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { adminApi } from '@/lib/admin-api';
import type { AdminCurrencyCost } from '@chat/contract/api';
import { toDisplayError } from '@/lib/errors';
import { formatMicros, formatMoney, formatNumber } from '@/lib/format';
import { useT } from '@/lib/i18n/use-t';
import { usePreferences } from '@/lib/stores/preferences';
import { cn } from '@/lib/utils';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Costs with no rate, each in its own currency: shown apart, never added to the won figures. */
function Unconverted({ costs }: { costs: AdminCurrencyCost[] }) {
  const t = useT();
  const locale = usePreferences((s) => s.locale);
  if (costs.length === 0) return <span className="text-muted-foreground">—</span>;
  return (
    <span className="text-amber-800 dark:text-amber-300" data-testid="unconverted">
      {costs.map((c) => formatMicros(locale, c.currency, c.costMicros)).join(' + ')} ({t('admin.margin.noRate')})
    </span>
  );
}

/**
 * A month's revenue per plan next to its users' provider cost, the margin, and the users who
 * cost more than they paid. The rules (what counts as revenue, conversion, attribution) are
 * the Worker's (worker-api/src/admin/margin.ts), stated on the page.
 */
export function MarginReport() {
  const t = useT();
  const locale = usePreferences((s) => s.locale);
  const [month, setMonth] = useState(() => new Date().toISOString().slice(0, 7));
  const valid = MONTH.test(month);
  const report = useQuery({ queryKey: ['admin', 'margin', month], queryFn: () => adminApi.margin(month), enabled: valid });
  const won = (value: number) => formatMoney(locale, 'KRW', value, 2);
  const rates = report.data ? Object.entries(report.data.ratesKrw) : [];

  return (
    <div className="mx-auto max-w-6xl space-y-6 p-4 md:p-6">
      <div className="flex flex-wrap items-end gap-4">
        <div className="space-y-1.5">
          <Label htmlFor="margin-month">{t('admin.margin.month')}</Label>
          <Input id="margin-month" type="month" className="w-48" value={month} onChange={(e) => setMonth(e.target.value)} />
        </div>
        {report.data && (
          <p className="text-sm text-muted-foreground" data-testid="margin-rates">
            {rates.length > 0 ? t('admin.margin.rates', { rates: rates.map(([currency, rate]) => `1 ${currency} = ${won(rate)}`).join(', ') }) : t('admin.margin.noRates')}
          </p>
        )}
      </div>
      {report.error && <ErrorMessage error={toDisplayError(report.error)} />}
      {report.data && (
        <>
          <Card>
            <CardHeader>
              <CardTitle>{t('admin.nav.margin')}</CardTitle>
            </CardHeader>
            <CardContent className="overflow-x-auto" tabIndex={0} role="region" aria-label={t('admin.nav.margin')}>
              <table className="w-full min-w-[40rem] text-sm" data-testid="margin-plans">
                <thead>
                  <tr className="border-b text-left text-muted-foreground">
                    <th scope="col" className="py-2 pr-3 font-medium">{t('admin.margin.plan')}</th>
                    <th scope="col" className="py-2 pr-3 text-right font-medium">{t('admin.margin.users')}</th>
                    <th scope="col" className="py-2 pr-3 text-right font-medium">{t('admin.margin.revenue')}</th>
                    <th scope="col" className="py-2 pr-3 text-right font-medium">{t('admin.margin.refunded')}</th>
                    <th scope="col" className="py-2 pr-3 text-right font-medium">{t('admin.margin.cost')}</th>
                    <th scope="col" className="py-2 pr-3 font-medium">{t('admin.margin.unconverted')}</th>
                    <th scope="col" className="py-2 text-right font-medium">{t('admin.margin.margin')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.data.plans.map((plan) => (
                    <tr key={plan.planId} className="border-b" data-testid={`margin-plan-${plan.planId}`}>
                      <th scope="row" className="py-2 pr-3 text-left font-medium">{plan.name}</th>
                      <td className="py-2 pr-3 text-right tabular-nums">{formatNumber(locale, plan.users)}</td>
                      <td className="py-2 pr-3 text-right tabular-nums" data-testid="margin-revenue">{won(plan.revenueKrw)}</td>
                      <td className="py-2 pr-3 text-right tabular-nums">{won(plan.refundedKrw)}</td>
                      <td className="py-2 pr-3 text-right tabular-nums" data-testid="margin-cost">{won(plan.costKrw)}</td>
                      <td className="py-2 pr-3">
                        <Unconverted costs={plan.unconverted} />
                      </td>
                      <td className={cn('py-2 text-right tabular-nums', plan.marginKrw < 0 && 'text-destructive')} data-testid="margin-margin">
                        {won(plan.marginKrw)}
                      </td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr className="font-semibold" data-testid="margin-total">
                    <th scope="row" className="py-2 pr-3 text-left">{t('admin.margin.total')}</th>
                    <td className="py-2 pr-3 text-right tabular-nums">{formatNumber(locale, report.data.totals.users)}</td>
                    <td className="py-2 pr-3 text-right tabular-nums">{won(report.data.totals.revenueKrw)}</td>
                    <td className="py-2 pr-3 text-right tabular-nums">{won(report.data.totals.refundedKrw)}</td>
                    <td className="py-2 pr-3 text-right tabular-nums">{won(report.data.totals.costKrw)}</td>
                    <td className="py-2 pr-3">
                      <Unconverted costs={report.data.totals.unconverted} />
                    </td>
                    <td className={cn('py-2 text-right tabular-nums', report.data.totals.marginKrw < 0 && 'text-destructive')}>{won(report.data.totals.marginKrw)}</td>
                  </tr>
                </tfoot>
              </table>
            </CardContent>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle>{t('admin.margin.flagged')}</CardTitle>
              {report.data.flaggedTotal > 0 && <CardDescription>{t('admin.margin.flaggedCount', { shown: report.data.flagged.length, total: report.data.flaggedTotal })}</CardDescription>}
            </CardHeader>
            <CardContent>
              {report.data.flagged.length === 0 ? (
                <p className="text-muted-foreground">{t('admin.margin.noFlagged')}</p>
              ) : (
                <ul className="divide-y text-sm" data-testid="margin-flagged">
                  {report.data.flagged.map((user) => (
                    <li key={user.userId} className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 py-2" data-testid="flagged-user">
                      <Link className="min-w-0 break-all font-medium underline-offset-2 hover:underline" href={`/admin/users/${user.userId}`}>
                        {user.name ?? user.email ?? user.userId}
                      </Link>
                      <span className="flex flex-wrap gap-x-4 gap-y-1 tabular-nums">
                        <span>{report.data.plans.find((p) => p.planId === user.planId)?.name ?? user.planId}</span>
                        <span>
                          {t('admin.margin.paid')} {won(user.paidKrw)}
                        </span>
                        <span className="text-destructive">
                          {t('admin.margin.cost')} {won(user.costKrw)}
                        </span>
                        {user.unconverted.length > 0 && <Unconverted costs={user.unconverted} />}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </CardContent>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle>{t('admin.margin.rules')}</CardTitle>
            </CardHeader>
            <CardContent>
              <ul className="list-disc space-y-1 pl-5 text-sm text-muted-foreground">
                <li>{t('admin.margin.ruleRevenue')}</li>
                <li>{t('admin.margin.ruleCost')}</li>
                <li>{t('admin.margin.ruleAttribution')}</li>
              </ul>
            </CardContent>
          </Card>
        </>
      )}
    </div>
  );
}

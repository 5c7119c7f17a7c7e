'use client';

import { useQuery } from '@tanstack/react-query';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ErrorMessage } from '@/components/error-message';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { api } from '@/lib/api';
import { toDisplayError } from '@/lib/errors';
import { useT } from '@/lib/i18n/use-t';
import { usePreferences } from '@/lib/stores/preferences';

/** Tokens per day over the last 30 days (`/api/usage`), as a chart and, for screen readers, a table. */
export function UsagePanel() {
  const t = useT();
  const locale = usePreferences((s) => s.locale);
  const { data, error, isLoading } = useQuery({ queryKey: ['usage'], queryFn: api.usage });
  const format = new Intl.NumberFormat(locale);

  return (
    <div className="mx-auto max-w-4xl space-y-6 p-4 md:p-6">
      <h1 className="text-2xl font-semibold">{t('usage.title')}</h1>
      {isLoading && <p className="text-muted-foreground">{t('chat.loading')}</p>}
      {error && <ErrorMessage error={toDisplayError(error)} />}
      {data && (
        <Card>
          <CardHeader>
            <CardTitle>{t('usage.range')}</CardTitle>
            <CardDescription>
              {t('usage.total')}: {format.format(data.totals.totalTokens)} {t('usage.tokens')} · {format.format(data.totals.requests)} {t('usage.requests')}
            </CardDescription>
          </CardHeader>
          <CardContent>
            <figure aria-label={t('usage.chart')} className="h-72 w-full" data-testid="usage-chart">
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={data.days} margin={{ left: 8, right: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" className="stroke-border" />
                  <XAxis dataKey="date" tickFormatter={(d: string) => d.slice(5)} fontSize={12} />
                  <YAxis fontSize={12} tickFormatter={(n: number) => format.format(n)} />
                  <Tooltip formatter={(value) => format.format(Number(value))} />
                  <Bar dataKey="totalTokens" name={t('usage.tokens')} fill="oklch(0.6 0.15 250)" radius={[3, 3, 0, 0]} />
                </BarChart>
              </ResponsiveContainer>
            </figure>
            <table className="sr-only">
              <caption>{t('usage.chart')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('usage.date')}</th>
                  <th scope="col">{t('usage.tokens')}</th>
                  <th scope="col">{t('usage.requests')}</th>
                </tr>
              </thead>
              <tbody>
                {data.days.map((d) => (
                  <tr key={d.date}>
                    <td>{d.date}</td>
                    <td>{d.totalTokens}</td>
                    <td>{d.requests}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </CardContent>
        </Card>
      )}
    </div>
  );
}

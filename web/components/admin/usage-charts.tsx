'use client';

import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AdminUsageReport as UsageReport } from '@chat/contract/api';
import { formatMicros, formatNumber } from '@/lib/format';
import { usePreferences } from '@/lib/stores/preferences';

const PALETTE = ['oklch(0.6 0.15 250)', 'oklch(0.7 0.15 150)', 'oklch(0.7 0.16 60)', 'oklch(0.6 0.2 20)', 'oklch(0.6 0.15 300)', 'oklch(0.65 0.1 200)'];

type Day = UsageReport['byDay'][number];

/** One row per day with a column per model, the shape a stacked bar chart wants. */
function pivotByModel(rows: Day[]): { models: string[]; days: Record<string, string | number>[] } {
  const models = [...new Set(rows.map((r) => r.model))].sort();
  const byDate = new Map<string, Record<string, string | number>>();
  for (const row of rows) {
    const day = byDate.get(row.date) ?? { date: row.date };
    day[row.model] = Number(day[row.model] ?? 0) + row.totalTokens;
    byDate.set(row.date, day);
  }
  return { models, days: [...byDate.values()].sort((a, b) => String(a.date).localeCompare(String(b.date))) };
}

function perDay(rows: Day[]): { date: string; requests: number; errors: number }[] {
  const byDate = new Map<string, { date: string; requests: number; errors: number }>();
  for (const row of rows) {
    const day = byDate.get(row.date) ?? { date: row.date, requests: 0, errors: 0 };
    day.requests += row.requests;
    day.errors += row.errors;
    byDate.set(row.date, day);
  }
  return [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
}

/** Tokens per day, stacked by model; a table follows for screen readers. */
export function TokensByModelChart({ rows, label }: { rows: Day[]; label: string }) {
  const locale = usePreferences((s) => s.locale);
  const { models, days } = pivotByModel(rows);
  return (
    <figure aria-label={label} className="h-72 w-full" data-testid="tokens-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={days} margin={{ left: 8, right: 8 }}>
          <CartesianGrid strokeDasharray="3 3" className="stroke-border" />
          <XAxis dataKey="date" tickFormatter={(d: string) => d.slice(5)} fontSize={12} />
          <YAxis fontSize={12} tickFormatter={(n: number) => formatNumber(locale, n)} />
          <Tooltip formatter={(value) => formatNumber(locale, Number(value))} />
          <Legend />
          {models.map((model, i) => (
            <Bar key={model} dataKey={model} stackId="tokens" fill={PALETTE[i % PALETTE.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
      <table className="sr-only">
        <caption>{label}</caption>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.date}-${r.model}`}>
              <td>{r.date}</td>
              <td>{r.model}</td>
              <td>{r.totalTokens}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

type CostDay = UsageReport['cost']['byDay'][number];

/** Cost per day in currency units, a bar per currency (costs in different currencies are never stacked). */
export function CostByDayChart({ rows, label }: { rows: CostDay[]; label: string }) {
  const locale = usePreferences((s) => s.locale);
  const currencies = [...new Set(rows.map((r) => r.currency))].sort();
  const byDate = new Map<string, Record<string, string | number>>();
  for (const row of rows) {
    const day = byDate.get(row.date) ?? { date: row.date };
    day[row.currency] = row.costMicros / 1_000_000;
    byDate.set(row.date, day);
  }
  const days = [...byDate.values()].sort((a, b) => String(a.date).localeCompare(String(b.date)));
  return (
    <figure aria-label={label} className="h-60 w-full" data-testid="cost-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={days} margin={{ left: 8, right: 8 }}>
          <CartesianGrid strokeDasharray="3 3" className="stroke-border" />
          <XAxis dataKey="date" tickFormatter={(d: string) => d.slice(5)} fontSize={12} />
          <YAxis fontSize={12} />
          <Tooltip formatter={(value, currency) => formatMicros(locale, String(currency), Math.round(Number(value) * 1_000_000))} />
          <Legend />
          {currencies.map((currency, i) => (
            <Bar key={currency} dataKey={currency} fill={PALETTE[(i + 1) % PALETTE.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
      <table className="sr-only">
        <caption>{label}</caption>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.date}-${r.currency}`}>
              <td>{r.date}</td>
              <td>{formatMicros(locale, r.currency, r.costMicros)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** Requests and errors per day, as two lines. */
export function RequestsChart({ rows, label, requestsLabel, errorsLabel }: { rows: Day[]; label: string; requestsLabel: string; errorsLabel: string }) {
  const data = perDay(rows);
  return (
    <figure aria-label={label} className="h-60 w-full" data-testid="requests-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ left: 8, right: 8 }}>
          <CartesianGrid strokeDasharray="3 3" className="stroke-border" />
          <XAxis dataKey="date" tickFormatter={(d: string) => d.slice(5)} fontSize={12} />
          <YAxis fontSize={12} allowDecimals={false} />
          <Tooltip />
          <Legend />
          <Line type="monotone" dataKey="requests" name={requestsLabel} stroke={PALETTE[0]} dot={false} isAnimationActive={false} />
          <Line type="monotone" dataKey="errors" name={errorsLabel} stroke={PALETTE[3]} dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

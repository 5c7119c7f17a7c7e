'use client';

import type { ReactElement, ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AdminUsageReport as UsageReport } from '@chat/contract/api';
import { formatMicros, formatNumber } from '@/lib/format';
import { usePreferences } from '@/lib/stores/preferences';

const PALETTE = ['oklch(0.6 0.15 250)', 'oklch(0.7 0.15 150)', 'oklch(0.7 0.16 60)', 'oklch(0.6 0.2 20)', 'oklch(0.6 0.15 300)', 'oklch(0.65 0.1 200)'];

type Day = UsageReport['byDay'][number];
type CostDay = UsageReport['cost']['byDay'][number];

/** One row per date with a column per series (model, currency), sorted by date: the shape recharts wants. */
function seriesByDay<R extends { date: string }>(rows: R[], seriesOf: (row: R) => string, valueOf: (row: R) => number): { series: string[]; days: Record<string, string | number>[] } {
  const series = [...new Set(rows.map(seriesOf))].sort();
  const byDate = new Map<string, Record<string, string | number>>();
  for (const row of rows) {
    const day = byDate.get(row.date) ?? { date: row.date };
    const key = seriesOf(row);
    day[key] = Number(day[key] ?? 0) + valueOf(row);
    byDate.set(row.date, day);
  }
  return { series, days: [...byDate.values()].sort((a, b) => String(a.date).localeCompare(String(b.date))) };
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

/** The frame of every chart here: a labelled figure of the given height and, when given, its figures as a table for screen readers. */
function ChartFigure({ label, testId, height, table, children }: { label: string; testId: string; height: string; table?: ReactNode; children: ReactElement }) {
  return (
    <figure aria-label={label} className={`${height} w-full`} data-testid={testId}>
      <ResponsiveContainer width="100%" height="100%">
        {children}
      </ResponsiveContainer>
      {table ? (
        <table className="sr-only">
          <caption>{label}</caption>
          <tbody>{table}</tbody>
        </table>
      ) : null}
    </figure>
  );
}

type BarsProps = {
  days: Record<string, string | number>[];
  series: string[];
  /** Stacks the series (tokens of models add up); unset, a bar each (costs in different currencies never add up). */
  stackId?: string;
  paletteOffset?: number;
  yTick?: (value: number) => string;
  tooltip: (value: number, series: string) => string;
};

/** Bars per day, one colour per series, on the axes every chart here shares. */
function DayBars({ days, series, stackId, paletteOffset = 0, yTick, tooltip }: BarsProps) {
  return (
    <BarChart data={days} margin={{ left: 8, right: 8 }}>
      <CartesianGrid strokeDasharray="3 3" className="stroke-border" />
      <XAxis dataKey="date" tickFormatter={(d: string) => d.slice(5)} fontSize={12} />
      <YAxis fontSize={12} {...(yTick ? { tickFormatter: yTick } : {})} />
      <Tooltip formatter={(value, name) => tooltip(Number(value), String(name))} />
      <Legend />
      {series.map((name, i) => (
        <Bar key={name} dataKey={name} {...(stackId ? { stackId } : {})} fill={PALETTE[(i + paletteOffset) % PALETTE.length]} isAnimationActive={false} />
      ))}
    </BarChart>
  );
}

/** Tokens per day, stacked by model; a table follows for screen readers. */
export function TokensByModelChart({ rows, label }: { rows: Day[]; label: string }) {
  const locale = usePreferences((s) => s.locale);
  const { series, days } = seriesByDay(rows, (r) => r.model, (r) => r.totalTokens);
  const table = rows.map((r) => (
    <tr key={`${r.date}-${r.model}`}>
      <td>{r.date}</td>
      <td>{r.model}</td>
      <td>{r.totalTokens}</td>
    </tr>
  ));
  const format = (n: number) => formatNumber(locale, n);
  return (
    <ChartFigure label={label} testId="tokens-chart" height="h-72" table={table}>
      <DayBars days={days} series={series} stackId="tokens" yTick={format} tooltip={format} />
    </ChartFigure>
  );
}

/** Cost per day in currency units, a bar per currency. */
export function CostByDayChart({ rows, label }: { rows: CostDay[]; label: string }) {
  const locale = usePreferences((s) => s.locale);
  const { series, days } = seriesByDay(rows, (r) => r.currency, (r) => r.costMicros / 1_000_000);
  const table = rows.map((r) => (
    <tr key={`${r.date}-${r.currency}`}>
      <td>{r.date}</td>
      <td>{formatMicros(locale, r.currency, r.costMicros)}</td>
    </tr>
  ));
  return (
    <ChartFigure label={label} testId="cost-chart" height="h-60" table={table}>
      <DayBars days={days} series={series} paletteOffset={1} tooltip={(units, currency) => formatMicros(locale, currency, Math.round(units * 1_000_000))} />
    </ChartFigure>
  );
}

/** Requests and errors per day, as two lines. */
export function RequestsChart({ rows, label, requestsLabel, errorsLabel }: { rows: Day[]; label: string; requestsLabel: string; errorsLabel: string }) {
  return (
    <ChartFigure label={label} testId="requests-chart" height="h-60">
      <LineChart data={perDay(rows)} margin={{ left: 8, right: 8 }}>
        <CartesianGrid strokeDasharray="3 3" className="stroke-border" />
        <XAxis dataKey="date" tickFormatter={(d: string) => d.slice(5)} fontSize={12} />
        <YAxis fontSize={12} allowDecimals={false} />
        <Tooltip />
        <Legend />
        <Line type="monotone" dataKey="requests" name={requestsLabel} stroke={PALETTE[0]} dot={false} isAnimationActive={false} />
        <Line type="monotone" dataKey="errors" name={errorsLabel} stroke={PALETTE[3]} dot={false} isAnimationActive={false} />
      </LineChart>
    </ChartFigure>
  );
}

import { createRoute, z } from '@hono/zod-openapi';
import { requireScopes } from '../auth/guards';
import { requireAuth } from '../auth/verify';
import { getDb } from '../db/client';
import { getDailyUsage, type DailyUsage } from '../db/queries/usage-events';
import { DAY_MS, dayRange, isoDay } from '../days';
import { createRouter } from '../http/app';
import { bearer, DayRangeQuery, errors } from '../http/schemas';

const Day = z.object({
  date: z.string(),
  requests: z.number().int(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  totalTokens: z.number().int(),
});

const Usage = z
  .object({ from: z.string(), to: z.string(), days: z.array(Day), totals: Day.omit({ date: true }) })
  .openapi('Usage');

const getUsage = createRoute({
  method: 'get',
  path: '/usage',
  tags: ['usage'],
  summary: "The caller's tokens and requests per UTC day, every day of [from, to] (inclusive)",
  security: bearer,
  middleware: [requireAuth, requireScopes('usage:read')] as const,
  request: { query: DayRangeQuery },
  responses: {
    200: { description: 'Per-day sums, zero-filled', content: { 'application/json': { schema: Usage } } },
    ...errors(400, 401, 403),
  },
});

export const usageRoutes = createRouter().openapi(getUsage, async (c) => {
  const { from, to } = c.req.valid('query');
  const { fromDay, toDay } = dayRange(from, to);
  const rows = await getDailyUsage(getDb(c.env.DB), c.get('auth').sub, fromDay, toDay + DAY_MS);
  const byDate = new Map(rows.map((r) => [r.date, r]));
  const days: DailyUsage[] = [];
  for (let t = fromDay; t <= toDay; t += DAY_MS) {
    const date = isoDay(t);
    days.push(byDate.get(date) ?? { date, requests: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0 });
  }
  const totals = days.reduce(
    (acc, d) => ({
      requests: acc.requests + d.requests,
      promptTokens: acc.promptTokens + d.promptTokens,
      completionTokens: acc.completionTokens + d.completionTokens,
      totalTokens: acc.totalTokens + d.totalTokens,
    }),
    { requests: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0 },
  );
  return c.json({ from: isoDay(fromDay), to: isoDay(toDay), days, totals }, 200);
});

import { createRoute, z } from '@hono/zod-openapi';
import { requireScopes } from '../auth/guards';
import { requireAuth } from '../auth/verify';
import { getDb } from '../db/client';
import { getDailyUsage, type DailyUsage } from '../db/queries/usage-events';
import { createRouter } from '../http/app';
import { ApiError } from '../http/errors';
import { bearer, errors } from '../http/schemas';

const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 366;
const DEFAULT_RANGE_DAYS = 30;

const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-11-24')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'is not a real date');

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
  request: {
    query: z.object({
      from: IsoDate.optional().openapi({ description: `Default: ${DEFAULT_RANGE_DAYS - 1} days before \`to\`` }),
      to: IsoDate.optional().openapi({ description: 'Default: today (UTC)' }),
    }),
  },
  responses: {
    200: { description: 'Per-day sums, zero-filled', content: { 'application/json': { schema: Usage } } },
    ...errors(400, 401, 403),
  },
});

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export const usageRoutes = createRouter().openapi(getUsage, async (c) => {
  const query = c.req.valid('query');
  const toDay = Date.parse(`${query.to ?? isoDay(Date.now())}T00:00:00Z`);
  const fromDay = query.from ? Date.parse(`${query.from}T00:00:00Z`) : toDay - (DEFAULT_RANGE_DAYS - 1) * DAY_MS;
  if (fromDay > toDay) throw new ApiError(400, 'invalid_request', 'query.from: must not be after query.to');
  if ((toDay - fromDay) / DAY_MS + 1 > MAX_RANGE_DAYS) {
    throw new ApiError(400, 'invalid_request', `query.from: the range is limited to ${MAX_RANGE_DAYS} days`);
  }
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

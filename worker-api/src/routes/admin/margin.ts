import { createRoute } from '@hono/zod-openapi';
import { currentMonth, marginReport } from '../../admin/margin';
import { requireAdmin } from '../../auth/guards';
import { requireAuth } from '../../auth/verify';
import { readConfig } from '../../config';
import { getDb } from '../../db/client';
import { createRouter } from '../../http/app';
import { bearer, errors, json } from '../../http/schemas';
import { MarginReport, MonthQuery } from './schemas';

const getMargin = createRoute({
  method: 'get',
  path: '/admin/margin',
  tags: ['admin'],
  summary: "Each plan's revenue in a UTC month (Toss, KRW, net of refunds) next to its users' provider cost (converted with FX_RATES_KRW), and the users who cost more than they paid",
  security: bearer,
  middleware: [requireAuth, requireAdmin('admin:read')] as const,
  request: { query: MonthQuery },
  responses: { 200: { description: 'The report', content: json(MarginReport) }, ...errors(400, 401, 403) },
});

export const adminMarginRoutes = createRouter().openapi(getMargin, async (c) => {
  const now = Date.now();
  const month = c.req.valid('query').month ?? currentMonth(now);
  return c.json(await marginReport(getDb(c.env.DB), month, readConfig(c.env).fxRatesKrw, now), 200);
});

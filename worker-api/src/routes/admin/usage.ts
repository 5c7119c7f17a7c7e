import { createRoute, z } from '@hono/zod-openapi';
import { decodeCursor, encodeCursor } from '../../http/cursor';
import { usageReport } from '../../admin/usage-report';
import { toUpstreamView, toUsageRow } from '../../admin/views';
import { requireAdmin } from '../../auth/guards';
import { requireAuth } from '../../auth/verify';
import { getDb } from '../../db/client';
import { listRequests, requestsByTrace, type AuditedRequest } from '../../db/queries/usage-events';
import { createRouter } from '../../http/app';
import { ApiError } from '../../http/errors';
import { dayRange } from '../../days';
import { bearer, DayRangeQuery, errors, json } from '../../http/schemas';
import { AuditedRequestList, AuditedRequestPage, Cursor, IsoDateTime, Limit, TraceId, UsageReport, UserId } from './schemas';

/** Rows one trace id can have: a request settles once, so more would be a bug worth seeing, not paging. */
const TRACE_ROWS = 100;

const getUsage = createRoute({
  method: 'get',
  path: '/admin/usage',
  tags: ['admin'],
  summary: "Requests, tokens, errors, time to first token and cost over UTC days [from, to], of every user or of one",
  security: bearer,
  middleware: [requireAuth, requireAdmin('admin:read')] as const,
  request: {
    query: DayRangeQuery.extend({ userId: UserId.optional().openapi({ description: "One user's usage only (the user detail's chart)" }) }),
  },
  responses: { 200: { description: 'The report', content: json(UsageReport) }, ...errors(400, 401, 403) },
});

const getTrace = createRoute({
  method: 'get',
  path: '/admin/audit/requests/{traceId}',
  tags: ['admin'],
  summary: 'The AI requests of one trace id (the X-Trace-Id a user quotes)',
  security: bearer,
  middleware: [requireAuth, requireAdmin('admin:read')] as const,
  request: { params: z.object({ traceId: TraceId.openapi({ param: { name: 'traceId', in: 'path' }, example: '4bf92f3577b34da6a3ce929d0e0e4736' }) }) },
  responses: { 200: { description: 'Its usage rows, oldest first', content: json(AuditedRequestList) }, ...errors(400, 401, 403, 404) },
});

const listAudit = createRoute({
  method: 'get',
  path: '/admin/audit/requests',
  tags: ['admin'],
  summary: 'AI requests, newest first, by user and time [from, to)',
  security: bearer,
  middleware: [requireAuth, requireAdmin('admin:read')] as const,
  request: { query: z.object({ userId: UserId.optional(), from: IsoDateTime.optional(), to: IsoDateTime.optional(), cursor: Cursor, limit: Limit }) },
  responses: { 200: { description: 'One page', content: json(AuditedRequestPage) }, ...errors(400, 401, 403) },
});

function toAudited({ event, email, name }: AuditedRequest) {
  return { ...toUsageRow(event), userEmail: email, userName: name, ...toUpstreamView(event) };
}

export const adminUsageRoutes = createRouter()
  .openapi(getUsage, async (c) => {
    const { from, to, userId } = c.req.valid('query');
    const { fromDay, toDay } = dayRange(from, to);
    return c.json(await usageReport(getDb(c.env.DB), fromDay, toDay, userId ?? null), 200);
  })
  .openapi(getTrace, async (c) => {
    const rows = await requestsByTrace(getDb(c.env.DB), c.req.valid('param').traceId, TRACE_ROWS);
    if (rows.length === 0) throw new ApiError(404, 'not_found', 'No AI request with that trace id');
    return c.json({ items: rows.map(toAudited) }, 200);
  })
  .openapi(listAudit, async (c) => {
    const { userId, from, to, cursor, limit } = c.req.valid('query');
    const fromMs = from === undefined ? undefined : Date.parse(from);
    const toMs = to === undefined ? undefined : Date.parse(to);
    if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) throw new ApiError(400, 'invalid_request', 'query.from: must not be after query.to');
    const page = await listRequests(getDb(c.env.DB), { userId, fromMs, toMs, cursor: decodeCursor(cursor), limit });
    return c.json({ items: page.items.map(toAudited), nextCursor: encodeCursor(page.next) }, 200);
  });

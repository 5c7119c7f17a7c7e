import { createRoute, z } from '@hono/zod-openapi';
import { decodeCursor, encodeCursor } from '../../http/cursor';
import { iso } from '../../admin/views';
import { requireAdmin } from '../../auth/guards';
import { requireAuth } from '../../auth/verify';
import { getDb } from '../../db/client';
import { listAdminActions } from '../../db/queries/admin-actions';
import { createRouter } from '../../http/app';
import { bearer, errors } from '../../http/schemas';
import { AdminActionPage, Cursor, Limit } from './schemas';

const listActions = createRoute({
  method: 'get',
  path: '/admin/actions',
  tags: ['admin'],
  summary: 'The audit log of admin changes, newest first',
  security: bearer,
  middleware: [requireAuth, requireAdmin('admin:read')] as const,
  request: {
    query: z.object({
      cursor: Cursor,
      limit: Limit,
      targetId: z.string().min(1).max(128).optional().openapi({ description: 'Only actions on this user or plan id' }),
    }),
  },
  responses: { 200: { description: 'One page', content: { 'application/json': { schema: AdminActionPage } } }, ...errors(400, 401, 403) },
});

export const adminActionRoutes = createRouter().openapi(listActions, async (c) => {
  const { cursor, limit, targetId } = c.req.valid('query');
  const page = await listAdminActions(getDb(c.env.DB), { limit, targetId, cursor: decodeCursor(cursor) });
  const items = page.items.map(({ id, actorId, action, targetType, targetId: target, before, after, createdAt }) => ({
    id,
    actorId,
    action,
    targetType,
    targetId: target,
    before: before ?? null,
    after: after ?? null,
    createdAt: iso(createdAt),
  }));
  return c.json({ items, nextCursor: encodeCursor(page.next) }, 200);
});

import { createRoute, z } from '@hono/zod-openapi';
import { decodeCursor, encodeCursor } from '../../http/cursor';
import { createGrant, revokeGrant } from '../../admin/grants';
import { suspendUser, unsuspendUser, updateUser, userDetail } from '../../admin/users';
import { toAdminUser } from '../../admin/views';
import { requireAdmin } from '../../auth/guards';
import { requireAuth } from '../../auth/verify';
import { getDb } from '../../db/client';
import { searchUsers } from '../../db/queries/users';
import { createRouter } from '../../http/app';
import { bearer, errors, json, jsonBody } from '../../http/schemas';
import {
  AdminGrant,
  AdminUserDetail,
  AdminUserPage,
  Cursor,
  GrantBody,
  GrantId,
  Limit,
  SuspendBody,
  UpdateUserBody,
  userParam,
} from './schemas';

const conflict = { 409: { description: 'In conflict with the current state (`conflict`)', content: errors(400)[400].content } };
const detail = { description: 'The user as it now stands', content: json(AdminUserDetail) };

const listUsers = createRoute({
  method: 'get',
  path: '/admin/users',
  tags: ['admin'],
  summary: 'Users, newest first; q matches an exact id or part of the email or name',
  security: bearer,
  middleware: [requireAuth, requireAdmin('admin:read')] as const,
  request: { query: z.object({ q: z.string().max(200).optional().openapi({ description: 'Blank lists everyone' }), cursor: Cursor, limit: Limit }) },
  responses: { 200: { description: 'One page', content: json(AdminUserPage) }, ...errors(400, 401, 403) },
});

const getUser = createRoute({
  method: 'get',
  path: '/admin/users/{id}',
  tags: ['admin'],
  summary: "A user with the plan in force, quota, grants and newest requests",
  security: bearer,
  middleware: [requireAuth, requireAdmin('admin:read')] as const,
  request: { params: userParam('A user id') },
  responses: { 200: { description: 'The user', content: json(AdminUserDetail) }, ...errors(400, 401, 403, 404) },
});

const patchUser = createRoute({
  method: 'patch',
  path: '/admin/users/{id}',
  tags: ['admin'],
  summary: "Change a user's plan (and when it ends) or roles",
  security: bearer,
  middleware: [requireAuth, requireAdmin('admin:write')] as const,
  request: { params: userParam('A user id'), body: jsonBody(UpdateUserBody) },
  responses: { 200: detail, ...errors(400, 401, 403, 404), ...conflict },
});

const suspend = createRoute({
  method: 'post',
  path: '/admin/users/{id}/suspend',
  tags: ['admin'],
  summary: "Suspend a user: every request with their token is refused from the next one on (403 `account_suspended`)",
  security: bearer,
  middleware: [requireAuth, requireAdmin('admin:write')] as const,
  request: { params: userParam('A user id'), body: jsonBody(SuspendBody) },
  responses: { 200: detail, ...errors(400, 401, 403, 404), ...conflict },
});

const unsuspend = createRoute({
  method: 'post',
  path: '/admin/users/{id}/unsuspend',
  tags: ['admin'],
  summary: 'Lift a suspension',
  security: bearer,
  middleware: [requireAuth, requireAdmin('admin:write')] as const,
  request: { params: userParam('A user id') },
  responses: { 200: detail, ...errors(400, 401, 403, 404) },
});

const postGrant = createRoute({
  method: 'post',
  path: '/admin/users/{id}/grants',
  tags: ['admin'],
  summary: "Add tokens to both of a user's limits until a time at most 90 days away",
  security: bearer,
  middleware: [requireAuth, requireAdmin('admin:write')] as const,
  request: { params: userParam('A user id'), body: jsonBody(GrantBody) },
  responses: { 201: { description: 'The grant', content: json(AdminGrant) }, ...errors(400, 401, 403, 404) },
});

const deleteGrant = createRoute({
  method: 'delete',
  path: '/admin/users/{id}/grants/{grantId}',
  tags: ['admin'],
  summary: 'Take a grant back',
  security: bearer,
  middleware: [requireAuth, requireAdmin('admin:write')] as const,
  request: {
    params: userParam('A user id').extend({ grantId: GrantId.openapi({ param: { name: 'grantId', in: 'path' }, example: 'grt_0mf3k2x1a7q9z0c4r8b2xy' }) }),
  },
  responses: { 204: { description: 'Deleted' }, ...errors(400, 401, 403, 404) },
});

export const adminUserRoutes = createRouter()
  .openapi(listUsers, async (c) => {
    const { q, cursor, limit } = c.req.valid('query');
    const page = await searchUsers(getDb(c.env.DB), { q: q?.trim() || undefined, limit, cursor: decodeCursor(cursor) });
    return c.json({ items: page.items.map(toAdminUser), nextCursor: encodeCursor(page.next) }, 200);
  })
  .openapi(getUser, async (c) => c.json(await userDetail(getDb(c.env.DB), c.req.valid('param').id), 200))
  .openapi(patchUser, async (c) => {
    const { planId, planExpiresAt, roles } = c.req.valid('json');
    const patch = { planId, roles, planExpiresAt: planExpiresAt === undefined || planExpiresAt === null ? planExpiresAt : Date.parse(planExpiresAt) };
    return c.json(await updateUser(getDb(c.env.DB), c.get('auth').sub, c.req.valid('param').id, patch), 200);
  })
  .openapi(suspend, async (c) => c.json(await suspendUser(getDb(c.env.DB), c.get('auth').sub, c.req.valid('param').id, c.req.valid('json').reason), 200))
  .openapi(unsuspend, async (c) => c.json(await unsuspendUser(getDb(c.env.DB), c.get('auth').sub, c.req.valid('param').id), 200))
  .openapi(postGrant, async (c) => {
    const { tokens, expiresAt, reason } = c.req.valid('json');
    const grant = await createGrant(getDb(c.env.DB), c.get('auth').sub, c.req.valid('param').id, { tokens, reason, expiresAt: Date.parse(expiresAt) });
    return c.json(grant, 201);
  })
  .openapi(deleteGrant, async (c) => {
    const { id, grantId } = c.req.valid('param');
    await revokeGrant(getDb(c.env.DB), c.get('auth').sub, id, grantId);
    return c.body(null, 204);
  });

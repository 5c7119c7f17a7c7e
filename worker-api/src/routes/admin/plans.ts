import { createRoute, z } from '@hono/zod-openapi';
import { createPlan, listAdminPlans, updatePlan } from '../../admin/plans';
import { requireAdmin } from '../../auth/guards';
import { requireAuth } from '../../auth/verify';
import { getDb } from '../../db/client';
import { createRouter } from '../../http/app';
import { bearer, errors, json, jsonBody } from '../../http/schemas';
import { AdminPlan, AdminPlanList, CreatePlanBody, PlanId, UpdatePlanBody } from './schemas';

const planParam = z.object({ id: PlanId.openapi({ param: { name: 'id', in: 'path' }, example: 'pro' }) });

const listPlans = createRoute({
  method: 'get',
  path: '/admin/plans',
  tags: ['admin'],
  summary: 'Every plan, in price-page order',
  security: bearer,
  middleware: [requireAuth, requireAdmin('admin:read')] as const,
  responses: { 200: { description: 'Plans', content: json(AdminPlanList) }, ...errors(401, 403) },
});

const postPlan = createRoute({
  method: 'post',
  path: '/admin/plans',
  tags: ['admin'],
  summary: 'Add a plan',
  security: bearer,
  middleware: [requireAuth, requireAdmin('admin:write')] as const,
  request: { body: jsonBody(CreatePlanBody) },
  responses: {
    201: { description: 'The new plan', content: json(AdminPlan) },
    ...errors(400, 401, 403),
    409: { description: 'The id is taken (`conflict`)', content: errors(400)[400].content },
  },
});

const patchPlan = createRoute({
  method: 'patch',
  path: '/admin/plans/{id}',
  tags: ['admin'],
  summary: "Edit a plan's name, models, limits, price or order; applies to the next request",
  security: bearer,
  middleware: [requireAuth, requireAdmin('admin:write')] as const,
  request: { params: planParam, body: jsonBody(UpdatePlanBody) },
  responses: { 200: { description: 'The plan as it now stands', content: json(AdminPlan) }, ...errors(400, 401, 403, 404) },
});

export const adminPlanRoutes = createRouter()
  .openapi(listPlans, async (c) => c.json({ items: await listAdminPlans(getDb(c.env.DB)) }, 200))
  .openapi(postPlan, async (c) => c.json(await createPlan(getDb(c.env.DB), c.get('auth').sub, c.req.valid('json')), 201))
  .openapi(patchPlan, async (c) => c.json(await updatePlan(getDb(c.env.DB), c.get('auth').sub, c.req.valid('param').id, c.req.valid('json')), 200));

import { createRoute, z } from '@hono/zod-openapi';
import { createModel, listAdminModels, updateModel } from '../../admin/models';
import { requireAdmin } from '../../auth/guards';
import { requireAuth } from '../../auth/verify';
import { getDb } from '../../db/client';
import { createRouter } from '../../http/app';
import { bearer, errors, json, jsonBody } from '../../http/schemas';
import { AdminModel, AdminModelList, CreateModelBody, ModelId, UpdateModelBody } from './schemas';

const modelParam = z.object({ id: ModelId.openapi({ param: { name: 'id', in: 'path' }, example: 'gpt-4o-mini' }) });

const listModels = createRoute({
  method: 'get',
  path: '/admin/models',
  tags: ['admin'],
  summary: 'Every model in the registry: provider, upstream name, limits, prices, fallbacks',
  security: bearer,
  middleware: [requireAuth, requireAdmin('admin:read')] as const,
  responses: { 200: { description: 'Models', content: json(AdminModelList) }, ...errors(401, 403) },
});

const postModel = createRoute({
  method: 'post',
  path: '/admin/models',
  tags: ['admin'],
  summary: 'Add a model',
  security: bearer,
  middleware: [requireAuth, requireAdmin('admin:write')] as const,
  request: { body: jsonBody(CreateModelBody) },
  responses: {
    201: { description: 'The new model', content: json(AdminModel) },
    ...errors(400, 401, 403),
    409: { description: 'The id is taken (`conflict`)', content: errors(400)[400].content },
  },
});

const patchModel = createRoute({
  method: 'patch',
  path: '/admin/models/{id}',
  tags: ['admin'],
  summary: "Edit a model's provider, limits, prices or fallbacks, or enable or disable it; applies to the next request",
  security: bearer,
  middleware: [requireAuth, requireAdmin('admin:write')] as const,
  request: { params: modelParam, body: jsonBody(UpdateModelBody) },
  responses: { 200: { description: 'The model as it now stands', content: json(AdminModel) }, ...errors(400, 401, 403, 404) },
});

export const adminModelRoutes = createRouter()
  .openapi(listModels, async (c) => c.json({ items: await listAdminModels(getDb(c.env.DB)) }, 200))
  .openapi(postModel, async (c) => c.json(await createModel(getDb(c.env.DB), c.get('auth').sub, c.req.valid('json')), 201))
  .openapi(patchModel, async (c) => c.json(await updateModel(getDb(c.env.DB), c.get('auth').sub, c.req.valid('param').id, c.req.valid('json')), 200));

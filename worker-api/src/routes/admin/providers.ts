import { createRoute, z } from '@hono/zod-openapi';
import { createProvider, listAdminProviders, updateProvider } from '../../admin/providers';
import { requireAdmin } from '../../auth/guards';
import { requireAuth } from '../../auth/verify';
import { getDb } from '../../db/client';
import { createRouter } from '../../http/app';
import { bearer, errors, json, jsonBody } from '../../http/schemas';
import { AdminProvider, AdminProviderList, CreateProviderBody, ProviderId, UpdateProviderBody } from './schemas';

const providerParam = z.object({ id: ProviderId.openapi({ param: { name: 'id', in: 'path' }, example: 'openai' }) });

const listProviders = createRoute({
  method: 'get',
  path: '/admin/providers',
  tags: ['admin'],
  summary: 'Every provider: base URL, the name of its key secret, extra headers, kind, enabled',
  security: bearer,
  middleware: [requireAuth, requireAdmin('admin:read')] as const,
  responses: { 200: { description: 'Providers', content: json(AdminProviderList) }, ...errors(401, 403) },
});

const postProvider = createRoute({
  method: 'post',
  path: '/admin/providers',
  tags: ['admin'],
  summary: 'Add a provider (its key stays a Worker secret; this names the secret)',
  security: bearer,
  middleware: [requireAuth, requireAdmin('admin:write')] as const,
  request: { body: jsonBody(CreateProviderBody) },
  responses: {
    201: { description: 'The new provider', content: json(AdminProvider) },
    ...errors(400, 401, 403),
    409: { description: 'The id is taken (`conflict`)', content: errors(400)[400].content },
  },
});

const patchProvider = createRoute({
  method: 'patch',
  path: '/admin/providers/{id}',
  tags: ['admin'],
  summary: 'Edit, enable or disable a provider; applies to the next request',
  security: bearer,
  middleware: [requireAuth, requireAdmin('admin:write')] as const,
  request: { params: providerParam, body: jsonBody(UpdateProviderBody) },
  responses: { 200: { description: 'The provider as it now stands', content: json(AdminProvider) }, ...errors(400, 401, 403, 404) },
});

export const adminProviderRoutes = createRouter()
  .openapi(listProviders, async (c) => c.json({ items: await listAdminProviders(getDb(c.env.DB)) }, 200))
  .openapi(postProvider, async (c) => c.json(await createProvider(getDb(c.env.DB), c.get('auth').sub, c.req.valid('json')), 201))
  .openapi(patchProvider, async (c) => c.json(await updateProvider(getDb(c.env.DB), c.get('auth').sub, c.req.valid('param').id, c.req.valid('json')), 200));

import { createRoute, z } from '@hono/zod-openapi';
import { requireScopes } from '../auth/guards';
import { requireAuth } from '../auth/verify';
import { getDb } from '../db/client';
import { createRouter } from '../http/app';
import { bearer, errors } from '../http/schemas';
import { availableModelIds } from '../db/queries/models';
import { getEntitled, servableModels } from '../policy/plans';

const Models = z
  .object({
    plan: z.string(),
    defaultModel: z.string(),
    maxTokensPerRequest: z.number().int(),
    models: z.array(z.object({ id: z.string() })),
  })
  .openapi('Models');

const listModels = createRoute({
  method: 'get',
  path: '/models',
  tags: ['ai'],
  summary: "The models the caller's plan allows that the registry can serve now (enabled, with an enabled provider)",
  security: bearer,
  middleware: [requireAuth, requireScopes('chat:write')] as const,
  responses: {
    200: { description: 'Allowed models, the default first', content: { 'application/json': { schema: Models } } },
    ...errors(401, 403, 404),
  },
});

export const modelRoutes = createRouter().openapi(listModels, async (c) => {
  const db = getDb(c.env.DB);
  const [{ plan }, available] = await Promise.all([getEntitled(db, c.get('auth').sub), availableModelIds(db)]);
  const models = servableModels(plan, available);
  return c.json(
    {
      plan: plan.id,
      defaultModel: models[0] ?? '',
      maxTokensPerRequest: plan.maxTokensPerRequest,
      models: models.map((id) => ({ id })),
    },
    200,
  );
});

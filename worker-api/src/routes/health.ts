import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../http/app';
import { API_VERSION } from '../version';

const health = createRoute({
  method: 'get',
  path: '/health',
  tags: ['meta'],
  summary: 'Liveness',
  responses: {
    200: {
      description: 'The Worker is up',
      content: { 'application/json': { schema: z.object({ ok: z.literal(true), version: z.string() }) } },
    },
  },
});

export const healthRoutes = createRouter().openapi(health, (c) => c.json({ ok: true as const, version: API_VERSION }, 200));

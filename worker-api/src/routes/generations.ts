import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requireScopes } from '../auth/guards';
import { requireAuth } from '../auth/verify';
import { getDb } from '../db/client';
import { GENERATION_STATUSES } from '../db/queries/generations';
import type { AppEnv } from '../env';
import { followGeneration, stopGeneration, type GenerationRef } from '../generations/follow';
import { createRouter } from '../http/app';
import { bearer, errors, eventStreamResponse } from '../http/schemas';

const IdParams = z.object({
  id: z.string().openapi({
    param: { name: 'id', in: 'path' },
    description: "A generation id (the `generationId` of its `meta` event); an unknown one, or another user's, is a 404",
    example: 'gen_0mf3k2x1a7q9z0c4r8b2xy',
  }),
});

const Seq = z.string().regex(/^\d{1,15}$/, 'must be an event id (a whole number)');

const resumeRoute = createRoute({
  method: 'get',
  path: '/ai/generations/{id}/stream',
  tags: ['ai'],
  summary: 'Follow a generation: the events after `Last-Event-ID` (or `after`), then the live ones until it ends',
  security: bearer,
  middleware: [requireAuth, requireScopes('chat:write')] as const,
  request: {
    params: IdParams,
    query: z.object({ after: Seq.optional().openapi({ description: 'The last event id seen (default 0: from the beginning); `Last-Event-ID` wins' }) }),
    headers: z.object({ 'last-event-id': Seq.optional().openapi({ description: 'The last event id seen, as EventSource resends it' }) }),
  },
  responses: { ...eventStreamResponse, ...errors(400, 401, 403, 404) },
});

const StopResult = z
  .object({
    generationId: z.string(),
    status: z.enum(GENERATION_STATUSES).exclude(['running']).openapi({ description: 'How the generation ended' }),
  })
  .openapi('GenerationStopResult');

const stopRoute = createRoute({
  method: 'post',
  path: '/ai/generations/{id}/stop',
  tags: ['ai'],
  summary: 'Stop a generation: the partial answer is stored as `stopped`; stopping an ended one is a 200 too',
  security: bearer,
  middleware: [requireAuth, requireScopes('chat:write')] as const,
  request: { params: IdParams },
  responses: {
    200: { description: 'The generation has ended', content: { 'application/json': { schema: StopResult } } },
    ...errors(401, 403, 404),
  },
});

function refOf(c: Context<AppEnv>, generationId: string): GenerationRef {
  return { db: getDb(c.env.DB), generations: c.env.GENERATIONS, userId: c.get('auth').sub, generationId };
}

export const generationRoutes = createRouter()
  .openapi(resumeRoute, async (c) => {
    const after = Number(c.req.valid('header')['last-event-id'] ?? c.req.valid('query').after ?? 0);
    return followGeneration(refOf(c, c.req.valid('param').id), after, c.get('traceId'));
  })
  .openapi(stopRoute, async (c) => {
    const generationId = c.req.valid('param').id;
    const status = await stopGeneration(refOf(c, generationId));
    return c.json({ generationId, status }, 200);
  });

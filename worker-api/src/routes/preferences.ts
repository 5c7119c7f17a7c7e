import { ANSWER_LANGUAGES, MAX_INSTRUCTIONS_CHARS } from '@chat/contract';
import { createRoute, z } from '@hono/zod-openapi';
import { requireAuth } from '../auth/verify';
import { systemMessageTokens } from '../chat/context';
import { getDb, isForeignKeyFailure } from '../db/client';
import { getPreferences, putPreferences } from '../db/queries/preferences';
import { createRouter } from '../http/app';
import { ApiError } from '../http/errors';
import { bearer, errors } from '../http/schemas';

const PreferencesSchema = z
  .object({
    instructions: z
      .string()
      .max(MAX_INSTRUCTIONS_CHARS)
      .openapi({ description: `Custom instructions, sent with every new answer as part of its system message (at most ${MAX_INSTRUCTIONS_CHARS} characters; empty for none)` }),
    language: z
      .enum(ANSWER_LANGUAGES)
      .nullable()
      .openapi({ description: 'The language answers are written in; null: the language the user writes in' }),
  })
  .openapi('Preferences');

const getRoute = createRoute({
  method: 'get',
  path: '/me/preferences',
  tags: ['me'],
  summary: "How the caller wants to be answered: custom instructions and the answer language",
  security: bearer,
  middleware: [requireAuth] as const,
  responses: {
    200: { description: 'The preferences (the defaults until set)', content: { 'application/json': { schema: PreferencesSchema } } },
    ...errors(401),
  },
});

const putRoute = createRoute({
  method: 'put',
  path: '/me/preferences',
  tags: ['me'],
  summary: 'Replace the custom instructions and answer language; they apply from the next answer',
  security: bearer,
  middleware: [requireAuth] as const,
  request: { body: { required: true, content: { 'application/json': { schema: PreferencesSchema } } } },
  responses: {
    200: { description: 'The preferences as stored', content: { 'application/json': { schema: PreferencesSchema } } },
    ...errors(400, 401, 404),
  },
});

export const preferenceRoutes = createRouter()
  .openapi(getRoute, async (c) => c.json(await getPreferences(getDb(c.env.DB), c.get('auth').sub), 200))
  .openapi(putRoute, async (c) => {
    try {
      const prefs = c.req.valid('json');
      return c.json(await putPreferences(getDb(c.env.DB), c.get('auth').sub, prefs, systemMessageTokens(prefs)), 200);
    } catch (err) {
      if (isForeignKeyFailure(err)) throw new ApiError(404, 'not_found', 'No user for this token: sign in again');
      throw err;
    }
  });

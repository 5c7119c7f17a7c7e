import { MAX_MESSAGE_CHARS } from '@chat/contract';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requireScopes } from '../auth/guards';
import { requireAuth } from '../auth/verify';
import { buildPrompt } from '../chat/context';
import { withRefusalsAudited } from '../chat/refusals';
import { getDb, type Db } from '../db/client';
import { newId } from '../db/ids';
import { getConversationForUser, userTurnWrites } from '../db/queries/conversations';
import { getRecentMessages } from '../db/queries/messages';
import type { ConversationRow, MessageRow } from '../db/schema';
import type { AppEnv } from '../env';
import { createRouter } from '../http/app';
import { ApiError } from '../http/errors';
import { bearer, errors, eventStreamResponse } from '../http/schemas';
import { startGeneration, type GenerationRequest } from '../generations/start';
import { readConfig } from '../config';
import { limitStreamStarts } from '../policy/burst';
import { refuseOverCaps } from '../policy/caps';
import { getEntitled, resolveModel, type Entitled } from '../policy/plans';

/** Turns of history read to build the prompt; the token budget trims further. */
const HISTORY_LIMIT = 100;

const ModelId = z.string().min(1).max(100).regex(/^[A-Za-z0-9._:-]+$/, 'must be a model id');
const ConvId = z.string().min(1).max(64);

const nothingToAnswer = {
  409: { description: 'Nothing to answer (`nothing_to_answer`)', content: errors(400)[400].content },
};

const getStream = createRoute({
  method: 'get',
  path: '/ai/stream',
  tags: ['ai'],
  summary: "Stream the answer to the conversation's last unanswered user message (EventSource)",
  security: bearer,
  middleware: [requireAuth, requireScopes('chat:write'), limitStreamStarts] as const,
  request: {
    query: z.object({
      convId: ConvId,
      model: ModelId.optional(),
      regenerate: z.enum(['0', '1', 'true', 'false']).optional().openapi({ description: 'Answer the last user message again, keeping the earlier answer' }),
    }),
  },
  responses: { ...eventStreamResponse, ...errors(400, 401, 403, 404, 429), ...nothingToAnswer, 409: { description: `${nothingToAnswer[409].description}, or ${errors(409)[409].description}`, content: nothingToAnswer[409].content } },
});

const PostStreamBody = z
  .object({
    convId: ConvId.optional(),
    content: z
      .string()
      .max(MAX_MESSAGE_CHARS)
      .refine((s) => s.trim().length > 0, 'must not be empty'),
    model: ModelId.optional(),
    maxTokens: z.number().int().min(1).max(32_768).optional(),
  })
  .openapi('StreamRequest');

const postStream = createRoute({
  method: 'post',
  path: '/ai/stream',
  tags: ['ai'],
  summary: 'Store a user message (in a new conversation when convId is absent) and stream the answer',
  security: bearer,
  middleware: [requireAuth, requireScopes('chat:write'), limitStreamStarts] as const,
  request: { body: { required: true, content: { 'application/json': { schema: PostStreamBody } } } },
  responses: { ...eventStreamResponse, ...errors(400, 401, 403, 404, 429), ...nothingToAnswer, 409: { description: `${nothingToAnswer[409].description}, or ${errors(409)[409].description}`, content: nothingToAnswer[409].content } },
});

function notFound(): ApiError {
  return new ApiError(404, 'not_found', 'No such conversation');
}

async function ownedConversation(db: Db, userId: string, id: string): Promise<ConversationRow> {
  const conversation = await getConversationForUser(db, userId, id);
  if (!conversation) throw notFound();
  return conversation;
}

/** A model the conversation used may have left the plan since; then the plan's default answers. */
function modelFor(entitled: Entitled, asked: string | undefined, conversation: ConversationRow): string {
  if (asked !== undefined) return resolveModel(entitled.plan, asked);
  const previous = conversation.model ?? undefined;
  return resolveModel(entitled.plan, previous !== undefined && entitled.plan.models.includes(previous) ? previous : undefined);
}

type Answer = {
  entitled: Entitled;
  conversationId: string;
  model: string;
  history: readonly Pick<MessageRow, 'role' | 'content'>[];
  maxTokens?: number | undefined;
  reserveWith: GenerationRequest['reserveWith'];
};

function answer(c: Context<AppEnv>, db: Db, a: Answer) {
  return startGeneration({
    db,
    generations: c.env.GENERATIONS,
    traceId: c.get('traceId'),
    clientTraceId: c.get('clientTraceId'),
    userId: a.entitled.user.id,
    plan: a.entitled.plan,
    conversationId: a.conversationId,
    model: a.model,
    prompt: buildPrompt(a.history),
    requestedMaxTokens: a.maxTokens,
    reserveWith: a.reserveWith,
  });
}

// Every D1 round trip before the upstream call is added to the time to first token, so the
// reads run side by side (a read the checks then refuse is thrown away) and the writes go
// in one batch with the reservation.
export const streamRoutes = createRouter()
  .openapi(getStream, async (c) => {
    const { convId, model: asked, regenerate } = c.req.valid('query');
    const db = getDb(c.env.DB);
    const userId = c.get('auth').sub;
    const { entitled, conversation, model, recent } = await withRefusalsAudited(c, asked, async () => {
      const [entitled, conversation, recent] = await Promise.all([
        getEntitled(db, userId),
        ownedConversation(db, userId, convId),
        getRecentMessages(db, convId, HISTORY_LIMIT),
        refuseOverCaps(db, readConfig(c.env).caps, userId, { conversationId: convId }),
      ]);
      return { entitled, conversation, recent, model: modelFor(entitled, asked, conversation) };
    });
    let history = recent;
    if (regenerate === '1' || regenerate === 'true') {
      while (history.at(-1)?.role === 'assistant') history = history.slice(0, -1);
    }
    if (history.at(-1)?.role !== 'user') {
      throw new ApiError(409, 'nothing_to_answer', 'The conversation has no unanswered message; send one first');
    }
    return answer(c, db, { entitled, conversationId: conversation.id, model, history, reserveWith: async (reserve, generation) => (await db.batch([reserve, generation]))[0] });
  })
  .openapi(postStream, async (c) => {
    const body = c.req.valid('json');
    const db = getDb(c.env.DB);
    const userId = c.get('auth').sub;
    const convId = body.convId;
    // Refuse a suspended account or a model the plan lacks before storing anything.
    const { entitled, model, earlier } = await withRefusalsAudited(c, body.model, async () => {
      const caps = readConfig(c.env).caps;
      if (convId === undefined) {
        const [entitled] = await Promise.all([getEntitled(db, userId), refuseOverCaps(db, caps, userId, { newConversation: true, content: body.content })]);
        return { entitled, model: resolveModel(entitled.plan, body.model), earlier: [] };
      }
      const [entitled, existing, earlier] = await Promise.all([
        getEntitled(db, userId),
        ownedConversation(db, userId, convId),
        getRecentMessages(db, convId, HISTORY_LIMIT - 1),
        refuseOverCaps(db, caps, userId, { conversationId: convId, content: body.content }),
      ]);
      return { entitled, model: modelFor(entitled, body.model, existing), earlier };
    });
    const conversationId = convId ?? newId('conv');
    const start = convId === undefined ? { userId, title: body.content.trim().slice(0, 60), model } : undefined;
    const writes = userTurnWrites(db, { conversationId, content: body.content, start });
    return answer(c, db, {
      entitled,
      conversationId,
      model,
      history: [...earlier, { role: 'user', content: body.content }],
      maxTokens: body.maxTokens,
      reserveWith: async (reserve, generation) => (await db.batch([...writes, reserve, generation]))[2],
    });
  });

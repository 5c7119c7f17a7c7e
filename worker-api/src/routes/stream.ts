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
import { getPath, type PathEnd } from '../db/queries/messages';
import { getPreferences, type Preferences } from '../db/queries/preferences';
import type { ConversationRow, MessageRow } from '../db/schema';
import type { AppEnv } from '../env';
import { createRouter } from '../http/app';
import { ApiError } from '../http/errors';
import { bearer, errors, eventStreamResponse } from '../http/schemas';
import { startGeneration, type GenerationRequest } from '../generations/start';
import { getEntitled, resolveModel, type Entitled } from '../policy/plans';

/** Turns of history read to build the prompt; the token budget trims further. */
const HISTORY_LIMIT = 100;

const ModelId = z.string().min(1).max(100).regex(/^[A-Za-z0-9._:-]+$/, 'must be a model id');
const ConvId = z.string().min(1).max(64);
const MessageId = z.string().min(1).max(64);

const nothingToAnswer = {
  409: { description: 'Nothing to answer (`nothing_to_answer`)', content: errors(400)[400].content },
};

const getStream = createRoute({
  method: 'get',
  path: '/ai/stream',
  tags: ['ai'],
  summary: "Stream the answer to the conversation's last unanswered user message (EventSource)",
  security: bearer,
  middleware: [requireAuth, requireScopes('chat:write')] as const,
  request: {
    query: z.object({
      convId: ConvId,
      model: ModelId.optional(),
      regenerate: z
        .enum(['0', '1', 'true', 'false'])
        .optional()
        .openapi({ description: 'Answer again: the new answer is a version (a sibling) of the last answer on the path, or of `messageId`' }),
      messageId: MessageId.optional().openapi({ description: 'With `regenerate`: the answer to regenerate, anywhere on the path' }),
    }),
  },
  responses: { ...eventStreamResponse, ...errors(400, 401, 403, 404, 429), ...nothingToAnswer },
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
    editOf: MessageId.optional().openapi({ description: 'A user message of `convId`: the content becomes a new version of it (a sibling) and is answered' }),
  })
  .refine((b) => b.editOf === undefined || b.convId !== undefined, { message: 'editOf needs convId', path: ['convId'] })
  .openapi('StreamRequest');

const postStream = createRoute({
  method: 'post',
  path: '/ai/stream',
  tags: ['ai'],
  summary: 'Store a user message (in a new conversation when convId is absent) and stream the answer',
  security: bearer,
  middleware: [requireAuth, requireScopes('chat:write')] as const,
  request: { body: { required: true, content: { 'application/json': { schema: PostStreamBody } } } },
  responses: { ...eventStreamResponse, ...errors(400, 401, 403, 404, 429), ...nothingToAnswer },
});

function notFound(): ApiError {
  return new ApiError(404, 'not_found', 'No such conversation');
}

function noSuchMessage(): ApiError {
  return new ApiError(404, 'not_found', 'No such message in this conversation');
}

function noUnansweredTurn(): ApiError {
  return new ApiError(409, 'nothing_to_answer', 'The conversation has no unanswered message; send one first');
}

/**
 * The history to answer again and the turn it answers: the path up to `messageId` (an answer
 * on it), or the selected path, without its trailing answers. Conversations from before
 * answers had versions may end in several answers in a row; all of them are left out.
 */
function regenerationOf(path: MessageRow[], messageId: string | undefined): MessageRow[] {
  if (messageId !== undefined && (path.at(-1)?.id !== messageId || path.at(-1)?.role !== 'assistant')) throw noSuchMessage();
  let history = path;
  while (history.at(-1)?.role === 'assistant') history = history.slice(0, -1);
  return history;
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
  /** The user turn answered. */
  parentId: string;
  model: string;
  history: readonly Pick<MessageRow, 'role' | 'content'>[];
  /** The user's custom instructions and answer language: the system message. */
  preferences: Preferences;
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
    parentId: a.parentId,
    model: a.model,
    prompt: buildPrompt(a.history, a.preferences),
    requestedMaxTokens: a.maxTokens,
    reserveWith: a.reserveWith,
  });
}

// Every D1 round trip before the upstream call is added to the time to first token, so the
// reads run side by side (a read the checks then refuse is thrown away) and the writes go
// in one batch with the reservation.
export const streamRoutes = createRouter()
  .openapi(getStream, async (c) => {
    const { convId, model: asked, regenerate, messageId } = c.req.valid('query');
    const again = regenerate === '1' || regenerate === 'true';
    const db = getDb(c.env.DB);
    const userId = c.get('auth').sub;
    const end: PathEnd = again && messageId !== undefined ? { messageId } : { selected: true };
    const { entitled, conversation, model, path, preferences } = await withRefusalsAudited(c, asked, async () => {
      const [entitled, conversation, path, preferences] = await Promise.all([
        getEntitled(db, userId),
        ownedConversation(db, userId, convId),
        getPath(db, convId, end, HISTORY_LIMIT),
        getPreferences(db, userId),
      ]);
      return { entitled, conversation, path, preferences, model: modelFor(entitled, asked, conversation) };
    });
    const history = again ? regenerationOf(path, messageId) : path;
    const turn = history.at(-1);
    if (turn?.role !== 'user') throw noUnansweredTurn();
    return answer(c, db, {
      entitled,
      conversationId: conversation.id,
      parentId: turn.id,
      model,
      history,
      preferences,
      reserveWith: async (reserve, admitted) => (await db.batch([reserve, ...admitted]))[0],
    });
  })
  .openapi(postStream, async (c) => {
    const body = c.req.valid('json');
    const db = getDb(c.env.DB);
    const userId = c.get('auth').sub;
    const { convId, editOf } = body;
    // Refuse a suspended account or a model the plan lacks before storing anything.
    const { entitled, model, path, preferences } = await withRefusalsAudited(c, body.model, async () => {
      if (convId === undefined) {
        const [entitled, preferences] = await Promise.all([getEntitled(db, userId), getPreferences(db, userId)]);
        return { entitled, model: resolveModel(entitled.plan, body.model), path: [], preferences };
      }
      const end: PathEnd = editOf === undefined ? { selected: true } : { messageId: editOf };
      const [entitled, existing, path, preferences] = await Promise.all([
        getEntitled(db, userId),
        ownedConversation(db, userId, convId),
        // An edit leaves the edited turn out of the history, so it reads one more.
        getPath(db, convId, end, editOf === undefined ? HISTORY_LIMIT - 1 : HISTORY_LIMIT),
        getPreferences(db, userId),
      ]);
      return { entitled, model: modelFor(entitled, body.model, existing), path, preferences };
    });
    let earlier = path;
    if (editOf !== undefined) {
      const edited = path.at(-1);
      if (edited?.id !== editOf || edited.role !== 'user') throw noSuchMessage();
      earlier = path.slice(0, -1);
    }
    const conversationId = convId ?? newId('conv');
    const messageId = newId('msg');
    // An edit is a sibling of the edited turn; any other turn follows the path it was written on.
    const parentId = editOf !== undefined ? (path.at(-1)?.parentId ?? null) : (earlier.at(-1)?.id ?? null);
    const start = convId === undefined ? { userId, title: body.content.trim().slice(0, 60), model } : undefined;
    const writes = userTurnWrites(db, { conversationId, messageId, parentId, content: body.content, start });
    return answer(c, db, {
      entitled,
      conversationId,
      parentId: messageId,
      model,
      history: [...earlier, { role: 'user', content: body.content }],
      preferences,
      maxTokens: body.maxTokens,
      reserveWith: async (reserve, admitted) => (await db.batch([...writes, reserve, ...admitted]))[2],
    });
  });

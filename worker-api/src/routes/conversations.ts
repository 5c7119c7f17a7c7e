import { MAX_MESSAGE_CHARS } from '@chat/contract';
import { createRoute, z } from '@hono/zod-openapi';
import { requireScopes } from '../auth/guards';
import { requireAuth } from '../auth/verify';
import { getDb, isForeignKeyFailure } from '../db/client';
import {
  addUserMessage,
  createConversation,
  deleteAllConversations,
  deleteConversation,
  getConversationForUser,
  listConversations,
  selectBranch,
  updateConversation,
} from '../db/queries/conversations';
import { getRunningGeneration } from '../db/queries/generations';
import { exportFileName, transcriptJson, transcriptMarkdown } from '../chat/transcript';
import { getPath, getSelectedPathPage, type PathMessage } from '../db/queries/messages';
import { searchConversations } from '../db/queries/search';
import type { Db } from '../db/client';
import type { ConversationRow, MessageRow } from '../db/schema';
import { createRouter } from '../http/app';
import { ApiError } from '../http/errors';
import { decodeCursor, encodeCursor, type TimeCursor } from '../http/cursor';
import { readConfig } from '../config';
import { bearer, errors } from '../http/schemas';
import { refuseOverCaps } from '../policy/caps';
import { RESERVATION_TTL_MS } from '../policy/quota';
import { costedContent } from '../policy/tokens';

/** Messages one page of a conversation holds by default and at most. */
const MESSAGE_PAGE = 50;
const MAX_MESSAGE_PAGE = 200;
/** Content one page of messages carries at most (always at least one message): a 32,000-character message is about 100 KB. */
const MAX_MESSAGE_PAGE_BYTES = 512 * 1024;

/** Messages of the selected path an export holds at most, oldest cut first. */
const MAX_MESSAGES_EXPORTED = 10_000;

/** What `newId('conv')` makes, with slack; anything else cannot exist, so it is a 404 without a query. */
const CONVERSATION_ID = /^conv_[0-9a-z]{10,40}$/;
/** What `newId('msg')` makes, with slack: the only ids a message cursor can name. */
const MESSAGE_ID = /^msg_[0-9a-z]{10,40}$/;
const Title = z.string().trim().min(1).max(200);
const ModelId = z.string().min(1).max(100).regex(/^[A-Za-z0-9._:-]+$/, 'must be a model id');

const Conversation = z
  .object({
    id: z.string(),
    title: z.string(),
    model: z.string().nullable(),
    createdAt: z.string().openapi({ format: 'date-time' }),
    updatedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Conversation');

const SearchMatch = z
  .object({
    messageId: z.string().nullable().openapi({ description: 'The message that matched; null when the title did' }),
    snippet: z
      .array(z.object({ text: z.string(), match: z.boolean() }))
      .openapi({ description: 'The text around the match, in runs; `match` marks the runs the query found' }),
  })
  .openapi('SearchMatch');

const ListedConversation = Conversation.extend({
  match: SearchMatch.optional().openapi({ description: 'With `q`: where the conversation matched' }),
}).openapi('ListedConversation');

const ConversationPage = z
  .object({
    items: z.array(ListedConversation),
    nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last page' }),
  })
  .openapi('ConversationPage');

const Message = z
  .object({
    id: z.string(),
    role: z.enum(['user', 'assistant', 'system']),
    content: z.string(),
    model: z.string().nullable(),
    finishReason: z.string().nullable(),
    promptTokens: z.number().int().nullable(),
    completionTokens: z.number().int().nullable(),
    createdAt: z.string().openapi({ format: 'date-time' }),
    parentId: z.string().nullable().openapi({ description: 'The message this one follows; null for a first message' }),
  })
  .openapi('Message');

const Versions = z
  .object({
    position: z.number().int().min(1).openapi({ description: "This message's place among its versions, oldest first (1-based)" }),
    count: z.number().int().min(2),
    previousId: z.string().nullable().openapi({ description: 'The version before this one: POST /conversations/{id}/select it to switch' }),
    nextId: z.string().nullable(),
  })
  .openapi('MessageVersions');

const PathMessageSchema = Message.extend({
  versions: z.union([Versions, z.null()]).openapi({ description: 'Set when the message has other versions (an edited question, a regenerated answer)' }),
}).openapi('PathMessage');

const ActiveGeneration = z
  .object({
    id: z.string().openapi({ description: 'Follow it with GET /ai/generations/{id}/stream' }),
    messageId: z.string().openapi({ description: 'The assistant message it is writing' }),
  })
  .openapi('ActiveGeneration');

const ConversationDetail = Conversation.extend({
  messages: z.array(PathMessageSchema).openapi({
    description: `One page of the selected path, oldest first: its newest messages (before \`before\` when given), up to \`limit\` and ${MAX_MESSAGE_PAGE_BYTES / 1024} KiB of content`,
  }),
  hasMoreMessages: z.boolean().openapi({ description: 'True when older messages were left out' }),
  olderCursor: z.string().nullable().openapi({ description: 'Pass as `before` for the page of older messages; null when this page reaches the first' }),
  activeGeneration: z.union([ActiveGeneration, z.null()]).openapi({ description: 'The answer still being generated in this conversation, or null' }),
}).openapi('ConversationDetail');

const SelectBody = z
  .object({ messageId: z.string().min(1).max(64).openapi({ description: 'A message of the conversation: its branch, to its newest descendants, becomes the path' }) })
  .openapi('SelectRequest');

const ListQuery = z.object({
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: 'Search: only conversations whose title or messages contain every word of it (inside words too), with where they matched' }),
  cursor: z.string().optional().openapi({ description: 'The `nextCursor` of the previous page' }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

const MessagePageQuery = z.object({
  before: z.string().optional().openapi({ description: 'The `olderCursor` of the page read before' }),
  limit: z.coerce.number().int().min(1).max(MAX_MESSAGE_PAGE).default(MESSAGE_PAGE),
});

const IdParams = z.object({
  id: z.string().openapi({
    param: { name: 'id', in: 'path' },
    description: "A conversation id; an unknown or malformed one, or another user's, is a 404",
    example: 'conv_0mf3k2x1a7q9z0c4r8b2xy',
  }),
});

const CreateConversationBody = z.object({ title: Title.optional(), model: ModelId.optional() }).openapi('CreateConversationRequest');

const UpdateConversationBody = z
  .object({ title: Title.optional(), model: ModelId.optional() })
  .refine((b) => b.title !== undefined || b.model !== undefined, 'must set title or model')
  .openapi('UpdateConversationRequest');

const CreateMessageBody = z
  .object({
    content: z
      .string()
      .max(MAX_MESSAGE_CHARS)
      .refine((s) => s.trim().length > 0, 'must not be empty')
      .openapi({ description: 'Stored as sent; whitespace-only is refused' }),
  })
  .openapi('CreateMessageRequest');

const listRoute = createRoute({
  method: 'get',
  path: '/conversations',
  tags: ['conversations'],
  summary: "The caller's conversations, most recently active first, or those matching a search",
  security: bearer,
  middleware: [requireAuth, requireScopes('conversations:read')] as const,
  request: { query: ListQuery },
  responses: {
    200: { description: 'One page', content: { 'application/json': { schema: ConversationPage } } },
    ...errors(400, 401, 403),
  },
});

const createConversationRoute = createRoute({
  method: 'post',
  path: '/conversations',
  tags: ['conversations'],
  summary: 'Start a conversation (titled "New chat" unless named)',
  security: bearer,
  middleware: [requireAuth, requireScopes('conversations:write')] as const,
  request: { body: { required: false, content: { 'application/json': { schema: CreateConversationBody } } } },
  responses: {
    201: { description: 'The new conversation', content: { 'application/json': { schema: Conversation } } },
    ...errors(400, 401, 403, 404, 409, 429),
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/conversations/{id}',
  tags: ['conversations'],
  summary: 'A conversation with one page of its messages, the newest unless `before` is given',
  security: bearer,
  middleware: [requireAuth, requireScopes('conversations:read')] as const,
  request: { params: IdParams, query: MessagePageQuery },
  responses: {
    200: { description: 'The conversation and a page of its messages, oldest first', content: { 'application/json': { schema: ConversationDetail } } },
    ...errors(400, 401, 403, 404),
  },
});

const updateRoute = createRoute({
  method: 'patch',
  path: '/conversations/{id}',
  tags: ['conversations'],
  summary: 'Rename a conversation or change its model',
  security: bearer,
  middleware: [requireAuth, requireScopes('conversations:write')] as const,
  request: { params: IdParams, body: { required: true, content: { 'application/json': { schema: UpdateConversationBody } } } },
  responses: {
    200: { description: 'The updated conversation', content: { 'application/json': { schema: Conversation } } },
    ...errors(400, 401, 403, 404),
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/conversations/{id}',
  tags: ['conversations'],
  summary: 'Delete a conversation and its messages',
  security: bearer,
  middleware: [requireAuth, requireScopes('conversations:write')] as const,
  request: { params: IdParams },
  responses: {
    204: { description: 'Deleted' },
    ...errors(401, 403, 404),
  },
});

const addMessageRoute = createRoute({
  method: 'post',
  path: '/conversations/{id}/messages',
  tags: ['conversations'],
  summary: 'Store a user message (answer it with /ai/stream)',
  security: bearer,
  middleware: [requireAuth, requireScopes('conversations:write')] as const,
  request: { params: IdParams, body: { required: true, content: { 'application/json': { schema: CreateMessageBody } } } },
  responses: {
    201: { description: 'The stored message', content: { 'application/json': { schema: Message } } },
    ...errors(400, 401, 403, 404, 409, 429),
  },
});

const selectRoute = createRoute({
  method: 'post',
  path: '/conversations/{id}/select',
  tags: ['conversations'],
  summary: "Switch the conversation's path to a message's branch (another version)",
  security: bearer,
  middleware: [requireAuth, requireScopes('conversations:write')] as const,
  request: { params: IdParams, body: { required: true, content: { 'application/json': { schema: SelectBody } } } },
  responses: {
    200: { description: 'The conversation as it now reads', content: { 'application/json': { schema: ConversationDetail } } },
    ...errors(400, 401, 403, 404),
  },
});

const ExportQuery = z.object({
  format: z.enum(['md', 'json']).default('md').openapi({ description: 'Markdown (default) or JSON' }),
});

const exportRoute = createRoute({
  method: 'get',
  path: '/conversations/{id}/export',
  tags: ['conversations'],
  summary: 'Download the selected path of a conversation as Markdown or JSON',
  security: bearer,
  middleware: [requireAuth, requireScopes('conversations:read')] as const,
  request: { params: IdParams, query: ExportQuery },
  responses: {
    200: {
      description: 'The transcript, as an attachment named after the title',
      content: {
        'text/markdown': { schema: z.string() },
        'application/json': {
          schema: Conversation.extend({
            messages: z.array(Message.pick({ id: true, role: true, content: true, model: true, createdAt: true })),
          }).openapi('ConversationExport'),
        },
      },
    },
    ...errors(400, 401, 403, 404),
  },
});

const DeleteAllQuery = z.object({
  all: z.literal('true').openapi({ description: 'Must be `true`: every conversation of the account goes, which cannot be undone' }),
});

const deleteAllRoute = createRoute({
  method: 'delete',
  path: '/conversations',
  tags: ['conversations'],
  summary: "Delete every conversation of the caller's account, with their messages",
  security: bearer,
  middleware: [requireAuth, requireScopes('conversations:write')] as const,
  request: { query: DeleteAllQuery },
  responses: {
    200: { description: 'How many were deleted', content: { 'application/json': { schema: z.object({ deleted: z.number().int() }).openapi('DeletedCount') } } },
    ...errors(400, 401, 403),
  },
});

function conversationNotFound(): ApiError {
  return new ApiError(404, 'not_found', 'No such conversation');
}

/** Checks the path id's shape, so a malformed id is the same 404 as a missing one. */
function conversationId(id: string): string {
  if (!CONVERSATION_ID.test(id)) throw conversationNotFound();
  return id;
}

function toConversation(row: ConversationRow): z.infer<typeof Conversation> {
  return {
    id: row.id,
    title: row.title,
    model: row.model,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

function toMessage(row: MessageRow): z.infer<typeof Message> {
  return {
    id: row.id,
    role: row.role,
    content: row.content,
    model: row.model,
    finishReason: row.finishReason,
    promptTokens: row.promptTokens,
    completionTokens: row.completionTokens,
    createdAt: new Date(row.createdAt).toISOString(),
    parentId: row.parentId,
  };
}

function toPathMessage(row: PathMessage): z.infer<typeof PathMessageSchema> {
  const position = row.siblingIds.indexOf(row.id);
  const versions =
    row.siblingIds.length < 2
      ? null
      : { position: position + 1, count: row.siblingIds.length, previousId: row.siblingIds[position - 1] ?? null, nextId: row.siblingIds[position + 1] ?? null };
  return { ...toMessage(row), versions };
}

/** The user's conversation as it reads: one page of its selected path and the answer still running; a stranger's is a 404. */
async function conversationDetail(db: Db, userId: string, id: string, page: { limit: number; before?: TimeCursor | undefined }): Promise<z.infer<typeof ConversationDetail>> {
  // Read together to save a round trip; the messages are dropped unless the owner check passes.
  const [conversation, path, running] = await Promise.all([
    getConversationForUser(db, userId, id),
    getSelectedPathPage(db, id, { ...page, maxBytes: MAX_MESSAGE_PAGE_BYTES }),
    getRunningGeneration(db, id, Date.now() - RESERVATION_TTL_MS),
  ]);
  if (!conversation) throw conversationNotFound();
  const activeGeneration = running ? { id: running.id, messageId: running.messageId } : null;
  return {
    ...toConversation(conversation),
    messages: path.items.map(toPathMessage),
    hasMoreMessages: path.next !== undefined,
    olderCursor: encodeCursor(path.next),
    activeGeneration,
  };
}

/** A list cursor is the last item's `updatedAt` (ms) and id; only a conversation id is a position here. */
function conversationCursor(cursor: TimeCursor | undefined): TimeCursor {
  if (!cursor || !CONVERSATION_ID.test(cursor.id)) throw new ApiError(400, 'invalid_request', 'query.cursor: not a cursor this API issued');
  return cursor;
}

/** A message cursor is the oldest message of the page before: its `createdAt` (ms) and id. */
function messageCursor(text: string | undefined): TimeCursor | undefined {
  const cursor = decodeCursor(text, 'query.before');
  if (cursor === undefined) return undefined;
  if (!MESSAGE_ID.test(cursor.id)) throw new ApiError(400, 'invalid_request', 'query.before: not a cursor this API issued');
  return cursor;
}

export const conversationRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const { q, limit, cursor } = c.req.valid('query');
    const db = getDb(c.env.DB);
    const userId = c.get('auth').sub;
    const opts = { limit, ...(cursor !== undefined && { cursor: conversationCursor(decodeCursor(cursor)) }) };
    if (q !== undefined) {
      const found = await searchConversations(db, userId, q, opts);
      const items = found.items.map((hit) => ({ ...toConversation(hit), match: { messageId: hit.messageId, snippet: hit.snippet } }));
      return c.json({ items, nextCursor: encodeCursor(found.next) }, 200);
    }
    const page = await listConversations(db, userId, opts);
    return c.json({ items: page.items.map(toConversation), nextCursor: encodeCursor(page.next) }, 200);
  })
  .openapi(createConversationRoute, async (c) => {
    const body = c.req.valid('json');
    const db = getDb(c.env.DB);
    const userId = c.get('auth').sub;
    await refuseOverCaps(db, readConfig(c.env).caps, userId, { newConversation: true });
    try {
      const row = await createConversation(db, userId, body);
      return c.json(toConversation(row), 201);
    } catch (err) {
      if (isForeignKeyFailure(err)) throw new ApiError(404, 'not_found', 'No user for this token: sign in again');
      throw err;
    }
  })
  .openapi(getRoute, async (c) => {
    const id = conversationId(c.req.valid('param').id);
    const { limit, before } = c.req.valid('query');
    return c.json(await conversationDetail(getDb(c.env.DB), c.get('auth').sub, id, { limit, before: messageCursor(before) }), 200);
  })
  .openapi(updateRoute, async (c) => {
    const id = conversationId(c.req.valid('param').id);
    const row = await updateConversation(getDb(c.env.DB), c.get('auth').sub, id, c.req.valid('json'));
    if (!row) throw conversationNotFound();
    return c.json(toConversation(row), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const id = conversationId(c.req.valid('param').id);
    if (!(await deleteConversation(getDb(c.env.DB), c.get('auth').sub, id))) throw conversationNotFound();
    return c.body(null, 204);
  })
  .openapi(addMessageRoute, async (c) => {
    const id = conversationId(c.req.valid('param').id);
    const db = getDb(c.env.DB);
    const userId = c.get('auth').sub;
    const { content } = c.req.valid('json');
    const conversation = await getConversationForUser(db, userId, id);
    if (!conversation) throw conversationNotFound();
    await refuseOverCaps(db, readConfig(c.env).caps, userId, { conversationId: conversation.id, content });
    const message = await addUserMessage(db, conversation, costedContent(content));
    return c.json(toMessage(message), 201);
  })
  .openapi(exportRoute, async (c) => {
    const id = conversationId(c.req.valid('param').id);
    const { format } = c.req.valid('query');
    const db = getDb(c.env.DB);
    const [conversation, path] = await Promise.all([getConversationForUser(db, c.get('auth').sub, id), getPath(db, id, { selected: true }, MAX_MESSAGES_EXPORTED)]);
    if (!conversation) throw conversationNotFound();
    const name = exportFileName(conversation.title, format);
    // RFC 6266: an ASCII fallback, and the real (often Korean) name percent-encoded.
    c.header('Content-Disposition', `attachment; filename="conversation.${format}"; filename*=UTF-8''${encodeURIComponent(name)}`);
    if (format === 'json') return c.json(transcriptJson(toConversation(conversation), path), 200);
    return c.body(transcriptMarkdown(conversation, path), 200, { 'Content-Type': 'text/markdown; charset=utf-8' });
  })
  .openapi(deleteAllRoute, async (c) => {
    c.req.valid('query');
    return c.json({ deleted: await deleteAllConversations(getDb(c.env.DB), c.get('auth').sub) }, 200);
  })
  .openapi(selectRoute, async (c) => {
    const id = conversationId(c.req.valid('param').id);
    const db = getDb(c.env.DB);
    const userId = c.get('auth').sub;
    if (!(await selectBranch(db, userId, id, c.req.valid('json').messageId))) {
      throw new ApiError(404, 'not_found', 'No such message in this conversation');
    }
    return c.json(await conversationDetail(db, userId, id, { limit: MESSAGE_PAGE }), 200);
  });

import { MAX_MESSAGE_CHARS } from '@chat/contract';
import { createRoute, z } from '@hono/zod-openapi';
import { requireScopes } from '../auth/guards';
import { requireAuthToStart } from '../auth/verify';
import type { AnswerRequest } from '../chat/admission';
import { createRouter } from '../http/app';
import { bearer, errors, eventStreamResponse } from '../http/schemas';
import { startAnswer } from '../generations/start';

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
  middleware: [requireAuthToStart, requireScopes('chat:write')] as const,
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
  middleware: [requireAuthToStart, requireScopes('chat:write')] as const,
  request: { body: { required: true, content: { 'application/json': { schema: PostStreamBody } } } },
  responses: { ...eventStreamResponse, ...errors(400, 401, 403, 404, 429), ...nothingToAnswer, 409: { description: `${nothingToAnswer[409].description}, or ${errors(409)[409].description}`, content: nothingToAnswer[409].content } },
});

export const streamRoutes = createRouter()
  .openapi(getStream, async (c) => {
    const { convId, model, regenerate, messageId } = c.req.valid('query');
    return startAnswer(c, {
      userId: c.get('auth').sub,
      conversationId: convId,
      answerTo: { kind: 'stored-turn', regenerate: regenerate === '1' || regenerate === 'true', messageId },
      askedModel: model,
    });
  })
  .openapi(postStream, async (c) => {
    const body = c.req.valid('json');
    return startAnswer(c, {
      userId: c.get('auth').sub,
      conversationId: body.convId,
      answerTo: { kind: 'new-turn', content: body.content, editOf: body.editOf },
      askedModel: body.model,
      requestedMaxTokens: body.maxTokens,
    });
  });

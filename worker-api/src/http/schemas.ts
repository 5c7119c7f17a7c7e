import { z } from '@hono/zod-openapi';
import { DEFAULT_RANGE_DAYS, MAX_RANGE_DAYS } from '../days';

/** The contract's error body, shared by every route's error responses in the OpenAPI document. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_request' }),
      message: z.string().openapi({ example: 'body.name: Required' }),
      traceId: z.string().openapi({ example: '4bf92f3577b34da6a3ce929d0e0e4736' }),
    }),
  })
  .openapi('Error');

const errorContent = { 'application/json': { schema: ErrorBody } };

/** Error responses a route can give, for its `responses` map. */
export const errorResponses = {
  400: { description: 'Invalid request (`invalid_request`, naming the field)', content: errorContent },
  401: { description: 'Missing or invalid token (`invalid_token`)', content: errorContent },
  403: { description: 'Token lacks the scope or role (`insufficient_scope`), or the account is suspended (`account_suspended`)', content: errorContent },
  404: { description: 'Not found, or not yours (`not_found`)', content: errorContent },
  409: {
    description:
      'A per-user cap reached: `conversation_limit_reached`, `message_limit_reached`, `storage_limit_reached` or `open_orders_limit_reached`',
    content: errorContent,
  },
  429: { description: 'Quota, concurrency or burst limit reached (`quota_exceeded`, `too_many_streams`, `rate_limited`), with Retry-After', content: errorContent },
} as const;

/** Picks error responses by status. */
export function errors<S extends keyof typeof errorResponses>(...statuses: S[]): Pick<typeof errorResponses, S> {
  const picked = {} as Pick<typeof errorResponses, S>;
  for (const s of statuses) picked[s] = errorResponses[s];
  return picked;
}

/** A calendar date, `2026-11-24`, that exists. */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-11-24')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'is not a real date');

/** The UTC days [from, to] of a usage report, for `dayRange`. */
export const DayRangeQuery = z.object({
  from: IsoDate.optional().openapi({ description: `Default: ${DEFAULT_RANGE_DAYS - 1} days before \`to\`` }),
  to: IsoDate.optional().openapi({ description: `Default: today (UTC); at most ${MAX_RANGE_DAYS} days in all` }),
});

/** A JSON `content` map, for a response or a request body. */
export const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

/** A required JSON request body. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({ required: true, content: json(schema) });

/** The bearer security requirement, for routes that need a token. */
export const bearer = [{ bearerAuth: [] }];

/** The 200 of every route that answers with a generation's event stream (contract section 6). */
export const eventStreamResponse = {
  200: {
    description:
      'Server-sent events, each with `id: <seq>`: `meta` `{generationId, conversationId, messageId, model, traceId}` (`model`: the model admitted), then `delta` `{content}`… as tokens arrive, `usage` `{promptTokens, completionTokens, totalTokens}`, `done` `{finishReason, model, fallback}` (`model`: the model that answered, which after a fallback before the first token is not `meta.model`; then `fallback` is true); `: ping` comments while quiet, from the first moment, also while the provider is retried; `error` `{code, message}` (`upstream_error`, `upstream_rate_limited`, `upstream_timeout`) if every provider failed before the first token or the one answering failed after it (never retried: no text twice), then the end',
    content: { 'text/event-stream': { schema: z.string() } },
  },
};

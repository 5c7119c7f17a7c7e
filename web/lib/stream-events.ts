import { z } from 'zod/mini';

/**
 * The answer stream's events (contract section 6), validated as they arrive. The stream is
 * not described by the OpenAPI document, so these are typed here rather than generated.
 */
export const StreamMeta = z.object({ generationId: z.string(), conversationId: z.string(), messageId: z.string(), model: z.string(), traceId: z.string() });
export const StreamDelta = z.object({ content: z.string() });
export const StreamUsage = z.object({ promptTokens: z.number(), completionTokens: z.number(), totalTokens: z.number() });
export const StreamDone = z.object({ finishReason: z.optional(z.nullable(z.string())) });
export const StreamError = z.object({ code: z.string(), message: z.string() });

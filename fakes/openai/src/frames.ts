import { randomBytes } from 'node:crypto';

/** OpenAI's error body. */
export function errorBody(message: string, type: string, code: string | null, param: string | null = null) {
  return { error: { message, type, param, code } };
}

/** The fixed parts every chunk of one completion shares. */
export type ChunkBase = { id: string; created: number; model: string; includeUsage: boolean };

export function newChunkBase(model: string, includeUsage: boolean): ChunkBase {
  return { id: `chatcmpl-${randomBytes(12).toString('base64url')}`, created: Math.floor(Date.now() / 1000), model, includeUsage };
}

/** One `data:` frame holding a `chat.completion.chunk`. */
export function chunkFrame(base: ChunkBase, delta: Record<string, unknown>, finishReason: string | null): string {
  const chunk: Record<string, unknown> = {
    id: base.id,
    object: 'chat.completion.chunk',
    created: base.created,
    model: base.model,
    system_fingerprint: 'fp_fake',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
  // With include_usage, OpenAI marks every chunk before the last as having no usage yet.
  if (base.includeUsage) chunk.usage = null;
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** The closing usage chunk sent when `stream_options.include_usage` is true. */
export function usageFrame(base: ChunkBase, promptTokens: number, completionTokens: number): string {
  return `data: ${JSON.stringify({
    id: base.id,
    object: 'chat.completion.chunk',
    created: base.created,
    model: base.model,
    system_fingerprint: 'fp_fake',
    choices: [],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  })}\n\n`;
}

export const DONE_FRAME = 'data: [DONE]\n\n';

import OpenAI from 'openai';
import { ApiError } from '../http/errors';

let cached: { key: string; baseURL: string; client: OpenAI } | undefined;

/**
 * The OpenAI client for this isolate. No SDK retries: a retry would hold the user's
 * stream slot in silence, and the client can retry with what we tell it.
 */
export function openaiClient(env: { OPENAI_API_KEY?: string; OPENAI_BASE_URL: string }): OpenAI {
  const key = env.OPENAI_API_KEY;
  if (!key) throw new ApiError(503, 'upstream_error', 'The AI provider is not configured (OPENAI_API_KEY)');
  if (cached?.key !== key || cached.baseURL !== env.OPENAI_BASE_URL) {
    cached = { key, baseURL: env.OPENAI_BASE_URL, client: new OpenAI({ apiKey: key, baseURL: env.OPENAI_BASE_URL, maxRetries: 0 }) };
  }
  return cached.client;
}

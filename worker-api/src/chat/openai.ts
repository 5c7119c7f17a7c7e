import OpenAI from 'openai';
import type { Config } from '../config';
import { ApiError } from '../http/errors';

let cached: { key: string; baseURL: string; client: OpenAI } | undefined;

/**
 * The OpenAI client for this isolate. No SDK retries: a retry would hold the user's
 * stream slot in silence, and the client can retry with what we tell it.
 */
export function openaiClient(config: Pick<Config, 'openaiApiKey' | 'openaiBaseUrl'>): OpenAI {
  const key = config.openaiApiKey;
  if (!key) throw new ApiError(503, 'upstream_error', 'The AI provider is not configured (OPENAI_API_KEY)');
  const baseURL = config.openaiBaseUrl;
  if (cached?.key !== key || cached.baseURL !== baseURL) {
    cached = { key, baseURL, client: new OpenAI({ apiKey: key, baseURL, maxRetries: 0 }) };
  }
  return cached.client;
}

import { APIConnectionTimeoutError, APIError } from 'openai';
import { ApiError } from '../http/errors';

/** What the client is told about an upstream failure (`event: error`): never the user's own auth error. */
export type UpstreamFailure = { code: 'upstream_error' | 'upstream_rate_limited' | 'upstream_timeout'; message: string };

/** Classifies an error from the OpenAI SDK, or ours when the provider is not configured. */
export function classifyUpstreamError(err: unknown): UpstreamFailure {
  if (err instanceof APIConnectionTimeoutError) {
    return { code: 'upstream_timeout', message: 'The AI provider did not answer in time' };
  }
  if (err instanceof APIError && err.status === 429) {
    const retryAfter = err.headers?.get('retry-after');
    return { code: 'upstream_rate_limited', message: `The AI provider is rate limiting us; try again ${retryAfter ? `in ${retryAfter} s` : 'shortly'}` };
  }
  if (err instanceof APIError && err.status !== undefined) {
    return { code: 'upstream_error', message: `The AI provider failed (${err.status})` };
  }
  if (err instanceof ApiError) return { code: 'upstream_error', message: err.message };
  return { code: 'upstream_error', message: 'The AI provider failed mid-answer' };
}

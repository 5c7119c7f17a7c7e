import { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { ApiError } from '../http/errors';

/** What the client is told about an upstream failure: never the user's own auth error. */
export type UpstreamFailure = { status: 502 | 503 | 504; code: 'upstream_error' | 'upstream_rate_limited' | 'upstream_timeout'; message: string; retryAfter?: string };

/** Classifies an error from the OpenAI SDK. */
export function classifyUpstreamError(err: unknown): UpstreamFailure {
  if (err instanceof APIConnectionTimeoutError) {
    return { status: 504, code: 'upstream_timeout', message: 'The AI provider did not answer in time' };
  }
  if (err instanceof APIError && err.status === 429) {
    return {
      status: 503,
      code: 'upstream_rate_limited',
      message: 'The AI provider is rate limiting us; try again shortly',
      retryAfter: err.headers?.get('retry-after') ?? '10',
    };
  }
  if (err instanceof APIError && err.status !== undefined) {
    return { status: 502, code: 'upstream_error', message: `The AI provider failed (${err.status})` };
  }
  return { status: 502, code: 'upstream_error', message: 'The AI provider failed mid-answer' };
}

/** The JSON error for a failure before the stream started. */
export function upstreamApiError(failure: UpstreamFailure): ApiError {
  return new ApiError(failure.status, failure.code, failure.message, failure.retryAfter ? { 'Retry-After': failure.retryAfter } : {});
}

/** True when the error is our own abort (the client went away). */
export function isAbort(err: unknown): boolean {
  return err instanceof APIUserAbortError || (err instanceof Error && err.name === 'AbortError');
}

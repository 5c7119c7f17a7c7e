import { UpstreamFailed } from '../providers/upstream';

/** What the client is told about an upstream failure (`event: error`): never the user's own auth error, never a key. */
export type UpstreamFailure = { code: 'upstream_error' | 'upstream_rate_limited' | 'upstream_timeout'; message: string };

/**
 * Classifies why an answer failed: every candidate failing before its first token
 * (`UpstreamFailed`, the last failure decides), or anything thrown mid-answer.
 */
export function classifyUpstreamError(err: unknown): UpstreamFailure {
  if (!(err instanceof UpstreamFailed)) return { code: 'upstream_error', message: 'The AI provider failed mid-answer' };
  const f = err.failure;
  if (f === null) return { code: 'upstream_error', message: 'No AI provider can serve this model right now' };
  switch (f.kind) {
    case 'timeout':
      return { code: 'upstream_timeout', message: 'The AI provider did not answer in time' };
    case 'connect':
      return { code: 'upstream_error', message: 'The AI provider could not be reached' };
    case 'stream':
      return { code: 'upstream_error', message: 'The AI provider failed before answering' };
    case 'missing_secret':
      return { code: 'upstream_error', message: `The AI provider is not configured (${f.secret} is not set)` };
    case 'status':
      if (f.status === 429) {
        const retryAfter = f.retryAfterMs === null ? null : Math.ceil(f.retryAfterMs / 1000);
        return { code: 'upstream_rate_limited', message: `The AI provider is rate limiting us; try again ${retryAfter !== null ? `in ${retryAfter} s` : 'shortly'}` };
      }
      return { code: 'upstream_error', message: `The AI provider failed (${f.status})` };
  }
}

import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Machine-readable error codes of the contract's error body. */
export type ErrorCode =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'account_suspended'
  | 'conflict'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'internal_error'
  | (string & {});

/**
 * An error that leaves the API as `{"error":{code,message,traceId}}` with its status.
 * Thrown anywhere below a route; `app.onError` renders it.
 *
 * @example throw new ApiError(404, 'not_found', 'No conversation with that id')
 */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Renders the contract's error body; every error response goes through here. */
export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): Response {
  const traceId = (c.get('traceId') as string | undefined) ?? '';
  return c.json({ error: { code, message, traceId } }, status, headers);
}

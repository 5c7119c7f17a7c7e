import { readErrorBody, TRACE_HEADER } from '@chat/contract';

/**
 * An error in the contract's shape (`{error:{code,message,traceId}}`) with its HTTP status:
 * what the Worker answered, as the server side and the browser side both see it.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly traceId: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * The `ApiError` of a failed answer whose body was read as `body` (parsed JSON, text, or
 * null): the contract's code, message and trace id when the body is the contract's error,
 * else `fallback` with the trace id of the response header.
 */
export function apiErrorFrom(res: Response, body: unknown, fallback: { code: string; message: string }): ApiError {
  const traceId = res.headers.get(TRACE_HEADER) ?? '';
  const error = readErrorBody(body);
  if (error) return new ApiError(res.status, error.code, error.message, error.traceId || traceId);
  return new ApiError(res.status, fallback.code, fallback.message, traceId);
}

/** An openapi-fetch call in flight: `data` on success, else `error`, the body as JSON or as text. */
export type PendingAnswer<T> = Promise<{ data?: T; error?: unknown; response: Response }>;

/**
 * The body of a successful answer; a failed one throws its `ApiError`, `fallback` naming
 * the failures whose body is not the contract's error.
 */
export async function bodyOf<T>(pending: PendingAnswer<T>, fallback: (status: number) => { code: string; message: string }): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok) throw apiErrorFrom(response, error, fallback(response.status));
  return data as T;
}

/** What the UI shows for any failure: the contract's code, message and trace id when there are any. */
export type DisplayError = { code: string; message: string; traceId: string };

export function toDisplayError(err: unknown): DisplayError {
  if (err instanceof ApiError) return { code: err.code, message: err.message, traceId: err.traceId };
  return { code: 'unknown', message: err instanceof Error ? err.message : String(err), traceId: '' };
}

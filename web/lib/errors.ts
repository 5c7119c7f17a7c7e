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

/** What the UI shows for any failure: the contract's code, message and trace id when there are any. */
export type DisplayError = { code: string; message: string; traceId: string };

export function toDisplayError(err: unknown): DisplayError {
  if (err instanceof ApiError) return { code: err.code, message: err.message, traceId: err.traceId };
  return { code: 'unknown', message: err instanceof Error ? err.message : String(err), traceId: '' };
}

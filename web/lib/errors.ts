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

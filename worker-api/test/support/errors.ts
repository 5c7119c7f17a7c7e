import { expect } from 'vitest';

/** The contract's error body (section 7). */
export type ErrorBody = { error: { code: string; message: string; traceId: string } };

/** Asserts the status and error code (and the message, when given) and gives the body back. */
export async function expectError(res: Response, status: number, code: string, message?: RegExp): Promise<ErrorBody> {
  expect(res.status, `${res.url}: ${status} expected`).toBe(status);
  const body = await res.json<ErrorBody>();
  expect(body.error.code).toBe(code);
  if (message) expect(body.error.message).toMatch(message);
  return body;
}

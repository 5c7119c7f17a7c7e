import { TRACE_HEADER, TRACE_ID_PATTERN } from '@chat/contract';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';

/** A fresh trace id: 32 hex characters, the same width as a W3C trace id. */
export function newTraceId(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

/** Takes the caller's X-Trace-Id when well-formed, else makes one, and echoes it on every response. */
export const traceId = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header(TRACE_HEADER);
  const id = incoming && TRACE_ID_PATTERN.test(incoming) ? incoming : newTraceId();
  c.set('traceId', id);
  await next();
  c.res.headers.set(TRACE_HEADER, id);
});

import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';

export const TRACE_HEADER = 'X-Trace-Id';

// Long enough to be unique, short and plain enough that a caller cannot smuggle
// log-breaking or header-breaking characters through it.
export const TRACE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/;

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

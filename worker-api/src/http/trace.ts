import { TRACE_HEADER, TRACE_ID_PATTERN } from '@chat/contract';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';

/** A fresh trace id: 32 hex characters, the same width as a W3C trace id. */
export function newTraceId(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

/**
 * Takes the caller's X-Trace-Id when well-formed, else makes one, and echoes it on every
 * response (CONTRACT section 5). Every caller is treated alike, the web app included: it
 * forwards whatever id the browser sent, so "came through the BFF" says nothing about who
 * chose the id. A caller's id is therefore only a label, kept as `clientTraceId`; the audit
 * trail files a request under it only while no other request holds it (`usageInsert`), so
 * a copied id cannot put one user's request under another's trace.
 */
export const traceId = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header(TRACE_HEADER);
  const client = incoming && TRACE_ID_PATTERN.test(incoming) ? incoming : null;
  const id = client ?? newTraceId();
  c.set('traceId', id);
  c.set('clientTraceId', client);
  await next();
  c.res.headers.set(TRACE_HEADER, id);
});

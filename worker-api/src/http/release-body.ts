import { createMiddleware } from 'hono/factory';

/**
 * Makes sure no request body outlives its answer. A refusal decided before the body is read
 * (413 after the first 256 KiB of a chunked upload, 401, 403, 404, 405, 429) would leave the
 * rest of the upload unread, and under `wrangler dev` that stalled the next request on the
 * connection for about ten seconds. The body reaches the routes through a pipe; once the
 * answer is decided, a pipe still running is aborted, which cancels the upload.
 */
export const releaseBody = createMiddleware(async (c, next) => {
  const body = c.req.raw.body;
  if (!body) return next();
  const done = new AbortController();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  // A cancelled or aborted pipe is the point, not a failure.
  body.pipeTo(writable, { signal: done.signal }).catch(() => undefined);
  c.req.raw = new Request(c.req.raw, { body: readable });
  try {
    await next();
  } finally {
    done.abort();
  }
});

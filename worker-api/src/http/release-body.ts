import { createMiddleware } from 'hono/factory';

/**
 * Makes sure no request body outlives its answer. A refusal decided before the body is read
 * (413 after the first 256 KiB of a chunked upload, 401, 403, 404, 405, 429) would leave the
 * rest of the upload unread, and under `wrangler dev` that stalled the next request on the
 * connection for about ten seconds.
 *
 * A body of declared length is cancelled after the answer if nothing read it (the body
 * limit refuses an oversized one from its header, unread). A chunked body can be refused
 * halfway through a read that holds it (the limit counts it as it is read), where it cannot
 * be cancelled from outside: it reaches the routes through a pipe, and a pipe still running
 * once the answer is decided is aborted, which cancels the upload. Only chunked bodies pay
 * for the pipe; a JSON request from a browser or the web app declares its length.
 */
export const releaseBody = createMiddleware(async (c, next) => {
  const request = c.req.raw;
  const body = request.body;
  if (!body) return next();
  if (request.headers.has('Content-Length')) {
    try {
      await next();
    } finally {
      // A body that was read, or is being read, is locked: it needs no help.
      if (!body.locked) await body.cancel().catch(() => undefined);
    }
    return;
  }
  const done = new AbortController();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  // A cancelled or aborted pipe is the point, not a failure.
  body.pipeTo(writable, { signal: done.signal }).catch(() => undefined);
  c.req.raw = new Request(request, { body: readable });
  try {
    await next();
  } finally {
    done.abort();
  }
});

import { NextResponse, type NextRequest } from 'next/server';
import { auth } from '@/lib/auth';
import { forwardToWorker } from '@/lib/bff';
import { forbiddenPage } from '@/lib/forbidden-page';
import { isAdmin } from '@/lib/roles';

/** The BFF paths whose answers are event streams: a new answer, and following one (`Last-Event-ID`). */
const STREAM_PATHS = /^\/api\/ai\/(?:stream|generations\/[^/]+\/stream)$/;

/**
 * The operators' console answers 403 to anyone signed in without the admin role, before any
 * page renders (hiding the link is not the check). Signed-out visitors go to the login page.
 */
const guard = auth((req) => {
  const claims = req.auth?.claims;
  if (!claims) return NextResponse.redirect(new URL('/', req.nextUrl));
  if (!isAdmin(claims.roles)) {
    return forbiddenPage(req);
  }
  return NextResponse.next();
});

export default async function middleware(req: NextRequest) {
  if (STREAM_PATHS.test(req.nextUrl.pathname)) {
    // Relayed from here rather than by the route handler: the Next server pipes a route
    // handler's body through streams of its own (on OpenNext, a Node.js response turned back
    // into a web stream), so each event crosses into JS several times on its way out; a
    // middleware's response leaves the Worker as it is. A HEAD has no body to relay and goes
    // on to the route handler like every other /api call.
    return req.method === 'HEAD' ? NextResponse.next() : forwardToWorker(req);
  }
  // With a per-request Auth.js config (lib/auth.ts), the wrapper above is a promise of the
  // handler rather than the handler itself, so Next needs a plain function in front of it.
  const handler = await guard;
  return handler(req, { params: Promise.resolve({}) });
}

// Literal paths: Next reads this statically. The two `/api/ai/…` entries are STREAM_PATHS.
export const config = { matcher: ['/admin', '/admin/:path*', '/api/ai/stream', '/api/ai/generations/:id/stream'] };

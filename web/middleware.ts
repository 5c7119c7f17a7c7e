import { NextResponse, type NextRequest } from 'next/server';
import { auth } from '@/lib/auth';
import { forwardToWorker } from '@/lib/bff';
import { forbiddenPage } from '@/lib/forbidden-page';
import { isAdmin } from '@/lib/roles';

/** The BFF path whose answers are event streams. */
const STREAM_PATH = '/api/ai/stream';

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
  if (req.nextUrl.pathname === STREAM_PATH) {
    // Relayed from here rather than by the route handler: Next pipes a route handler's body
    // through a TransformStream of its own, so each event would cross into JS twice on its
    // way out, which roughly doubled the BFF's CPU per stream; a middleware's response leaves
    // as it is. Only answers with a body, though: on Pages a bodiless middleware answer (HEAD,
    // or a 204 elsewhere under /api) is taken for "carry on routing" and would end as a 404.
    return req.method === 'HEAD' ? NextResponse.next() : forwardToWorker(req);
  }
  // With a per-request Auth.js config (lib/auth.ts), the wrapper above is a promise of the
  // handler rather than the handler itself, so Next needs a plain function in front of it.
  const handler = await guard;
  return handler(req, { params: Promise.resolve({}) });
}

// Literal paths: Next reads this statically. `/api/ai/stream` is STREAM_PATH.
export const config = { matcher: ['/admin', '/admin/:path*', '/api/ai/stream'] };

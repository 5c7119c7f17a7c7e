import { NextRequest, NextResponse } from 'next/server';
import { auth } from '@/lib/next-auth';
import { forbiddenPage } from '@/lib/forbidden-page';
import { isAdmin } from '@/lib/roles';
import { newNonce, NONCE_HEADER, pagePolicy, withPageHeaders } from '@/lib/security-headers';

const ADMIN_PATHS = /^\/admin(?:\/|$)/;

/** The request as the page sees it: its nonce, and the policy Next reads the nonce from for its own scripts. */
function continueWith(req: NextRequest): NextResponse {
  return NextResponse.next({ request: { headers: req.headers } });
}

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
  return continueWith(req);
});

/**
 * Every page and Auth.js route: a fresh script nonce and the security headers; the console's
 * pages also pass the admin guard. The BFF's `/api/*` answers set their own headers
 * (lib/bff.ts) and, in the built app, never reach Next (worker.ts).
 */
export default async function middleware(req: NextRequest) {
  const nonce = newNonce();
  const policy = pagePolicy(nonce);
  const headers = new Headers(req.headers);
  headers.set(NONCE_HEADER, nonce);
  headers.set('Content-Security-Policy', policy);
  const request = new NextRequest(req, { headers });
  let response: Response;
  if (ADMIN_PATHS.test(req.nextUrl.pathname)) {
    // With a per-request Auth.js config (lib/auth.ts), the wrapper above is a promise of the
    // handler rather than the handler itself, so Next needs a plain function in front of it.
    const handler = await guard;
    response = (await handler(request, { params: Promise.resolve({}) })) ?? continueWith(request);
  } else {
    response = continueWith(request);
  }
  return withPageHeaders(response, req.url, policy);
}

// Everything but the static files (served before the Worker runs) and the BFF's /api/*;
// Auth.js's /api/auth/* is the app's own.
export const config = { matcher: ['/((?!api/|_next/static/|_next/image|favicon\\.ico).*)', '/api/auth/:path*'] };

import { NextResponse, type NextRequest } from 'next/server';
import { auth } from '@/lib/auth';
import { isAdmin } from '@/lib/roles';

/**
 * The operators' console answers 403 to anyone signed in without the admin role, before any
 * page renders (hiding the link is not the check). Signed-out visitors go to the login page.
 */
const guard = auth((req) => {
  const claims = req.auth?.claims;
  if (!claims) return NextResponse.redirect(new URL('/', req.nextUrl));
  if (!isAdmin(claims.roles)) {
    return new NextResponse('403 Forbidden: administrators only / 관리자만 볼 수 있습니다.', { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
  return NextResponse.next();
});

// With a per-request Auth.js config (lib/auth.ts), the wrapper above is a promise of the
// handler rather than the handler itself, so Next needs a plain function in front of it.
export default async function middleware(req: NextRequest) {
  const handler = await guard;
  return handler(req, { params: Promise.resolve({}) });
}

export const config = { matcher: ['/admin', '/admin/:path*'] };

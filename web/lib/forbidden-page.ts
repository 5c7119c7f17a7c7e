import { NextResponse, type NextRequest } from 'next/server';

/** The app's own 403 page (app/(auth)/forbidden), outside the console's paths, so fetching it cannot loop. */
const FORBIDDEN_PATH = '/forbidden';

/**
 * The refusal of a page, as a page of the app with status 403. Fetched rather than rewritten
 * to: a rewrite's status does not survive every adapter (next-on-pages answers it with 200).
 * Only the cookies travel along, for the user's language and theme.
 */
export async function forbiddenPage(req: NextRequest): Promise<Response> {
  const page = await fetch(new URL(FORBIDDEN_PATH, req.nextUrl), { headers: { cookie: req.headers.get('cookie') ?? '' } });
  const headers = new Headers({ 'Content-Type': page.headers.get('Content-Type') ?? 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  // The page's scripts carry the nonce of its own policy.
  const policy = page.headers.get('Content-Security-Policy');
  if (policy) headers.set('Content-Security-Policy', policy);
  return new NextResponse(page.body, { status: 403, headers });
}

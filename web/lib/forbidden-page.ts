import { NextResponse, type NextRequest } from 'next/server';

/** The app's own 403 page (app/(auth)/forbidden), not in middleware's matcher, so fetching it cannot loop. */
const FORBIDDEN_PATH = '/forbidden';

/**
 * The refusal of a page, as a page of the app with status 403. Fetched rather than rewritten
 * to: a rewrite's status does not survive every adapter (next-on-pages answers it with 200).
 * Only the cookies travel along, for the user's language and theme.
 */
export async function forbiddenPage(req: NextRequest): Promise<Response> {
  const page = await fetch(new URL(FORBIDDEN_PATH, req.nextUrl), { headers: { cookie: req.headers.get('cookie') ?? '' } });
  return new NextResponse(page.body, {
    status: 403,
    headers: { 'Content-Type': page.headers.get('Content-Type') ?? 'text/html; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}

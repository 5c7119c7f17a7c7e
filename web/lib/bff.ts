import { currentClaims } from './auth';
import { readEnv } from './platform';
import { proxyToWorker } from './proxy';
import { withApiHeaders } from './security-headers';
import { accessTokens } from './token';
import { callWorker } from './worker';

/** Every `/api/*` path but Auth.js's own `/api/auth/*`, which the Next app answers. */
const BFF_PATHS = /^\/api(?:\/(?!auth(?:\/|$))|$)/;

/** Whether a path is the BFF's: the built app's Worker entry (worker.ts) routes on it. */
export function isBffPath(pathname: string): boolean {
  return BFF_PATHS.test(pathname);
}

/**
 * Forwards one `/api/<path>` request to the Worker as the signed-in user: `proxyToWorker`
 * over the session cookie, the isolate's token cache and the Worker binding, with the
 * security headers every answer carries.
 *
 * @example export default { fetch: (request) => forwardToWorker(request) }
 */
export async function forwardToWorker(request: Request): Promise<Response> {
  const appUrl = readEnv('AUTH_URL');
  const response = await proxyToWorker(request, {
    getClaims: () => currentClaims(request),
    getToken: (claims) => accessTokens().tokenFor(claims),
    callWorker,
    extraOrigins: appUrl ? [new URL(appUrl).origin] : [],
  });
  withApiHeaders(response.headers, request.url);
  return response;
}

import { currentClaims } from './auth';
import { readEnv } from './platform';
import { proxyToWorker } from './proxy';
import { accessTokens } from './token';
import { callWorker } from './worker';

/**
 * Forwards one `/api/<path>` request to the Worker as the signed-in user: `proxyToWorker`
 * over the session cookie, the isolate's token cache and the Worker binding.
 *
 * @example export const GET = (request: Request) => forwardToWorker(request)
 */
export function forwardToWorker(request: Request): Promise<Response> {
  const appUrl = readEnv('AUTH_URL');
  return proxyToWorker(request, {
    getClaims: () => currentClaims(request),
    getToken: (claims) => accessTokens().tokenFor(claims),
    callWorker,
    extraOrigins: appUrl ? [new URL(appUrl).origin] : [],
  });
}

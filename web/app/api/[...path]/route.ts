import { currentClaims } from '@/lib/auth';
import { readEnv } from '@/lib/platform';
import { proxyToWorker, type ProxyDeps } from '@/lib/proxy';
import { accessTokens } from '@/lib/token';
import { callWorker } from '@/lib/worker';

export const runtime = 'edge';
// Every answer depends on the session: never cache or prerender.
export const dynamic = 'force-dynamic';

function deps(): ProxyDeps {
  const appUrl = readEnv('AUTH_URL');
  return {
    getClaims: currentClaims,
    getToken: (claims) => accessTokens().tokenFor(claims),
    callWorker,
    extraOrigins: appUrl ? [new URL(appUrl).origin] : [],
  };
}

const handle = (request: Request) => proxyToWorker(request, deps());

export { handle as GET, handle as HEAD, handle as POST, handle as PUT, handle as PATCH, handle as DELETE, handle as OPTIONS };

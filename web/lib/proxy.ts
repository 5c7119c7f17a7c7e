import { TRACE_HEADER, TRACE_ID_PATTERN, type ErrorBody } from '@chat/contract';
import type { AccessClaims } from './token';
import type { WorkerRequestInit } from './worker';

/** What the proxy needs from the rest of the app; injected so tests can stand in for each. */
export type ProxyDeps = {
  /** The signed-in user's claims, or null without a session. */
  getClaims: () => Promise<AccessClaims | null>;
  /** A valid Worker token for those claims. */
  getToken: (claims: AccessClaims) => Promise<string>;
  /** Sends the request to the Worker (`path` includes the query). */
  callWorker: (path: string, init: WorkerRequestInit) => Promise<Response>;
  /** Origins allowed to make state-changing requests besides the request's own (AUTH_URL). */
  extraOrigins?: readonly string[];
};

/** The prefix the browser uses; the Worker's paths are what follows it. */
const API_PREFIX = '/api';
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/**
 * The Fetch Metadata value of a request another site's page made (a link, a form, an image,
 * a script). Refused on every method: the session cookie is Lax, so a cross-site link to
 * `GET /api/ai/stream?…&regenerate=1` would otherwise spend the user's quota. Same-site pages
 * are our own hosts, and their writes still meet the Origin check; browsers that send no
 * Fetch Metadata are left to that check.
 */
const CROSS_SITE = 'cross-site';
/** Worker routes that need no user (CONTRACT: auth "none"), reachable before login: the landing page shows the plans. */
const PUBLIC_ROUTES = new Set(['GET /billing/plans']);

/** Connection-level headers (RFC 9110 §7.6.1) that must not cross a proxy, plus what the BFF replaces. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade'];
const DROPPED_REQUEST_HEADERS = new Set([...HOP_BY_HOP, 'cookie', 'authorization', 'host', 'content-length', 'x-middleware-subrequest']);
// The body is re-framed by whoever sends it on; a decoded body must not claim an encoding.
const DROPPED_RESPONSE_HEADERS = new Set([...HOP_BY_HOP, 'set-cookie', 'authorization', 'content-encoding', 'content-length']);

function errorJson(status: number, code: string, message: string, traceId: string): Response {
  return new Response(JSON.stringify({ error: { code, message, traceId } } satisfies ErrorBody), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', [TRACE_HEADER]: traceId },
  });
}

function newTraceId(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

/** Headers to forward: the browser's minus cookies, credentials and hop-by-hop ones (and any the `Connection` header names). */
function forwardedHeaders(incoming: Headers, dropped: ReadonlySet<string>): Headers {
  const named = (incoming.get('connection') ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const out = new Headers();
  incoming.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (dropped.has(lower) || named.includes(lower) || lower.startsWith('cf-')) return;
    out.set(name, value);
  });
  return out;
}

/** The Worker path for `/api/...`, or null when it must not be forwarded (`/internal/*`, dot segments). */
function workerPath(url: URL): string | null {
  const rest = url.pathname.slice(API_PREFIX.length);
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return null;
  }
  const segments = decoded.split('/');
  if (segments.some((s) => s === '.' || s === '..' || s.includes('\\'))) return null;
  // Case-insensitive and after decoding, so `/api/%49nternal/...` cannot slip past.
  if (/^\/+internal(\/|$)/i.test(decoded)) return null;
  return `${rest || '/'}${url.search}`;
}

/**
 * The BFF: forwards `/api/<path>` to the Worker's `/<path>` with the session's bearer
 * token. Bodies stream both ways untouched, the browser's abort ends the Worker request,
 * and cookies never leave the app.
 *
 * @example export const POST = (req: Request) => proxyToWorker(req, deps)
 */
export async function proxyToWorker(request: Request, deps: ProxyDeps): Promise<Response> {
  const url = new URL(request.url);
  const incomingTrace = request.headers.get(TRACE_HEADER);
  const traceId = incomingTrace && TRACE_ID_PATTERN.test(incomingTrace) ? incomingTrace : newTraceId();

  const path = workerPath(url);
  if (path === null) return errorJson(404, 'not_found', `No route for ${request.method} ${url.pathname}`, traceId);

  if (request.headers.get('sec-fetch-site') === CROSS_SITE) {
    return errorJson(403, 'forbidden_origin', 'Requests from other sites are refused', traceId);
  }
  if (STATE_CHANGING.has(request.method)) {
    // The request's own origin, or AUTH_URL's (`extraOrigins`) where the app is served under another name.
    const origin = request.headers.get('origin');
    const allowed = [url.origin, ...(deps.extraOrigins ?? [])];
    if (!origin || !allowed.includes(origin)) {
      return errorJson(403, 'forbidden_origin', 'State-changing requests must come from this app', traceId);
    }
  }

  const claims = await deps.getClaims();
  const publicRoute = PUBLIC_ROUTES.has(`${request.method} ${path.split('?', 1)[0]}`);
  if (!claims && !publicRoute) return errorJson(401, 'unauthenticated', 'Sign in first', traceId);

  const headers = forwardedHeaders(request.headers, DROPPED_REQUEST_HEADERS);
  if (claims) headers.set('Authorization', `Bearer ${await deps.getToken(claims)}`);
  headers.set(TRACE_HEADER, traceId);

  const hasBody = request.body !== null && request.method !== 'GET' && request.method !== 'HEAD';
  let upstream: Response;
  try {
    upstream = await deps.callWorker(path, {
      method: request.method,
      headers,
      body: hasBody ? request.body : undefined,
      // Streams the upload instead of buffering it first.
      ...(hasBody ? { duplex: 'half' as const } : {}),
      signal: request.signal,
      redirect: 'manual',
    });
  } catch (err) {
    if (request.signal.aborted) return errorJson(499, 'client_closed', 'The request was cancelled', traceId);
    return errorJson(502, 'upstream_error', `The API is unreachable: ${err instanceof Error ? err.message : String(err)}`, traceId);
  }

  const responseHeaders = forwardedHeaders(upstream.headers, DROPPED_RESPONSE_HEADERS);
  if (!responseHeaders.has(TRACE_HEADER)) responseHeaders.set(TRACE_HEADER, traceId);
  return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: responseHeaders });
}

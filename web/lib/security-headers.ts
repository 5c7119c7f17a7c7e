import { kakaoEndpoints } from './auth';
import { tossSources } from './toss-config';

/**
 * The browser security headers of every response the app makes: pages get a Content-Security-
 * Policy with a per-request script nonce (Next reads it from the request's own
 * `Content-Security-Policy` header and puts it on its scripts; the root layout reads `x-nonce`),
 * the BFF's answers one that lets them do nothing but be read.
 */

/** The request header the root layout reads the nonce from. */
export const NONCE_HEADER = 'x-nonce';
const CSP_HEADER = 'Content-Security-Policy';

/** Nothing here uses these; a page that asks is refused rather than prompting the user. */
const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), bluetooth=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=(), browsing-topics=(), interest-cohort=()';
/** Two years with subdomains: the preload list's requirement. */
const HSTS = 'max-age=63072000; includeSubDomains';

/** A fresh nonce: 16 random bytes, base64. */
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/**
 * A page's policy. Scripts run only with the nonce ('strict-dynamic' passes the trust on to the
 * chunks and the Toss SDK they load); 'self' and Toss's SDK host are the fallback for browsers
 * without 'strict-dynamic'. Images only from the app itself (an answer cannot fetch from other
 * hosts). Sign-in is a form post that redirects to Kakao, which form-action must allow.
 * `next dev` evaluates its modules, so only there scripts may use eval.
 */
export function pagePolicy(nonce: string): string {
  const toss = tossSources();
  const dev = process.env.NODE_ENV === 'development' ? " 'unsafe-eval'" : '';
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic' ${toss.script}${dev}`,
    // React and the charts set inline styles.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${toss.window.join(' ')}`,
    `frame-src ${toss.window.join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    `form-action 'self' ${new URL(kakaoEndpoints().authBase).origin}`,
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The BFF's answers are data: nothing in them may load, run or be framed. */
const API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Sets the headers every response carries on `headers`: the policy given, nosniff, no framing, the referrer
 * and permissions policies, and HSTS when the request came over https (a plain-http local
 * server must not pin the browser to https).
 */
function setCommon(headers: Headers, requestUrl: string, policy: string): void {
  if (!headers.has(CSP_HEADER)) headers.set(CSP_HEADER, policy);
  headers.set('X-Content-Type-Options', 'nosniff');
  // frame-ancestors for browsers that predate it.
  headers.set('X-Frame-Options', 'DENY');
  headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
  headers.set('Permissions-Policy', PERMISSIONS_POLICY);
  if (new URL(requestUrl).protocol === 'https:') headers.set('Strict-Transport-Security', HSTS);
}

/**
 * A page's (or Auth.js's) response with the security headers, the page policy with `nonce`.
 * A policy the response already has stays: a page fetched from inside the app (the 403 page)
 * was rendered with its own nonce.
 */
export function withPageHeaders(response: Response, requestUrl: string, policy: string): Response {
  setCommon(response.headers, requestUrl, policy);
  return response;
}

/**
 * A BFF answer with the security headers; JSON is never stored by the browser or a cache (it
 * is the signed-in user's), the event streams keep the Worker's `no-cache, no-transform`.
 */
export function withApiHeaders(headers: Headers, requestUrl: string): Headers {
  setCommon(headers, requestUrl, API_POLICY);
  if (headers.get('content-type')?.includes('json')) headers.set('Cache-Control', 'no-store');
  return headers;
}

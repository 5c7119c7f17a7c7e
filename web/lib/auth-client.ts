import { z } from 'zod/mini';

/**
 * The browser's side of Auth.js, over its plain HTTP endpoints (no next-auth/react, no
 * server actions): the CSRF token its POSTs need, and the session refresh after the
 * Worker-side state behind the claims changed.
 */

const CsrfBody = z.object({ csrfToken: z.string().check(z.minLength(1)) });

async function requestCsrfToken(): Promise<string> {
  const res = await fetch('/api/auth/csrf', { credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok) throw new Error(`csrf: HTTP ${res.status}`);
  return CsrfBody.parse(await res.json()).csrfToken;
}

let inFlight: Promise<string> | null = null;

/**
 * The CSRF token Auth.js pairs with its HttpOnly csrf cookie. Calls made while one request
 * is out share it: without a cookie yet, each request would set a cookie of its own, and
 * whichever answer came last would leave the cookie and the token in the form apart (Auth.js
 * then refuses the login with `MissingCSRF`), as React's double mount under `next dev` did.
 */
export function fetchCsrfToken(): Promise<string> {
  inFlight ??= requestCsrfToken().finally(() => {
    inFlight = null;
  });
  return inFlight;
}

/**
 * Asks Auth.js to re-issue the session cookie: the jwt callback runs with `trigger: 'update'`
 * and re-reads roles, scopes and onboarding from the Worker.
 */
export async function refreshSession(): Promise<void> {
  const csrfToken = await fetchCsrfToken();
  const res = await fetch('/api/auth/session', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ csrfToken, data: {} }),
  });
  if (!res.ok) throw new Error(`session refresh: HTTP ${res.status}`);
}

import { z } from 'zod/mini';

/**
 * The browser's side of Auth.js, over its plain HTTP endpoints (no next-auth/react, no
 * server actions): the CSRF token its POSTs need, and the session refresh after the
 * Worker-side state behind the claims changed.
 */

const CsrfBody = z.object({ csrfToken: z.string().check(z.minLength(1)) });

/** The CSRF token Auth.js pairs with its HttpOnly csrf cookie. */
export async function fetchCsrfToken(): Promise<string> {
  const res = await fetch('/api/auth/csrf', { credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok) throw new Error(`csrf: HTTP ${res.status}`);
  return CsrfBody.parse(await res.json()).csrfToken;
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

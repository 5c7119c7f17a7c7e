import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchCsrfToken } from './auth-client';

afterEach(() => {
  vi.unstubAllGlobals();
});

/** Auth.js's csrf endpoint as it behaves without a cookie: a new token on every request. */
function freshTokenEachRequest(): { requests: () => number } {
  let requests = 0;
  vi.stubGlobal('fetch', async () => {
    requests += 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return Response.json({ csrfToken: `token-${requests}` });
  });
  return { requests: () => requests };
}

describe('fetchCsrfToken', () => {
  it('gives calls made while a request is out (a double mount) that one request and its token', async () => {
    const csrf = freshTokenEachRequest();
    const [first, second] = await Promise.all([fetchCsrfToken(), fetchCsrfToken()]);
    expect(csrf.requests()).toBe(1);
    expect(second).toBe(first);
  });

  it('asks again once the last request has answered, and after a failed one', async () => {
    const csrf = freshTokenEachRequest();
    await fetchCsrfToken();
    await fetchCsrfToken();
    expect(csrf.requests()).toBe(2);

    vi.stubGlobal('fetch', async () => new Response('down', { status: 503 }));
    await expect(fetchCsrfToken()).rejects.toThrow('csrf: HTTP 503');
    freshTokenEachRequest();
    await expect(fetchCsrfToken()).resolves.toBe('token-1');
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { isBffPath } from './bff';
import { newNonce, pagePolicy, withApiHeaders, withPageHeaders } from './security-headers';

afterEach(() => {
  vi.unstubAllEnvs();
});

const directives = (policy: string) => new Map(policy.split('; ').map((d) => [d.split(' ', 1)[0], d.slice(d.indexOf(' ') + 1)]));

describe('the page policy', () => {
  it("runs scripts by the request's nonce only, frames nothing and loads images only from the app", () => {
    const nonce = newNonce();
    const policy = directives(pagePolicy(nonce));
    expect(policy.get('script-src')).toContain(`'nonce-${nonce}'`);
    expect(policy.get('script-src')).toContain("'strict-dynamic'");
    expect(policy.get('script-src')).not.toContain("'unsafe-inline'");
    expect(policy.get('frame-ancestors')).toBe("'none'");
    expect(policy.get('object-src')).toBe("'none'");
    expect(policy.get('base-uri')).toBe("'self'");
    expect(policy.get('img-src')).toBe("'self' data: blob:");
    expect(newNonce()).not.toBe(nonce);
  });

  it("takes the Toss SDK's and Kakao login's hosts from the configuration", () => {
    vi.stubEnv('TOSS_SDK_URL', 'http://127.0.0.1:8792/v2/standard');
    vi.stubEnv('KAKAO_AUTH_BASE', 'http://127.0.0.1:8791/');
    const policy = directives(pagePolicy('n'));
    expect(policy.get('script-src')).toContain('http://127.0.0.1:8792');
    expect(policy.get('form-action')).toBe("'self' http://127.0.0.1:8791");
  });

  it("defaults to Toss's and Kakao's own hosts", () => {
    vi.stubEnv('TOSS_SDK_URL', '');
    vi.stubEnv('KAKAO_AUTH_BASE', '');
    const policy = directives(pagePolicy('n'));
    expect(policy.get('script-src')).toContain('https://js.tosspayments.com');
    expect(policy.get('frame-src')).toContain('https://*.tosspayments.com');
    expect(policy.get('form-action')).toBe("'self' https://kauth.kakao.com");
  });
});

describe('the headers every response carries', () => {
  it('sends HSTS over https only', () => {
    const overHttps = withPageHeaders(new Response('page'), 'https://chat.example/chat', 'p');
    expect(overHttps.headers.get('strict-transport-security')).toContain('max-age=');
    const overHttp = withPageHeaders(new Response('page'), 'http://localhost:3000/chat', 'p');
    expect(overHttp.headers.get('strict-transport-security')).toBeNull();
    expect(overHttp.headers.get('x-content-type-options')).toBe('nosniff');
    expect(overHttp.headers.get('x-frame-options')).toBe('DENY');
    expect(overHttp.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(overHttp.headers.get('permissions-policy')).toContain('camera=()');
  });

  it("keeps a page's own policy (the 403 page rendered with its own nonce)", () => {
    const response = new Response('page', { headers: { 'Content-Security-Policy': 'own' } });
    expect(withPageHeaders(response, 'https://chat.example/admin', 'other').headers.get('content-security-policy')).toBe('own');
  });

  it('never lets the BFF\'s JSON be stored, and leaves an event stream its own caching', () => {
    const json = withApiHeaders(new Headers({ 'Content-Type': 'application/json', 'Cache-Control': 'max-age=60' }), 'https://chat.example/api/me');
    expect(json.get('cache-control')).toBe('no-store');
    expect(json.get('content-security-policy')).toContain("default-src 'none'");
    const stream = withApiHeaders(new Headers({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-transform' }), 'https://chat.example/api/ai/stream');
    expect(stream.get('cache-control')).toBe('no-cache, no-transform');
  });
});

describe("the BFF's paths", () => {
  it("are every /api path but Auth.js's", () => {
    expect(isBffPath('/api/me')).toBe(true);
    expect(isBffPath('/api/ai/stream')).toBe(true);
    expect(isBffPath('/api/internal/users/provision')).toBe(true);
    expect(isBffPath('/api/authors')).toBe(true);
    expect(isBffPath('/api/auth/session')).toBe(false);
    expect(isBffPath('/api/auth')).toBe(false);
    expect(isBffPath('/chat')).toBe(false);
    expect(isBffPath('/apiary')).toBe(false);
  });
});

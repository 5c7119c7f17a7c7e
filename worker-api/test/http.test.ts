import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { app } from '../src/index';
import { type ErrorBody } from './support/errors';
import { publishedKey, sign, type TestKey } from './support/tokens';


let key: TestKey;
beforeAll(async () => {
  key = await publishedKey();
});

describe('errors and trace ids', () => {
  it('GET /health answers ok with a version and a trace id', async () => {
    const res = await SELF.fetch('https://api.test/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, version: expect.any(String) });
    expect(res.headers.get('X-Trace-Id')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('echoes a well-formed X-Trace-Id and replaces a malformed one', async () => {
    const ok = await SELF.fetch('https://api.test/health', { headers: { 'X-Trace-Id': 'trace-abc-12345678' } });
    expect(ok.headers.get('X-Trace-Id')).toBe('trace-abc-12345678');
    const bad = await SELF.fetch('https://api.test/health', { headers: { 'X-Trace-Id': 'x\u0001 <script>' } });
    expect(bad.headers.get('X-Trace-Id')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('gives unknown paths a 404 in the error shape', async () => {
    const res = await SELF.fetch('https://api.test/nope', { headers: { 'X-Trace-Id': 'trace-404-xyz123' } });
    expect(res.status).toBe(404);
    const body = await res.json<ErrorBody>();
    expect(body.error).toEqual({ code: 'not_found', message: expect.any(String), traceId: 'trace-404-xyz123' });
    expect(res.headers.get('X-Trace-Id')).toBe('trace-404-xyz123');
  });

  it('gives a known path with the wrong method a 405 with Allow', async () => {
    const res = await SELF.fetch('https://api.test/health', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('Allow')).toBe('GET, HEAD');
    expect((await res.json<ErrorBody>()).error.code).toBe('method_not_allowed');
    expect(res.headers.get('X-Trace-Id')).toBeTruthy();
  });

  it('rejects a body that is not JSON with 400 invalid_request', async () => {
    const token = await sign(key);
    const res = await SELF.fetch('https://api.test/me/onboarding', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: '{"name": ',
    });
    expect(res.status).toBe(400);
    expect((await res.json<ErrorBody>()).error.code).toBe('invalid_request');
  });

  it('rejects an oversized body with 413 in the error shape', async () => {
    const token = await sign(key);
    const res = await SELF.fetch('https://api.test/me/onboarding', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(300 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect((await res.json<ErrorBody>()).error.code).toBe('payload_too_large');
  });
});

describe('GET /.well-known/jwks.json', () => {
  it('serves the public keys with ETag and Cache-Control, and 304 on If-None-Match', async () => {
    const res = await SELF.fetch('https://api.test/.well-known/jwks.json');
    expect(res.status).toBe(200);
    const body = await res.json<{ keys: Record<string, string>[] }>();
    expect(body.keys).toHaveLength(1);
    expect(body.keys[0]).toEqual({ kty: 'RSA', n: key.publicJwk.n, e: key.publicJwk.e, kid: key.kid, alg: 'RS256', use: 'sig' });
    const etag = res.headers.get('ETag');
    expect(etag).toMatch(/^".+"$/);
    expect(res.headers.get('Cache-Control')).toMatch(/max-age=\d+/);

    const again = await SELF.fetch('https://api.test/.well-known/jwks.json', { headers: { 'If-None-Match': etag ?? '' } });
    expect(again.status).toBe(304);
    expect(again.headers.get('ETag')).toBe(etag);
    expect(await again.text()).toBe('');
  });
});

describe('OpenAPI', () => {
  it('documents every route, with the bearer scheme and the error shape', async () => {
    const res = await SELF.fetch('https://api.test/openapi.json');
    expect(res.status).toBe(200);
    const doc = await res.json<{
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { securitySchemes: Record<string, { scheme: string }>; schemas: Record<string, unknown> };
    }>();
    expect(doc.openapi).toMatch(/^3\.1/);
    expect(doc.components.securitySchemes.bearerAuth?.scheme).toBe('bearer');
    expect(doc.components.schemas.Error).toBeDefined();

    const served = new Set(['/openapi.json', '/docs']);
    const routes = app.routes.filter((r) => r.method !== 'ALL' && !served.has(r.path));
    expect(routes.length).toBeGreaterThan(3);
    for (const r of routes) {
      const path = r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      expect(doc.paths[path]?.[r.method.toLowerCase()], `${r.method} ${r.path} missing from /openapi.json`).toBeDefined();
    }
  });

  it('serves a reference page at /docs', async () => {
    const res = await SELF.fetch('https://api.test/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('/openapi.json');
  });

  it('renders the reference itself, with nothing fetched from another origin', async () => {
    const page = await (await SELF.fetch('https://api.test/docs')).text();
    expect(page).toContain('/conversations/{id}');
    expect(page).toContain('ConversationDetail');
    expect(page).not.toMatch(/<script/i);
    const urls = [...page.matchAll(/(?:src|href|action)\s*=\s*["']?([^"' >]+)|url\(\s*["']?([^"')]+)|@import\s+["']([^"']+)/gi)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url, url).toMatch(/^(\/(?!\/)|#)/);
  });
});

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { proxyToWorker, type ProxyDeps } from './proxy';
import type { AccessClaims } from './token';
import type { WorkerRequestInit } from './worker';

const APP = 'https://chat.example';
const CLAIMS: AccessClaims = { sub: 'usr_1', roles: ['user'], scopes: ['chat:write'], onboarded: true };
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c3JfMSJ9.c2ln';

type Call = { path: string; init: WorkerRequestInit };

/** A promise with its resolver (Node 20 has no Promise.withResolvers). */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function fakeDeps(overrides: Partial<ProxyDeps> = {}) {
  const calls: Call[] = [];
  const deps: ProxyDeps = {
    getClaims: async () => CLAIMS,
    getToken: async () => TOKEN,
    callWorker: async (path, init) => {
      calls.push({ path, init });
      return new Response('{"ok":true}', {
        status: 200,
        headers: { 'Content-Type': 'application/json', 'Set-Cookie': 'worker=1', Connection: 'close', 'X-Trace-Id': 'trace-from-worker' },
      });
    },
    ...overrides,
  };
  return { deps, calls };
}

function req(path: string, init: RequestInit & { duplex?: 'half' } = {}): Request {
  return new Request(`${APP}${path}`, init);
}

describe('proxyToWorker', () => {
  it('forwards to the Worker path with the bearer token, without cookies or hop-by-hop headers', async () => {
    const { deps, calls } = fakeDeps();
    const res = await proxyToWorker(
      req('/api/conversations?cursor=abc', {
        headers: {
          Cookie: 'authjs.session-token=secret',
          Authorization: 'Bearer from-browser',
          Connection: 'keep-alive, X-Custom-Hop',
          'X-Custom-Hop': '1',
          'Keep-Alive': 'timeout=5',
          Te: 'trailers',
          'Proxy-Authorization': 'Basic x',
          Accept: 'application/json',
          'X-Trace-Id': 'trace-from-browser-123',
        },
      }),
      deps,
    );
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.path).toBe('/conversations?cursor=abc');
    const headers = new Headers(call.init.headers);
    expect(headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(headers.get('cookie')).toBeNull();
    for (const name of ['connection', 'x-custom-hop', 'keep-alive', 'te', 'proxy-authorization']) expect(headers.get(name)).toBeNull();
    expect(headers.get('accept')).toBe('application/json');
    expect(headers.get('x-trace-id')).toBe('trace-from-browser-123');
    // Nothing the Worker sets as a cookie or connection detail reaches the browser.
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('connection')).toBeNull();
    expect(res.headers.get('x-trace-id')).toBe('trace-from-worker');
  });

  it('makes a trace id when the browser sends none or a malformed one', async () => {
    const { deps, calls } = fakeDeps();
    await proxyToWorker(req('/api/me', { headers: { 'X-Trace-Id': 'bad id\r\n' } }), deps);
    expect(new Headers(calls[0]!.init.headers).get('x-trace-id')).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each(['/api/internal/users/provision', '/api/INTERNAL/users/provision', '/api/%69nternal/users/provision', '/api//internal/x', '/api/internal', '/api/me/%2e%2e/internal/users/provision'])(
    'refuses %s with 404 and never calls the Worker',
    async (path) => {
      const { deps, calls } = fakeDeps();
      const res = await proxyToWorker(req(path, { method: 'POST', headers: { Origin: APP }, body: '{}' }), deps);
      expect(res.status).toBe(404);
      expect(calls).toHaveLength(0);
    },
  );

  it('forwards the public plan list without a session, and without a token', async () => {
    const getToken = vi.fn(async () => TOKEN);
    const { deps, calls } = fakeDeps({ getClaims: async () => null, getToken });
    const res = await proxyToWorker(req('/api/billing/plans'), deps);
    expect(res.status).toBe(200);
    expect(calls.map((c) => c.path)).toEqual(['/billing/plans']);
    expect(new Headers(calls[0]?.init.headers).has('authorization')).toBe(false);
    expect(getToken).not.toHaveBeenCalled();
    const post = await proxyToWorker(req('/api/billing/plans', { method: 'POST', headers: { Origin: APP } }), deps);
    expect(post.status).toBe(401);
  });

  it('answers 401 in the contract error shape without a session', async () => {
    const { deps, calls } = fakeDeps({ getClaims: async () => null });
    const res = await proxyToWorker(req('/api/me'), deps);
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { code: string; message: string; traceId: string } };
    expect(body.error.code).toBe('unauthenticated');
    expect(body.error.traceId).toBe(res.headers.get('x-trace-id'));
    expect(calls).toHaveLength(0);
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('refuses a %s from another origin or none with 403', async (method) => {
    const { deps, calls } = fakeDeps();
    const foreign = await proxyToWorker(req('/api/conversations/c1', { method, headers: { Origin: 'https://evil.example' }, body: '{}' }), deps);
    const missing = await proxyToWorker(req('/api/conversations/c1', { method, body: '{}' }), deps);
    expect(foreign.status).toBe(403);
    expect(missing.status).toBe(403);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe('forbidden_origin');
    expect(calls).toHaveLength(0);
    const own = await proxyToWorker(req('/api/conversations/c1', { method, headers: { Origin: APP }, body: '{}' }), deps);
    expect(own.status).toBe(200);
  });

  it('accepts the configured public origin and lets safe methods through from anywhere', async () => {
    const { deps } = fakeDeps({ extraOrigins: ['http://localhost:3000'] });
    const post = await proxyToWorker(req('/api/me/onboarding', { method: 'POST', headers: { Origin: 'http://localhost:3000' }, body: '{}' }), deps);
    const get = await proxyToWorker(req('/api/me', { headers: { Origin: 'https://elsewhere.example' } }), deps);
    expect(post.status).toBe(200);
    expect(get.status).toBe(200);
  });

  it.each(['GET', 'POST'])('refuses a %s that another site made (Sec-Fetch-Site: cross-site) with 403, before the Worker', async (method) => {
    const { deps, calls } = fakeDeps();
    // The attack: a link on another site that regenerates an answer on the victim's quota.
    const res = await proxyToWorker(
      req('/api/ai/stream?convId=c1&regenerate=1', { method, headers: { 'Sec-Fetch-Site': 'cross-site', Origin: APP }, ...(method === 'POST' ? { body: '{}' } : {}) }),
      deps,
    );
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { code: string; message: string; traceId: string } };
    expect(body.error.code).toBe('forbidden_origin');
    expect(body.error.traceId).toBe(res.headers.get('x-trace-id'));
    expect(calls).toHaveLength(0);
  });

  it.each(['same-origin', 'none', 'same-site'])('lets a GET with Sec-Fetch-Site: %s through', async (site) => {
    const { deps, calls } = fakeDeps();
    const res = await proxyToWorker(req('/api/ai/stream?convId=c1', { headers: { 'Sec-Fetch-Site': site } }), deps);
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(1);
  });

  it('checks a write against AUTH_URL: the configured origin passes, a same-site sibling does not', async () => {
    const { deps, calls } = fakeDeps({ extraOrigins: ['https://app.example'] });
    const sibling = await proxyToWorker(req('/api/conversations', { method: 'POST', headers: { Origin: 'https://user-content.chat.example', 'Sec-Fetch-Site': 'same-site' }, body: '{}' }), deps);
    expect(sibling.status).toBe(403);
    expect(calls).toHaveLength(0);
    const configured = await proxyToWorker(req('/api/conversations', { method: 'POST', headers: { Origin: 'https://app.example', 'Sec-Fetch-Site': 'same-origin' }, body: '{}' }), deps);
    expect(configured.status).toBe(200);
  });

  it('never puts the token in what the browser gets back', async () => {
    const { deps } = fakeDeps({
      callWorker: async () => new Response('{}', { headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' } }),
    });
    const res = await proxyToWorker(req('/api/me'), deps);
    const everything = JSON.stringify([...res.headers]) + (await res.text());
    expect(everything).not.toContain(TOKEN);
  });
});

describe('proxyToWorker against a real HTTP server', () => {
  let server: Server | undefined;
  afterEach(
    () =>
      new Promise<void>((resolve) => {
        if (!server) return resolve();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );

  async function listen(handler: (req: IncomingMessage, res: import('node:http').ServerResponse) => void): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  function realDeps(base: string): ProxyDeps {
    return { getClaims: async () => CLAIMS, getToken: async () => TOKEN, callWorker: (path, init) => fetch(`${base}${path}`, init) };
  }

  it('streams the response: the first event arrives while the Worker is still writing', async () => {
    let finish: () => void = () => {};
    const base = await listen((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('event: delta\ndata: {"content":"a"}\n\n');
      finish = () => res.end('event: done\ndata: {}\n\n');
    });
    const res = await proxyToWorker(req('/api/ai/stream?convId=c1'), realDeps(base));
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('"content":"a"');
    finish();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toContain('event: done');
  });

  it('streams the request body: the Worker reads the first chunk before the browser sends the second', async () => {
    const firstSeen = signal();
    let received = '';
    const base = await listen((incoming, res) => {
      incoming.on('data', (chunk: Buffer) => {
        received += chunk.toString();
        if (received.includes('part1')) firstSeen.resolve();
      });
      incoming.on('end', () => res.end(received));
    });
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode('part1;'));
        await firstSeen.promise;
        controller.enqueue(encoder.encode('part2'));
        controller.close();
      },
    });
    const res = await proxyToWorker(req('/api/echo', { method: 'POST', headers: { Origin: APP }, body, duplex: 'half' }), realDeps(base));
    expect(await res.text()).toBe('part1;part2');
  });

  it("forwards the browser's abort to the Worker request", async () => {
    const closed = signal();
    const base = await listen((incoming, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(': ping\n\n');
      res.on('close', () => closed.resolve());
      incoming.resume();
    });
    const browser = new AbortController();
    const res = await proxyToWorker(req('/api/ai/stream?convId=c1', { signal: browser.signal }), realDeps(base));
    const reader = res.body!.getReader();
    await reader.read();
    browser.abort();
    await expect(closed.promise).resolves.toBeUndefined();
  });

  it('passes the abort signal itself to the Worker call', async () => {
    const seen = vi.fn<(signal: AbortSignal | null | undefined) => void>();
    const browser = new AbortController();
    await proxyToWorker(req('/api/me', { signal: browser.signal }), {
      ...fakeDeps().deps,
      callWorker: async (_path, init) => {
        seen(init.signal);
        return new Response('{}');
      },
    });
    browser.abort();
    expect(seen.mock.calls[0]![0]!.aborted).toBe(true);
  });
});

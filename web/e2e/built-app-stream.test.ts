import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigningKey, freePort, ProcessSet, randomSecret, sessionCookie, startBuiltWebApp, WEB_DIR } from '@chat/ops/stack';

/**
 * The built app (its Worker entry and OpenNext's build under `wrangler dev`: workerd, as deployed)
 * in front of a stub Worker: the BFF mints a real token from the key in local KV, streams the
 * event stream through as it is written and an upload as it is sent, and forwards the
 * browser's abort.
 */
const processes = new ProcessSet({ logDir: join(WEB_DIR, 'test-results/logs/built-app-stream') });
const persistTo = mkdtempSync(join(tmpdir(), 'chat-e2e-state-'));
const secrets = { AUTH_SECRET: randomSecret(), KEY_WRAPPING_SECRET: randomSecret() };
const CLAIMS = { sub: 'usr_e2e_stream', roles: ['user'], scopes: ['chat:write', 'conversations:read'], onboarded: true };

type Seen = { method: string | undefined; url: string | undefined; headers: IncomingHttpHeaders; closed: Promise<void> };
const seen: Seen[] = [];
/** The body of each upload (`POST /uploads/*`) as far as it has reached the stub. */
const uploads: { chunks: string[] }[] = [];
let release: () => void = () => {};
let stub: Server;
let app: string;
/** The app's own origin as it sees itself (AUTH_URL: wrangler pages dev presents requests on localhost). */
let appOrigin: string;
let kid: string;
let cookie: string;

beforeAll(async () => {
  stub = createServer((req, res) => {
    let closed: () => void = () => {};
    seen.push({ method: req.method, url: req.url, headers: req.headers, closed: new Promise((r) => (closed = r)) });
    res.on('close', closed);
    if (req.url?.startsWith('/ai/stream') || /^\/ai\/generations\/[^/]+\/stream/.test(req.url ?? '')) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform' });
      res.write('event: meta\ndata: {"conversationId":"c1","messageId":"m1","model":"gpt-4o-mini","traceId":"t1"}\n\n');
      res.write('event: delta\ndata: {"content":"첫"}\n\n');
      // Heartbeats, as the Worker sends: a dropped connection shows at the next write.
      const ping = setInterval(() => res.write(': ping\n\n'), 250);
      res.on('close', () => clearInterval(ping));
      release = () => res.end('event: delta\ndata: {"content":"끝"}\n\nevent: done\ndata: {"finishReason":"stop"}\n\n');
      return;
    }
    if (req.method === 'POST' && req.url?.startsWith('/uploads/')) {
      // Answers only once the whole body is in, and records each piece as it arrives.
      const upload = { chunks: [] as string[] };
      uploads.push(upload);
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => upload.chunks.push(chunk));
      req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ received: upload.chunks.join('') })));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
  });
  const stubPort = await freePort();
  await new Promise<void>((r) => stub.listen(stubPort, '127.0.0.1', r));

  kid = await createSigningKey({ persistTo, wrappingSecret: secrets.KEY_WRAPPING_SECRET });
  const port = await freePort();
  app = `http://127.0.0.1:${port}`;
  appOrigin = `http://localhost:${port}`;
  await startBuiltWebApp(processes, {
    port,
    persistTo,
    vars: { ...secrets, AUTH_KAKAO_ID: 'x', AUTH_KAKAO_SECRET: 'y', AUTH_URL: appOrigin, AUTH_TRUST_HOST: 'true', WORKER_API_URL: `http://127.0.0.1:${stubPort}` },
  });
  cookie = await sessionCookie(secrets.AUTH_SECRET, CLAIMS);
}, 180_000);

afterAll(async () => {
  await processes.stopAll();
  stub?.closeAllConnections();
  stub?.close();
  rmSync(persistTo, { recursive: true, force: true });
});

/** Reads the stub's event stream through the app: its first delta arrives before the stub sends the rest. */
async function expectUnbufferedStream(res: Response): Promise<string> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  // The stub holds the rest back: the first delta can only arrive if nothing buffers.
  while (!text.includes('첫')) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended early: ${text}`);
    text += decoder.decode(value, { stream: true });
  }
  expect(text).not.toContain('끝');
  release();
  for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value, { stream: true });
  expect(text).toContain('event: done');
  return text;
}

describe('the OpenNext build in workerd', () => {
  it('answers 401 without a session and refuses /internal', async () => {
    expect((await fetch(`${app}/api/me`)).status).toBe(401);
    const internal = await fetch(`${app}/api/internal/users/provision`, { headers: { Cookie: cookie } });
    expect(internal.status).toBe(404);
  });

  it('streams each event through as the Worker writes it, with a fresh RS256 token', async () => {
    const res = await fetch(`${app}/api/ai/stream?convId=c1`, { headers: { Cookie: cookie, Accept: 'text/event-stream' } });
    const text = await expectUnbufferedStream(res);

    const request = seen.at(-1)!;
    expect(request.headers.cookie).toBeUndefined();
    const token = String(request.headers.authorization).replace(/^Bearer /, '');
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', kid });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: CLAIMS.sub, scopes: CLAIMS.scopes, onboarded: true, iss: 'chat-web', aud: 'chat-api' });
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(text).not.toContain(token);
  });

  it('follows a generation through the same unbuffered path, passing Last-Event-ID on', async () => {
    const res = await fetch(`${app}/api/ai/generations/gen_1/stream`, { headers: { Cookie: cookie, Accept: 'text/event-stream', 'Last-Event-ID': '4' } });
    await expectUnbufferedStream(res);
    const request = seen.at(-1)!;
    expect(request.url).toBe('/ai/generations/gen_1/stream');
    expect(request.headers['last-event-id']).toBe('4');
  });

  it('forwards a stop from the app itself and refuses one from another origin', async () => {
    const foreign = await fetch(`${app}/api/ai/generations/gen_1/stop`, { method: 'POST', headers: { Cookie: cookie, Origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    const before = seen.length;
    const own = await fetch(`${app}/api/ai/generations/gen_1/stop`, { method: 'POST', headers: { Cookie: cookie, Origin: appOrigin } });
    expect(own.status).toBe(200);
    // The path only: next-on-pages adds the catch-all route's `path` param to the query string.
    expect(seen.slice(before).map((r) => `${r.method} ${new URL(r.url ?? '', 'http://stub').pathname}`)).toEqual(['POST /ai/generations/gen_1/stop']);
  });

  it("ends the Worker request when the browser aborts", async () => {
    const browser = new AbortController();
    const res = await fetch(`${app}/api/ai/stream?convId=c1`, { headers: { Cookie: cookie }, signal: browser.signal });
    const reader = res.body!.getReader();
    await reader.read();
    const request = seen.at(-1)!;
    browser.abort();
    await expect(Promise.race([request.closed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('still open'), 10_000))])).resolves.toBe('closed');
  });

  it('streams an upload to the Worker as it is sent: the first part arrives before the rest leaves', async () => {
    const encoder = new TextEncoder();
    let sendRest: () => void = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('{"part":"first",'));
        sendRest = () => {
          controller.enqueue(encoder.encode('"rest":"second"}'));
          controller.close();
        };
      },
    });
    const before = uploads.length;
    const init = { method: 'POST', headers: { Cookie: cookie, Origin: appOrigin, 'Content-Type': 'application/json' }, body, duplex: 'half' };
    const answer = fetch(`${app}/api/uploads/probe`, init as RequestInit);
    // Only an unbuffered path gets the first part to the Worker while the rest is held back.
    await expect.poll(() => uploads.slice(before).flatMap((u) => u.chunks).join(''), { timeout: 20_000 }).toContain('"part":"first"');
    expect(uploads.slice(before).flatMap((u) => u.chunks).join('')).not.toContain('second');
    sendRest();
    const res = await answer;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: '{"part":"first","rest":"second"}' });
    expect(seen.at(-1)?.headers.authorization).toMatch(/^Bearer /);
  });

  it('refuses a state-changing request from another origin', async () => {
    const res = await fetch(`${app}/api/conversations`, { method: 'POST', headers: { Cookie: cookie, Origin: 'https://evil.example', 'Content-Type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(403);
  });
});

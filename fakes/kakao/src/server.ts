import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listen, type FakeServerOptions } from '@chat/fake-server';
import { decide, showConsent, type AuthorizeOutcome } from './authorize';
import { BodyTooLargeError, isFormBody, readBody, sendHtml, sendJson, sendRedirect } from './http';
import { DEFAULT_PROFILE_SVG, errorPage } from './pages';
import { GrantStore, type Client } from './store';
import { exchangeToken } from './token';
import { userInfo } from './userinfo';

/** `log` defaults to console.log. */
export type FakeKakaoOptions = FakeServerOptions & {
  /** The REST API key the app sends as client_id; default `local-kakao-client`. */
  clientId?: string;
  /** The client secret the app sends; default `local-kakao-secret`. */
  clientSecret?: string;
};

export type FakeKakao = { url: string; port: number; close(): Promise<void> };

const IMAGE_PATH = '/img/default_profile.svg';

type Route = { methods: readonly string[]; handle: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void };

/**
 * Starts a local stand-in for Kakao login: kauth.kakao.com (consent page, authorization code +
 * PKCE, token) and kapi.kakao.com (`/v2/user/me`) on one base URL, one registered client.
 *
 * @example
 * const kakao = await startFakeKakao({ port: 0 });
 * // Auth.js: authorization `${kakao.url}/oauth/authorize?scope`, token `${kakao.url}/oauth/token`,
 * // userinfo `${kakao.url}/v2/user/me`
 * await kakao.close();
 */
export async function startFakeKakao(options: FakeKakaoOptions = {}): Promise<FakeKakao> {
  const client: Client = { id: options.clientId ?? 'local-kakao-client', secret: options.clientSecret ?? 'local-kakao-secret' };
  const sink = options.log ?? ((line: string) => console.log(line));
  // Nicknames and codes come from the outside; keep them from forging extra log lines.
  const log = (line: string) => sink(line.replace(/[\u0000-\u001f\u007f]/g, '?'));
  const host = options.host ?? '127.0.0.1';
  const store = new GrantStore();
  let imageUrl = '';

  function answer(res: ServerResponse, outcome: AuthorizeOutcome, what: string): void {
    log(`${what}: ${outcome.log}`);
    if (outcome.kind === 'redirect') sendRedirect(res, outcome.to);
    else sendHtml(res, outcome.status, outcome.html);
  }

  const routes: Record<string, Route> = {
    '/health': { methods: ['GET', 'HEAD'], handle: (_req, res) => sendJson(res, 200, { ok: true }) },
    '/__fake/reset': {
      methods: ['POST'],
      handle: (_req, res) => {
        store.clear();
        log('reset: codes and tokens cleared');
        sendJson(res, 200, { ok: true });
      },
    },
    '/oauth/authorize': {
      methods: ['GET'],
      handle: (_req, res, url) => answer(res, showConsent(url.searchParams, { client, store }), 'authorize'),
    },
    '/oauth/authorize/decision': {
      methods: ['POST'],
      handle: async (req, res) => {
        if (!isFormBody(req)) {
          log('authorize decision: 400 not a form post');
          return sendHtml(res, 400, errorPage('KOE001', '잘못된 요청입니다.', 'The consent decision must be a form post.'));
        }
        answer(res, decide(new URLSearchParams(await readBody(req)), { client, store }), 'authorize decision');
      },
    },
    '/oauth/token': {
      methods: ['POST'],
      handle: async (req, res) => {
        const form = new URLSearchParams(await readBody(req));
        const result = exchangeToken({ form, authorization: req.headers.authorization, isForm: isFormBody(req) }, { client, store });
        log(`token (${form.get('grant_type') ?? 'no grant_type'}): ${result.log}`);
        sendJson(res, result.status, result.body);
      },
    },
    // kapi.kakao.com takes GET and POST for the user API alike.
    '/v2/user/me': {
      methods: ['GET', 'POST'],
      handle: (req, res) => {
        const result = userInfo(req.headers.authorization, { store, imageUrl });
        log(`user/me: ${result.log}`);
        sendJson(res, result.status, result.body);
      },
    },
    [IMAGE_PATH]: {
      methods: ['GET', 'HEAD'],
      handle: (_req, res) => {
        res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400' });
        res.end(DEFAULT_PROFILE_SVG);
      },
    },
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake-kakao.invalid');
    const route = routes[url.pathname];
    const method = req.method ?? 'GET';
    if (route === undefined) return sendJson(res, 404, { msg: `no such endpoint: ${url.pathname}`, code: -404 });
    if (!route.methods.includes(method)) {
      res.setHeader('allow', route.methods.join(', '));
      return sendJson(res, 405, { msg: `method ${method} not allowed`, code: -405 });
    }
    Promise.resolve(route.handle(req, res, url)).catch((err: unknown) => {
      const tooLarge = err instanceof BodyTooLargeError;
      log(`${method} ${url.pathname}: ${tooLarge ? '413' : '500'} ${String(err)}`);
      if (!res.headersSent) sendJson(res, tooLarge ? 413 : 500, { msg: tooLarge ? 'request body too large' : 'internal error', code: -1 });
      else res.destroy();
    });
  });

  const { url, port } = await listen(server, { port: options.port, host });
  imageUrl = `${url}${IMAGE_PATH}`;

  return { url, port, close: () => closeServer(server) };
}

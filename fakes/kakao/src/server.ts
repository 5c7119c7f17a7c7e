import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chosenUser, exchangeToken, userInfo, type Client } from './oauth';
import { consentPage, errorPage } from './pages';
import { GrantStore } from './store';

export type FakeKakaoOptions = {
  port?: number;
  host?: string;
  clientId?: string;
  clientSecret?: string;
  log?: (line: string) => void;
};

export type FakeKakao = { url: string; port: number; close(): Promise<void> };

const AUTHORIZE_PARAMS = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'nonce'] as const;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function redirect(res: ServerResponse, to: URL): void {
  res.writeHead(302, { location: to.toString(), 'cache-control': 'no-store' });
  res.end();
}

/**
 * Starts a local stand-in for Kakao login (kauth.kakao.com and kapi.kakao.com on one
 * base URL): consent page, authorization-code + PKCE token endpoint, and the user API.
 *
 * @example const kakao = await startFakeKakao({ port: 0 }); // authorize at `${kakao.url}/oauth/authorize`
 */
export async function startFakeKakao(options: FakeKakaoOptions = {}): Promise<FakeKakao> {
  const client: Client = { id: options.clientId ?? 'local-kakao-client', secret: options.clientSecret ?? 'local-kakao-secret' };
  const log = options.log ?? ((line: string) => console.log(line));
  const store = new GrantStore();
  const connectedAt = new Date().toISOString();

  function authorize(url: URL, res: ServerResponse): void {
    const params: Record<string, string> = {};
    for (const name of AUTHORIZE_PARAMS) {
      const value = url.searchParams.get(name);
      if (value !== null) params[name] = value;
    }
    if (params.client_id !== client.id) {
      log(`authorize: unknown client_id ${params.client_id ?? '(none)'}`);
      return html(res, 400, errorPage('KOE101', '잘못된 앱 키입니다. 앱 키를 확인해 주세요. (Unknown client_id)'));
    }
    if (!params.redirect_uri || !/^https?:\/\//.test(params.redirect_uri)) {
      return html(res, 400, errorPage('KOE006', 'redirect_uri가 없거나 올바르지 않습니다. (Missing or invalid redirect_uri)'));
    }
    if (params.response_type !== 'code') {
      return html(res, 400, errorPage('KOE205', 'response_type은 code여야 합니다. (response_type must be code)'));
    }
    log(`authorize: consent page for ${params.redirect_uri}`);
    html(res, 200, consentPage(params, client.id));
  }

  function decide(form: URLSearchParams, res: ServerResponse): void {
    const redirectUri = form.get('redirect_uri') ?? '';
    if (form.get('client_id') !== client.id || !/^https?:\/\//.test(redirectUri)) {
      return html(res, 400, errorPage('KOE101', '잘못된 요청입니다. (Bad consent form)'));
    }
    const target = new URL(redirectUri);
    const state = form.get('state');
    if (form.get('decision') !== 'approve') {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_description', 'User denied access');
      if (state !== null) target.searchParams.set('state', state);
      log('authorize: denied');
      return redirect(res, target);
    }
    const user = chosenUser(form);
    if (!user) return html(res, 400, errorPage('KOE320', '닉네임을 입력해 주세요. (Pick a user or type a nickname)'));
    const method = form.get('code_challenge_method') === 'plain' ? 'plain' : 'S256';
    const code = store.issueCode({ user, clientId: client.id, redirectUri, challenge: form.get('code_challenge'), challengeMethod: method });
    target.searchParams.set('code', code);
    if (state !== null) target.searchParams.set('state', state);
    log(`authorize: approved as ${user.nickname} (${user.id})`);
    redirect(res, target);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const handle = async () => {
      if (url.pathname === '/health') return json(res, 200, { ok: true });
      if (url.pathname === '/__fake/reset' && req.method === 'POST') {
        store.clear();
        return json(res, 200, { ok: true });
      }
      if (url.pathname === '/oauth/authorize' && req.method === 'GET') return authorize(url, res);
      if (url.pathname === '/oauth/authorize/decision' && req.method === 'POST') return decide(new URLSearchParams(await readBody(req)), res);
      if (url.pathname === '/oauth/token' && req.method === 'POST') {
        const result = exchangeToken(new URLSearchParams(await readBody(req)), req.headers.authorization, client, store);
        log(`token: ${result.status === 200 ? 'issued' : `${result.status} ${result.body.error}`}`);
        return json(res, result.status, result.body);
      }
      if (url.pathname === '/v2/user/me' && (req.method === 'GET' || req.method === 'POST')) {
        const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
        const user = bearer ? store.userForAccessToken(bearer) : undefined;
        if (!user) return json(res, 401, { msg: 'this access token does not exist', code: -401 });
        log(`user/me: ${user.id}`);
        return json(res, 200, userInfo(user, connectedAt));
      }
      json(res, 404, { msg: `no such endpoint ${req.method} ${url.pathname}`, code: -404 });
    };
    handle().catch((err: unknown) => {
      log(`! ${String(err)}`);
      if (!res.headersSent) json(res, 500, { msg: 'internal error', code: -1 });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

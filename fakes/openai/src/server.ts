import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listen, type FakeServerOptions } from '@chat/fake-server';
import { serveCompletion, type CompletionDeps } from './completion';
import { serveControl } from './control';
import { invalidApiKey, invalidRequest, invalidUrl, OpenAIHttpError, serverError } from './errors';
import { sendError, sendJson } from './http';
import { KnobError, KnobSettings } from './knobs';
import { getModel, listModels } from './models';
import { StatsBook, type FakeStats } from './stats';

export type { FakeStats, RequestRecord } from './stats';

/** `log` (the per-request start / end / abort lines) defaults to stdout. */
export type FakeOpenAIOptions = FakeServerOptions & {
  /** When set, only this key is accepted; otherwise any non-empty bearer key is. */
  apiKey?: string;
  /** Default time to first token (ms); 200 unless set. */
  ttftMs?: number;
  /** Default gap between tokens (ms); 20 unless set. */
  gapMs?: number;
  /** Default answer length in tokens; 50 unless set. */
  tokens?: number;
};

export type FakeOpenAI = {
  /** The base URL to give the SDK, including `/v1`, e.g. `http://127.0.0.1:8790/v1`. */
  url: string;
  port: number;
  stats(): FakeStats;
  /** Stops listening and cuts open answers (streams, hangs), so tests do not wait on them. */
  close(): Promise<void>;
};

function checkKey(authorization: string | undefined, apiKey: string | undefined): void {
  const key = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (key === undefined || (apiKey !== undefined && key !== apiKey)) throw invalidApiKey(key);
}

/**
 * Starts a local stand-in for OpenAI's chat completions API on loopback. It speaks the real
 * wire format (chunks, usage chunk, `[DONE]`, error bodies), so the official SDK and our
 * Worker use it unchanged, and has knobs for latency and failures.
 *
 * @example
 * const fake = await startFakeOpenAI({ port: 0, log: () => {} });
 * const client = new OpenAI({ apiKey: 'sk-test', baseURL: fake.url });
 */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const host = options.host ?? '127.0.0.1';
  const deps: CompletionDeps = {
    settings: new KnobSettings({ ttftMs: options.ttftMs, gapMs: options.gapMs, tokens: options.tokens }),
    stats: new StatsBook(),
    log: options.log ?? ((line) => console.log(`${new Date().toISOString()} ${line}`)),
    open: new Set(),
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (path.startsWith('/__fake/')) return serveControl(req, res, path, deps);
    if (!path.startsWith('/v1/')) throw invalidUrl(method, path);
    checkKey(req.headers.authorization, options.apiKey);
    if (method === 'POST' && path === '/v1/chat/completions') return serveCompletion(req, res, deps);
    if (method === 'GET' && path === '/v1/models') return sendJson(res, 200, listModels());
    const model = /^\/v1\/models\/([^/]+)$/.exec(path)?.[1];
    if (method === 'GET' && model !== undefined) return sendJson(res, 200, getModel(decodeURIComponent(model)));
    throw invalidUrl(method, path);
  }

  // noDelay: each chunk must leave the moment it is written, not when Nagle sees fit.
  const server = createServer({ noDelay: true }, (req, res) => {
    route(req, res).catch((err: unknown) => {
      // A client that left mid-body has nobody to answer.
      if (res.headersSent || res.destroyed) return void res.destroy();
      if (err instanceof OpenAIHttpError) return sendError(res, err);
      if (err instanceof KnobError) return sendError(res, invalidRequest(err.message));
      deps.log(`error ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      sendError(res, serverError());
    });
  });

  const { url, port } = await listen(server, { port: options.port, host });

  let closing: Promise<void> | undefined;
  return {
    url: `${url}/v1`,
    port,
    stats: () => deps.stats.snapshot(),
    close: () => {
      if (closing) return closing;
      for (const shutdown of [...deps.open]) shutdown();
      return (closing = closeServer(server));
    },
  };
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerTokens, countPromptTokens } from './answer';
import { chunkFrame, DONE_FRAME, errorBody, newChunkBase, usageFrame } from './frames';
import { DEFAULT_KNOBS, knobsFromHeaders, knobsFromText, type Knobs } from './knobs';

export type FakeOpenAIOptions = {
  port?: number;
  host?: string;
  /** When set, only this key is accepted; otherwise any non-empty bearer key is. */
  apiKey?: string;
  ttftMs?: number;
  gapMs?: number;
  tokens?: number;
  log?: (line: string) => void;
};

export type RequestRecord = {
  id: string;
  model: string;
  messages: number;
  max_tokens: number | null;
  stream: boolean;
  status: number;
  tokensSent: number;
  aborted: boolean;
  completed: boolean;
};

export type FakeStats = {
  requests: number;
  streamsStarted: number;
  streamsCompleted: number;
  streamsAborted: number;
  lastRequests: RequestRecord[];
};

export type FakeOpenAI = { url: string; port: number; stats(): FakeStats; close(): Promise<void> };

const MODELS = ['gpt-4o-mini', 'gpt-4.1-mini', 'gpt-4o', 'gpt-4.1', 'o4-mini'];
const KEEP_RECORDS = 200;

type ChatBody = {
  model: string;
  messages: { role: string; content: string }[];
  stream: boolean;
  includeUsage: boolean;
  maxTokens: number | null;
};

/** Checks a chat request the way OpenAI does: a message says which parameter is wrong. */
function parseChatBody(raw: unknown): ChatBody | string {
  if (typeof raw !== 'object' || raw === null) return 'The request body must be a JSON object.';
  const body = raw as Record<string, unknown>;
  if (typeof body.model !== 'string' || body.model === '') return "you must provide a model parameter";
  if (!Array.isArray(body.messages) || body.messages.length === 0) return "'messages' must be a non-empty array";
  const messages: { role: string; content: string }[] = [];
  for (const m of body.messages as unknown[]) {
    if (typeof m !== 'object' || m === null) return "'messages' items must be objects";
    const { role, content } = m as Record<string, unknown>;
    if (typeof role !== 'string') return "each message needs a 'role'";
    messages.push({ role, content: typeof content === 'string' ? content : JSON.stringify(content ?? '') });
  }
  const limit = body.max_completion_tokens ?? body.max_tokens;
  if (limit !== undefined && limit !== null && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)) {
    return "'max_tokens' must be a positive integer";
  }
  const options = body.stream_options as Record<string, unknown> | undefined;
  return {
    model: body.model,
    messages,
    stream: body.stream === true,
    includeUsage: options?.include_usage === true,
    maxTokens: typeof limit === 'number' ? limit : null,
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number): void {
  const byStatus: Record<number, [string, string, string | null]> = {
    400: ['Bad request.', 'invalid_request_error', null],
    401: ['Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'],
    403: ['You are not allowed to use this model.', 'invalid_request_error', 'model_not_found'],
    404: ['The model does not exist or you do not have access to it.', 'invalid_request_error', 'model_not_found'],
    429: ['Rate limit reached for requests. Please try again in 1s.', 'requests', 'rate_limit_exceeded'],
    503: ['The engine is currently overloaded, please try again later.', 'server_error', null],
  };
  const [message, type, code] = byStatus[status] ?? ['The server had an error while processing your request.', 'server_error', null];
  sendJson(res, status, errorBody(message, type, code), status === 429 ? { 'retry-after': '1' } : {});
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : {};
}

/**
 * Starts a local stand-in for the OpenAI chat completions API that speaks its wire format
 * (chunks, usage chunk, `[DONE]`, error bodies) with knobs for timing and failures.
 *
 * @example const fake = await startFakeOpenAI({ port: 0 }); new OpenAI({ apiKey: 'sk-x', baseURL: fake.url })
 */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const log = options.log ?? ((line: string) => console.log(line));
  const base: Knobs = {
    ...DEFAULT_KNOBS,
    ...(options.ttftMs !== undefined && { ttftMs: options.ttftMs }),
    ...(options.gapMs !== undefined && { gapMs: options.gapMs }),
    ...(options.tokens !== undefined && { tokens: options.tokens }),
  };
  let runtime: Partial<Knobs> = {};
  let stats: FakeStats = { requests: 0, streamsStarted: 0, streamsCompleted: 0, streamsAborted: 0, lastRequests: [] };
  const open = new Set<ServerResponse>();
  let seq = 0;

  function record(r: RequestRecord): RequestRecord {
    stats.lastRequests.push(r);
    if (stats.lastRequests.length > KEEP_RECORDS) stats.lastRequests.shift();
    return r;
  }

  function authorized(req: IncomingMessage): boolean {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!match?.[1]) return false;
    return options.apiKey === undefined || match[1] === options.apiKey;
  }

  async function completions(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw: unknown;
    try {
      raw = await readJson(req);
    } catch {
      return sendJson(res, 400, errorBody('We could not parse the JSON body of your request.', 'invalid_request_error', null));
    }
    const body = parseChatBody(raw);
    if (typeof body === 'string') return sendJson(res, 400, errorBody(body, 'invalid_request_error', null));
    stats.requests++;

    const lastUser = [...body.messages].reverse().find((m) => m.role === 'user');
    const directive = knobsFromText(lastUser?.content ?? '');
    const knobs: Knobs = { ...base, ...runtime, ...knobsFromHeaders(req.headers), ...directive.knobs };
    const rec = record({
      id: `req_${++seq}`,
      model: body.model,
      messages: body.messages.length,
      max_tokens: body.maxTokens,
      stream: body.stream,
      status: knobs.status ?? 200,
      tokensSent: 0,
      aborted: false,
      completed: false,
    });
    log(`→ ${rec.id} ${body.model} ${body.stream ? 'stream' : 'json'} messages=${body.messages.length} max_tokens=${body.maxTokens ?? '-'}`);

    if (knobs.status !== undefined && knobs.status !== 200) {
      log(`← ${rec.id} status ${knobs.status}`);
      return sendError(res, knobs.status);
    }

    const words = answerTokens(directive.text, knobs.tokens);
    const limit = body.maxTokens ?? Number.POSITIVE_INFINITY;
    const sent = words.slice(0, Math.min(words.length, limit));
    const finishReason = words.length > limit ? 'length' : 'stop';
    const promptTokens = countPromptTokens(body.messages);
    const completionTokens = sent.length;

    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    res.on('close', () => {
      open.delete(res);
      clearTimeout(timer);
      if (!rec.completed) {
        closed = true;
        rec.aborted = true;
        if (body.stream) stats.streamsAborted++;
        log(`✕ ${rec.id} client went away after ${rec.tokensSent} tokens: generation stopped`);
      }
    });
    open.add(res);
    const sleep = (ms: number) => new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));

    if (knobs.hang) return;

    if (!body.stream) {
      await sleep(knobs.ttftMs);
      if (closed) return;
      rec.tokensSent = sent.length;
      rec.completed = true;
      sendJson(res, 200, {
        id: newChunkBase(body.model, false).id,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        system_fingerprint: 'fp_fake',
        choices: [{ index: 0, message: { role: 'assistant', content: sent.join(''), refusal: null }, logprobs: null, finish_reason: finishReason }],
        usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
      });
      log(`← ${rec.id} done (${completionTokens} tokens)`);
      return;
    }

    stats.streamsStarted++;
    const chunkBase = newChunkBase(body.model, body.includeUsage);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    // Headers and the role chunk go out at once, as OpenAI's do; the first content token waits for ttft.
    res.write(chunkFrame(chunkBase, { role: 'assistant', content: '', refusal: null }, null));

    if (knobs.garbage) {
      await sleep(knobs.ttftMs);
      if (closed) return;
      res.write('data: {"this is": not json\n\n');
      res.write('data: <html>Bad gateway</html>\n\n');
      rec.completed = true;
      res.end();
      return;
    }

    await sleep(knobs.ttftMs);
    for (let i = 0; i < sent.length; i++) {
      if (closed) return;
      if (knobs.failAfter !== undefined && i >= knobs.failAfter) {
        rec.completed = true;
        log(`✕ ${rec.id} failing after ${i} tokens (${knobs.failMode})`);
        if (knobs.failMode === 'drop') {
          res.destroy();
          return;
        }
        res.end(`data: ${JSON.stringify(errorBody('The server had an error while processing your request.', 'server_error', null))}\n\n`);
        return;
      }
      if (i > 0) await sleep(knobs.gapMs);
      if (closed) return;
      res.write(chunkFrame(chunkBase, { content: sent[i] }, null));
      rec.tokensSent++;
    }
    rec.completed = true;
    res.write(chunkFrame(chunkBase, {}, finishReason));
    if (body.includeUsage) res.write(usageFrame(chunkBase, promptTokens, completionTokens));
    res.end(DONE_FRAME);
    stats.streamsCompleted++;
    log(`← ${rec.id} done (${completionTokens} tokens, ${finishReason})`);
  }

  async function control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === '/__fake/stats' && req.method === 'GET') return sendJson(res, 200, stats);
    if (path === '/__fake/reset' && req.method === 'POST') {
      runtime = {};
      stats = { requests: 0, streamsStarted: 0, streamsCompleted: 0, streamsAborted: 0, lastRequests: [] };
      return sendJson(res, 200, { ok: true });
    }
    if (path === '/__fake/config' && req.method === 'POST') {
      const raw = (await readJson(req).catch(() => null)) as Record<string, unknown> | null;
      if (!raw || typeof raw !== 'object') return sendJson(res, 400, errorBody('config must be a JSON object', 'invalid_request_error', null));
      const pairs = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
      runtime = { ...runtime, ...knobsFromText(`[[fake ${Object.entries(pairs).map(([k, v]) => `${k}=${v}`).join(' ')}]]`).knobs };
      return sendJson(res, 200, { ...base, ...runtime });
    }
    sendJson(res, 404, errorBody(`Unknown fake control ${path}`, 'invalid_request_error', null));
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const handle = async () => {
      if (path === '/health') return sendJson(res, 200, { ok: true });
      if (path.startsWith('/__fake/')) return control(req, res, path);
      if (!path.startsWith('/v1/')) return sendJson(res, 404, errorBody(`Invalid URL (${req.method} ${path})`, 'invalid_request_error', null));
      if (!authorized(req)) {
        return sendJson(
          res,
          401,
          errorBody('Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_request_error', 'invalid_api_key'),
        );
      }
      if (path === '/v1/chat/completions' && req.method === 'POST') return completions(req, res);
      if (path === '/v1/models' && req.method === 'GET') {
        return sendJson(res, 200, { object: 'list', data: MODELS.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'system' })) });
      }
      const model = /^\/v1\/models\/([^/]+)$/.exec(path)?.[1];
      if (model && req.method === 'GET') {
        return MODELS.includes(model)
          ? sendJson(res, 200, { id: model, object: 'model', created: 1_700_000_000, owned_by: 'system' })
          : sendError(res, 404);
      }
      sendJson(res, 404, errorBody(`Invalid URL (${req.method} ${path})`, 'invalid_request_error', null));
    };
    handle().catch((err: unknown) => {
      log(`! ${String(err)}`);
      if (!res.headersSent) sendError(res, 500);
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/v1`,
    port,
    stats: () => stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

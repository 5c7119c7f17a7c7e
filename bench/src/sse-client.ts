import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * `openai`: OpenAI's chunk stream (`data: {chunk}` … `data: [DONE]`), as the fake sends it.
 * `contract`: the Worker's event stream (contract section 6: meta, delta, usage, done, error).
 */
export type StreamKind = 'openai' | 'contract';

export type StreamRequest = {
  url: string;
  kind: StreamKind;
  headers: Record<string, string>;
  body: string;
  method?: string;
};

export type Usage = { promptTokens: number; completionTokens: number; totalTokens: number };

/** One stream as the client saw it; times are ms from just before the request was sent. */
export type StreamResult = {
  status: number;
  /** Response headers arrived. */
  ttfbMs: number | null;
  /** The first content token arrived. */
  firstTokenMs: number | null;
  /** Arrival time of every content token. */
  tokenAt: number[];
  usage: Usage | null;
  /** `event: done` (contract) or `data: [DONE]` (openai) arrived. */
  done: boolean;
  /** The contract's `event: error` code, an HTTP error code from a JSON body, or a transport error. */
  error: string | null;
  /** The client cut the stream on purpose (`abortAfterTokens`). */
  aborted: boolean;
  headers: Record<string, string | string[] | undefined>;
  /** Non-stream bodies (errors) are kept whole. */
  body: string;
  /** Event names in order (contract streams). */
  events: string[];
  durationMs: number;
};

export type OpenStreamOptions = {
  agent: Agent;
  /** Destroys the request once this many tokens have arrived. */
  abortAfterTokens?: number;
  /** Gives up (error `client_timeout`) after this long. */
  timeoutMs?: number;
};

/**
 * An agent with no socket limit, so one process holds every stream of a level open at once.
 * No keep-alive: a stream on a reused socket the server is just closing fails with
 * ECONNRESET, which would count against the server; a fresh loopback connection costs
 * every path the same fraction of a millisecond.
 */
export function streamAgent(): Agent {
  return new Agent({ keepAlive: false, maxSockets: Infinity });
}

/**
 * Sends one streaming request with node:http and parses the event stream as it arrives,
 * recording when the headers, the first token and every later token came in.
 *
 * @example const r = await openStream({ url, kind: 'contract', headers, body }, { agent })
 */
export function openStream(req: StreamRequest, options: OpenStreamOptions): Promise<StreamResult> {
  const started = performance.now();
  const since = () => performance.now() - started;
  const result: StreamResult = {
    status: 0,
    ttfbMs: null,
    firstTokenMs: null,
    tokenAt: [],
    usage: null,
    done: false,
    error: null,
    aborted: false,
    headers: {},
    body: '',
    events: [],
    durationMs: 0,
  };

  return new Promise((resolve) => {
    let settled = false;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      if (error && !result.error) result.error = error;
      result.durationMs = since();
      clearTimeout(timer);
      resolve(result);
    };
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
      finish('client_timeout');
      request.destroy();
    }, options.timeoutMs);

    const request = httpRequest(req.url, { method: req.method ?? 'POST', headers: req.headers, agent: options.agent }, (res) => {
      result.ttfbMs = since();
      result.status = res.statusCode ?? 0;
      result.headers = res.headers;
      res.setEncoding('utf8');
      const isStream = String(res.headers['content-type'] ?? '').startsWith('text/event-stream');
      let buffer = '';
      const onToken = (at: number) => {
        result.firstTokenMs ??= at;
        result.tokenAt.push(at);
        if (options.abortAfterTokens !== undefined && result.tokenAt.length >= options.abortAfterTokens) {
          result.aborted = true;
          finish();
          request.destroy();
        }
      };
      res.on('data', (chunk: string) => {
        if (!isStream) {
          result.body += chunk;
          return;
        }
        const at = since();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0 && !settled) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (req.kind === 'openai') readOpenAIFrame(block, result, at, onToken);
          else readContractEvent(block, result, at, onToken);
        }
      });
      res.on('end', () => {
        if (!isStream && result.status >= 400) result.error = errorCodeOf(result.body, result.status);
        finish(isStream && !result.done && !result.error ? 'stream_ended_early' : undefined);
      });
      res.on('error', (err) => finish(result.aborted ? undefined : `response_error: ${err.message}`));
      res.on('close', () => finish(result.aborted || result.done || result.error ? undefined : 'connection_closed'));
    });
    request.on('error', (err) => finish(result.aborted ? undefined : `request_error: ${err.message}`));
    request.end(req.body);
  });
}

function errorCodeOf(body: string, status: number): string {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: string | null; type?: string } };
    return parsed.error?.code ?? parsed.error?.type ?? `http_${status}`;
  } catch {
    return `http_${status}`;
  }
}

function readOpenAIFrame(block: string, result: StreamResult, at: number, onToken: (at: number) => void): void {
  for (const line of block.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (data === '[DONE]') {
      result.done = true;
      continue;
    }
    let chunk: { choices?: { delta?: { content?: string } }[]; usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null; error?: unknown };
    try {
      chunk = JSON.parse(data) as typeof chunk;
    } catch {
      result.error ??= 'malformed_chunk';
      continue;
    }
    if (chunk.error) result.error ??= 'upstream_error_frame';
    if (chunk.choices?.[0]?.delta?.content) onToken(at);
    if (chunk.usage) result.usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens, totalTokens: chunk.usage.total_tokens };
  }
}

function readContractEvent(block: string, result: StreamResult, at: number, onToken: (at: number) => void): void {
  let event = 'message';
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      result.events.push('ping');
      return;
    }
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data += line.slice(5).trim();
  }
  result.events.push(event);
  switch (event) {
    case 'delta':
      onToken(at);
      return;
    case 'usage':
      result.usage = JSON.parse(data) as Usage;
      return;
    case 'done':
      result.done = true;
      return;
    case 'error':
      result.error ??= (JSON.parse(data) as { code?: string }).code ?? 'stream_error';
      return;
  }
}

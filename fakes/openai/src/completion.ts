import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { serverError, simulatedError } from './errors';
import { readJson, sendError, sendJson } from './http';
import { knobsFromDirective, knobsFromHeaders, type Knobs, type KnobSettings } from './knobs';
import { markdownTokens } from './markdown';
import { parseChatRequest, type ChatRequest } from './request';
import type { Outcome, RequestRecord, StatsBook } from './stats';
import { ChunkFramer, completionId, DONE_FRAME, errorFrame, GARBAGE_FRAMES, SSE_HEADERS, SYSTEM_FINGERPRINT, usage, type FinishReason } from './stream';
import { answerTokens, countPromptTokens } from './tokens';

export type CompletionDeps = {
  settings: KnobSettings;
  stats: StatsBook;
  log: (line: string) => void;
  /** Shutdown hooks of answers still open, so the server's close() can end them. */
  open: Set<() => void>;
};

/**
 * One answer in flight. A client that goes away aborts `signal`, which cancels the pending
 * timer, so generation stops at once instead of writing into a dead socket.
 */
class Exchange {
  private readonly controller = new AbortController();
  private readonly started = Date.now();
  private readonly shutdown = () => {
    if (this.end('shutdown', 'cut by server shutdown')) this.res.destroy();
  };

  constructor(
    private readonly res: ServerResponse,
    readonly record: RequestRecord,
    private readonly deps: CompletionDeps,
  ) {
    deps.open.add(this.shutdown);
    res.once('close', () => {
      this.controller.abort();
      this.end('aborted', `client went away after ${record.tokensSent} tokens; generation stopped`);
    });
  }

  /** Sleeps `ms`; false when the client left meanwhile, and the caller must not write again. */
  async wait(ms: number): Promise<boolean> {
    if (this.controller.signal.aborted) return false;
    try {
      await sleep(ms, undefined, { signal: this.controller.signal });
      return true;
    } catch {
      return false;
    }
  }

  /** Records how the answer ended and logs it; false when it had already ended. */
  end(outcome: Exclude<Outcome, 'pending'>, detail: string): boolean {
    if (!this.deps.stats.end(this.record, outcome)) return false;
    this.deps.open.delete(this.shutdown);
    this.deps.log(`${this.record.id} ${outcome} ${detail} (${Date.now() - this.started} ms)`);
    return true;
  }

  /** Cuts the connection without an HTTP ending, as a crashed upstream would. */
  drop(detail: string): void {
    if (this.end('failed', detail)) this.res.destroy();
  }
}

function describe(body: ChatRequest, knobs: Knobs): string {
  const parts = [
    body.model,
    body.stream ? 'stream' : 'json',
    `messages=${body.messages.length}`,
    `max_tokens=${body.maxTokens ?? '-'}`,
    `tokens=${knobs.tokens}`,
    `ttft=${knobs.ttftMs}ms`,
    `gap=${knobs.gapMs}ms`,
  ];
  if (knobs.status !== null) parts.push(`status=${knobs.status}`);
  if (knobs.failAfter !== null) parts.push(`fail_after=${knobs.failAfter}/${knobs.failMode}`);
  if (knobs.hang) parts.push('hang');
  if (knobs.garbage) parts.push('garbage');
  if (knobs.holdHeaders) parts.push('hold_headers');
  if (knobs.markdown) parts.push('markdown');
  if (knobs.retryAfter !== null) parts.push(`retry_after=${knobs.retryAfter}s`);
  return parts.join(' ');
}

/** `POST /v1/chat/completions`: validates, applies the knobs, and answers as JSON or as a paced stream. */
export async function serveCompletion(req: IncomingMessage, res: ServerResponse, deps: CompletionDeps): Promise<void> {
  const body = parseChatRequest(await readJson(req));
  // Only the last user message: earlier turns' directives belong to answers already given.
  const directive = knobsFromDirective(body.messages.findLast((m) => m.role === 'user')?.content ?? '');
  const knobs = deps.settings.forRequest(knobsFromHeaders(req.headers), directive.knobs);
  if (knobs.down) {
    // Before any record or answer: to the caller this fake is not there at all.
    deps.stats.dropped();
    deps.log(`dropped a ${body.model} request: down`);
    req.socket.destroy();
    return;
  }

  const record = deps.stats.begin({ model: body.model, messages: body.messages.length, prompt: body.messages.map(({ role, content }) => ({ role, content })), max_tokens: body.maxTokens, stream: body.stream });
  deps.log(`${record.id} start ${describe(body, knobs)}`);
  const requestId = { 'x-request-id': record.id };

  if (knobs.status !== null) {
    const error = simulatedError(knobs.status, body.model, knobs.limit, knobs.retryAfter);
    record.status = error.status;
    deps.stats.end(record, 'rejected');
    deps.log(`${record.id} rejected ${error.status} ${error.code ?? error.type} (status knob)`);
    return sendError(res, error, requestId);
  }

  const tokens = knobs.markdown ? markdownTokens() : answerTokens(directive.text, knobs.tokens);
  const limit = body.maxTokens ?? Number.POSITIVE_INFINITY;
  const answer = tokens.slice(0, limit);
  const finishReason: FinishReason = tokens.length > limit ? 'length' : 'stop';
  const promptTokens = countPromptTokens(body.messages);
  // Fails when the token after the first `failAfter` is due; an answer shorter than that never fails.
  const failAt = knobs.failAfter !== null && knobs.failAfter <= answer.length ? knobs.failAfter : null;

  if (body.stream) deps.stats.streamStarted();
  const exchange = new Exchange(res, record, deps);
  if (knobs.hang) return;

  if (!body.stream) {
    // The whole answer arrives at once, when the last token would have been generated.
    if (!(await exchange.wait(knobs.ttftMs + knobs.gapMs * (failAt ?? answer.length)))) return;
    if (knobs.garbage) {
      res.writeHead(200, { 'content-type': 'application/json', ...requestId });
      res.end('<html><body>502 Bad Gateway</body></html>');
      exchange.end('failed', 'sent a body that is not JSON (garbage knob)');
      return;
    }
    if (failAt !== null) {
      if (knobs.failMode === 'drop') return exchange.drop(`dropped the connection instead of answering (fail_after=${failAt})`);
      record.status = 500;
      sendError(res, serverError(), requestId);
      exchange.end('failed', `answered 500 (fail_after=${failAt})`);
      return;
    }
    record.tokensSent = answer.length;
    sendJson(
      res,
      200,
      {
        id: completionId(),
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        system_fingerprint: SYSTEM_FINGERPRINT,
        choices: [{ index: 0, message: { role: 'assistant', content: answer.join(''), refusal: null, annotations: [] }, logprobs: null, finish_reason: finishReason }],
        usage: usage(promptTokens, answer.length),
      },
      requestId,
    );
    exchange.end('completed', `${answer.length} tokens finish=${finishReason}`);
    return;
  }

  const framer = new ChunkFramer(body.model, body.includeUsage);
  const openStream = () => {
    res.writeHead(200, { ...SSE_HEADERS, ...requestId });
    res.flushHeaders();
  };
  // Headers go out now, as OpenAI's do, and the wait for the first content token is what
  // callers time; with hold_headers they wait for that token before they see any answer.
  if (!knobs.holdHeaders) openStream();
  if (knobs.garbage) {
    if (!(await exchange.wait(knobs.ttftMs))) return;
    if (knobs.holdHeaders) openStream();
    for (const frame of GARBAGE_FRAMES) res.write(frame);
    res.end();
    exchange.end('failed', 'sent malformed SSE (garbage knob)');
    return;
  }
  if (!knobs.holdHeaders) res.write(framer.role());
  for (let i = 0; ; i++) {
    if (!(await exchange.wait(i === 0 ? knobs.ttftMs : knobs.gapMs))) return;
    if (i === 0 && knobs.holdHeaders) {
      openStream();
      res.write(framer.role());
    }
    if (i === failAt) {
      if (knobs.failMode === 'drop') return exchange.drop(`dropped the connection after ${i} tokens (fail_after)`);
      res.end(errorFrame(serverError().body()));
      exchange.end('failed', `sent an error frame after ${i} tokens (fail_after)`);
      return;
    }
    if (i === answer.length) break;
    res.write(framer.content(answer[i] ?? ''));
    record.tokensSent++;
  }
  res.write(framer.finish(finishReason));
  if (body.includeUsage) res.write(framer.usage(usage(promptTokens, answer.length)));
  res.end(DONE_FRAME);
  exchange.end('completed', `${answer.length} tokens finish=${finishReason}`);
}

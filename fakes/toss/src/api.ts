import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate } from './auth';
import { idempotentProcessing, TossError, unauthorizedKey } from './errors';
import { decodeSegment, readJson, sendError, sendJson } from './http';
import { parseIdempotencyKey, type StoredResponse } from './idempotency';
import type { Outcome } from './payments';
import type { FakeState } from './state';
import type { WebhookEvent } from './webhooks';

/**
 * The `/v1` API: Basic auth, then Idempotency-Key handling for POSTs, then the
 * call itself. Webhooks go out after the response, as Toss sends them
 * asynchronously; an idempotent replay sends none.
 */

type Result = StoredResponse & { events: WebhookEvent[] };
/** `body` is the parsed JSON of a POST (undefined for a GET). */
type Handler = (state: FakeState, body: unknown) => Result;

const ok = (body: unknown, events: WebhookEvent[] = []): Result => ({ status: 200, body, events });
const answer = ({ payment, events }: Outcome): Result => ok(payment, events);

function route(method: string, path: string): Handler | null {
  const segments = path.split('/').slice(1).map(decodeSegment);
  const [v1, resource, first, second] = segments;
  if (v1 !== 'v1' || !first) return null;

  if (resource === 'payments') {
    if (method === 'POST' && first === 'confirm' && segments.length === 3) {
      return (state, body) => answer(state.payments.confirm(body));
    }
    if (method === 'GET' && first === 'orders' && second && segments.length === 4) {
      return (state) => ok(state.payments.byOrderId(second));
    }
    if (method === 'GET' && segments.length === 3) {
      return (state) => ok(state.payments.get(first));
    }
    if (method === 'POST' && second === 'cancel' && segments.length === 4) {
      return (state, body) => answer(state.payments.cancel(first, body));
    }
  }
  if (resource === 'billing' && method === 'POST') {
    if (first === 'authorizations' && second === 'issue' && segments.length === 4) {
      return (state, body) => ok(state.billing.issue(body));
    }
    if (segments.length === 3) {
      return (state, body) => answer(state.billing.charge(first, body));
    }
  }
  return null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function run(handler: Handler, state: FakeState, req: IncomingMessage): Promise<Result> {
  try {
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    if (state.latencyMs > 0) await sleep(state.latencyMs);
    return handler(state, body);
  } catch (err) {
    if (err instanceof TossError) return { status: err.status, body: err.body(), events: [] };
    throw err;
  }
}

export async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, state: FakeState): Promise<void> {
  const method = req.method ?? 'GET';
  const secretKey = authenticate(req.headers.authorization, state.secretKey);
  if (secretKey === null) return sendError(res, unauthorizedKey());

  const handler = route(method, url.pathname);
  if (!handler) return sendError(res, new TossError(404, 'NOT_FOUND', '요청한 API를 찾을 수 없습니다.'));

  const key = method === 'POST' ? parseIdempotencyKey(req.headers['idempotency-key']) : null;
  if (key === null) {
    const result = await run(handler, state, req);
    return respond(res, state, result);
  }
  const claim = state.idempotency.claim(key, secretKey, method, url.pathname + url.search);
  if (claim.kind === 'replay') return sendJson(res, claim.response.status, claim.response.body);
  if (claim.kind === 'busy') return sendError(res, idempotentProcessing());
  let result: Result;
  try {
    result = await run(handler, state, req);
  } catch (err) {
    claim.release();
    throw err;
  }
  // A copy: the payment object keeps changing (cancel, deposit) but the replay must not.
  claim.finish({ status: result.status, body: structuredClone(result.body) });
  respond(res, state, result);
}

function respond(res: ServerResponse, state: FakeState, result: Result): void {
  sendJson(res, result.status, result.body);
  if (result.events.length > 0) setImmediate(() => void state.webhooks.send(result.events));
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidRequest, TossError } from './errors';
import { decodeSegment, readJson, sendJson } from './http';
import { parseSessionInput } from './payments';
import type { FakeState } from './state';
import { asObject, isHttpUrl, requireCustomerKey } from './validate';

/**
 * `/__fake/*`: knobs and inspection for tests, no auth. Calls that trigger
 * webhooks answer only after every delivery attempt, reporting the outcome.
 */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  state: FakeState,
): Promise<boolean> {
  const method = req.method ?? 'GET';
  const path = url.pathname;

  if (method === 'GET' && path === '/__fake/payments') {
    sendJson(res, 200, { payments: state.payments.all() });
    return true;
  }
  if (method === 'GET' && path === '/__fake/api-calls') {
    sendJson(res, 200, { calls: Object.fromEntries(state.apiCalls) });
    return true;
  }
  if (method === 'GET' && path === '/__fake/charges') {
    sendJson(res, 200, { charges: state.billing.charges() });
    return true;
  }
  if (method === 'GET' && path === '/__fake/webhooks') {
    // Deliveries still retrying finish first, so a test reads a settled log.
    await state.webhooks.settled();
    sendJson(res, 200, { deliveries: state.webhooks.list() });
    return true;
  }
  if (method === 'POST' && path === '/__fake/reset') {
    state.reset();
    sendJson(res, 200, { ok: true });
    return true;
  }
  if (method === 'POST' && path === '/__fake/config') {
    const fields = asObject(await readJson(req));
    if (fields.webhookUrl !== undefined) {
      const webhookUrl = fields.webhookUrl;
      if (webhookUrl !== null && (typeof webhookUrl !== 'string' || !isHttpUrl(webhookUrl))) {
        throw invalidRequest('webhookUrl은 http(s) URL 또는 null이어야 합니다.');
      }
      state.webhooks.url = webhookUrl;
    }
    if (fields.latencyMs !== undefined) {
      const latencyMs = fields.latencyMs;
      if (typeof latencyMs !== 'number' || !Number.isInteger(latencyMs) || latencyMs < 0) {
        throw invalidRequest('latencyMs는 0 이상의 정수여야 합니다.');
      }
      state.latencyMs = latencyMs;
    }
    sendJson(res, 200, { webhookUrl: state.webhooks.url, latencyMs: state.latencyMs });
    return true;
  }
  if (method === 'POST' && path === '/__fake/clock') {
    const { advanceMs } = asObject(await readJson(req));
    if (typeof advanceMs !== 'number' || !Number.isFinite(advanceMs) || advanceMs < 0) {
      throw invalidRequest('advanceMs는 0 이상의 숫자여야 합니다.');
    }
    state.clock.advance(advanceMs);
    sendJson(res, 200, { now: new Date(state.clock.now()).toISOString() });
    return true;
  }
  if (method === 'POST' && path === '/__fake/sessions') {
    const payment = state.payments.createSession(parseSessionInput(await readJson(req)));
    sendJson(res, 200, { paymentKey: payment.paymentKey });
    return true;
  }
  if (method === 'POST' && path === '/__fake/billing-auth') {
    const fields = asObject(await readJson(req));
    const customerKey = requireCustomerKey(fields);
    if (fields.decline !== undefined && typeof fields.decline !== 'boolean') throw invalidRequest('decline은 boolean이어야 합니다.');
    sendJson(res, 200, { authKey: state.billing.createAuth(customerKey, fields.decline === true) });
    return true;
  }
  const decline = /^\/__fake\/billing\/([^/]+)\/decline$/.exec(path);
  if (method === 'POST' && decline?.[1]) {
    const billingKey = decodeSegment(decline[1]);
    const fields = asObject(await readJson(req));
    if (typeof fields.decline !== 'boolean') throw invalidRequest('decline은 boolean이어야 합니다.');
    if (!state.billing.setDecline(billingKey, fields.decline)) {
      throw new TossError(404, 'NOT_FOUND_BILLING', '존재하지 않는 빌링키 입니다.');
    }
    sendJson(res, 200, { billingKey, decline: fields.decline });
    return true;
  }
  const deposit = /^\/__fake\/virtual-accounts\/([^/]+)\/deposit$/.exec(path);
  if (method === 'POST' && deposit?.[1]) {
    const { payment, events } = state.payments.deposit(decodeSegment(deposit[1]));
    const body = structuredClone(payment);
    const deliveries = await state.webhooks.send(events);
    sendJson(res, 200, {
      payment: body,
      webhooks: deliveries.map((d) => ({
        eventType: d.eventType,
        delivered: d.delivered,
        statuses: d.attempts.map((a) => a.status),
      })),
    });
    return true;
  }
  return false;
}

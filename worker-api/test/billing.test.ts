import { createExecutionContext, createScheduledController, env, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { openBillingKey } from '../src/billing/billing-key-cipher';
import { confirmIdempotencyKey } from '../src/billing/orders';
import { reconcileWaitingDeposits } from '../src/billing/reconcile';
import { handleTossWebhook, WEBHOOK_CHECK_INTERVAL_MS } from '../src/billing/webhook';
import { addMonths } from '../src/billing/periods';
import { DAY_MS } from '../src/days';
import { chargeIdempotencyKey, periodOrderId, renewDueSubscriptions } from '../src/billing/subscriptions';
import type { Bindings } from '../src/env';
import worker from '../src/index';
import { authed, publishedKey, sign, USER_SCOPES, type TestKey } from './support/tokens';
import { newUser } from './support/users';
import { expectError, type ErrorBody } from './support/errors';

type Quote = { orderId: string; amount: number; orderName: string; customerKey: string; planId: string };
type PlanState = { id: string; name: string; expiresAt: string | null };
type PaymentJson = { paymentKey: string; orderId: string; status: string; amount: number; planId: string; virtualAccount: { accountNumber: string } | null };
type Confirmation = { payment: PaymentJson; plan: PlanState };
type SubscriptionJson = {
  id: string;
  planId: string;
  status: string;
  currentPeriodStart: string;
  currentPeriodEnd: string;
  nextChargeAt: string | null;
  cancelAtPeriodEnd: boolean;
  failedAttempts: number;
  lastError: string | null;
};
type SubscriptionState = { subscription: SubscriptionJson | null; plan: PlanState };
type FakePayment = { kind: string; payment: { paymentKey: string; orderId: string; status: string; secret: string | null } & Record<string, unknown> };
type Delivery = { eventType: string; body: Record<string, unknown> };
type ChargeCount = { approved: number; declined: number; orderIds: string[] };
type Me = { plan: { id: string; maxTokensPerRequest: number }; quota: { daily: { limit: number }; monthly: { limit: number } } };

const tossBase = inject('tossBaseUrl');
/** The Worker's bindings, secrets included (vitest.config.mts sets them). */
const bindings: Bindings = env;
const API = 'https://api.test';
let key: TestKey;

beforeAll(async () => {
  key = await publishedKey();
  // The fake records a webhook only when it has somewhere to send it. Nothing listens on this
  // port (the Worker under test has no URL), so every delivery fails fast and the test relays
  // the recorded bodies to the Worker itself.
  await fake('/__fake/config', { webhookUrl: 'http://127.0.0.1:9/worker-webhook' });
});

async function fake<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${tossBase}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`fake ${path}: ${res.status} ${await res.text()}`);
  return res.json<T>();
}

/** Calls the Toss API directly with the Worker's own secret key, as the Worker would. */
function tossApi(path: string, body: unknown, idempotencyKey?: string): Promise<Response> {
  const headers: Record<string, string> = { Authorization: `Basic ${btoa(`${bindings.TOSS_SECRET_KEY}:`)}`, 'Content-Type': 'application/json' };
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  return fetch(`${tossBase}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
}

function call(token: string | null, method: string, path: string, body?: unknown): Promise<Response> {
  const init: RequestInit = { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }) };
  return SELF.fetch(`${API}${path}`, token ? authed(token, init) : init);
}

async function order(token: string, planId = 'pro'): Promise<Quote> {
  const res = await call(token, 'POST', '/billing/orders', { planId });
  expect(res.status).toBe(201);
  return res.json<Quote>();
}

/** What the Toss payment window does when the buyer finishes: a payment waiting for confirm. */
async function payInWindow(quote: Quote, method: 'CARD' | 'CARD_DECLINE' | 'VIRTUAL_ACCOUNT' | 'EASY_PAY', amount = quote.amount): Promise<string> {
  const { paymentKey } = await fake<{ paymentKey: string }>('/__fake/sessions', {
    orderId: quote.orderId,
    amount,
    orderName: quote.orderName,
    method,
    customerKey: quote.customerKey,
  });
  return paymentKey;
}

function confirm(token: string, body: { paymentKey: string; orderId: string; amount: number }): Promise<Response> {
  return call(token, 'POST', '/billing/confirm', body);
}

async function me(token: string): Promise<Me> {
  return (await call(token, 'GET', '/me')).json<Me>();
}

async function paymentsAtToss(orderId: string): Promise<FakePayment[]> {
  const { payments } = await fake<{ payments: FakePayment[] }>('/__fake/payments');
  return payments.filter((p) => p.payment.orderId === orderId);
}

async function webhooksFor(orderId: string): Promise<Delivery[]> {
  const { deliveries } = await fake<{ deliveries: Delivery[] }>('/__fake/webhooks');
  return deliveries.filter((d) => d.body.orderId === orderId || (d.body.data as { orderId?: string } | undefined)?.orderId === orderId);
}

/** Hands a webhook body to the Worker's handler and says what became of it (the HTTP answer tells a caller nothing). */
function relay(body: unknown): Promise<string> {
  return handleTossWebhook(bindings, body);
}

/** Posts a webhook over HTTP and waits for the work it leaves behind. */
async function postWebhook(body: unknown): Promise<{ status: number; text: string }> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${API}/billing/webhook`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }), bindings, ctx);
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, text };
}

/** How many times the Worker read payments back from Toss. */
async function paymentLookups(): Promise<number> {
  const { calls } = await fake<{ calls: Record<string, number> }>('/__fake/api-calls');
  return Object.entries(calls)
    .filter(([call]) => call.startsWith('GET /v1/payments/'))
    .reduce((sum, [, n]) => sum + n, 0);
}

async function userRow(id: string) {
  return env.DB.prepare('SELECT plan_id, plan_expires_at FROM users WHERE id = ?').bind(id).first<{ plan_id: string; plan_expires_at: number | null }>();
}

async function orderStatus(id: string): Promise<string | undefined> {
  const row = await env.DB.prepare('SELECT status FROM orders WHERE id = ?').bind(id).first<{ status: string }>();
  return row?.status;
}

describe('plans and orders', () => {
  it('lists plans with prices and limits without a token, and documents every billing route', async () => {
    const res = await call(null, 'GET', '/billing/plans');
    expect(res.status).toBe(200);
    const { plans } = await res.json<{ plans: { id: string; priceKrw: number; monthlyTokenQuota: number; models: string[] }[] }>();
    expect(plans.map((p) => [p.id, p.priceKrw])).toEqual([
      ['free', 0],
      ['pro', 19900],
      ['team', 49000],
    ]);
    expect(plans[1]).toMatchObject({ monthlyTokenQuota: 3_000_000, models: expect.arrayContaining(['gpt-4o']) });

    const doc = await (await call(null, 'GET', '/openapi.json')).json<{ paths: Record<string, unknown> }>();
    for (const path of ['/billing/plans', '/billing/subscription', '/billing/payments', '/billing/orders', '/billing/confirm', '/billing/billing-key', '/billing/subscription/cancel', '/billing/webhook']) {
      expect(doc.paths).toHaveProperty([path]);
    }
  });

  it('prices an order on the server, whatever the browser sends', async () => {
    const user = await newUser(key);
    const res = await call(user.token, 'POST', '/billing/orders', { planId: 'pro', amount: 100 });
    expect(res.status).toBe(201);
    const quote = await res.json<Quote>();
    expect(quote).toEqual({ orderId: expect.stringMatching(/^[A-Za-z0-9_.-]{6,64}$/), amount: 19900, orderName: 'Pro plan, 1 month', customerKey: `cus_${user.id}`, planId: 'pro' });
    expect(await orderStatus(quote.orderId)).toBe('pending');
  });

  it('refuses the free plan, unknown plans, missing tokens and missing scopes', async () => {
    const user = await newUser(key);
    const free = await expectError(await call(user.token, 'POST', '/billing/orders', { planId: 'free' }), 400, 'invalid_request');
    expect(free.error.message).toMatch(/^body\.planId/);
    await expectError(await call(user.token, 'POST', '/billing/orders', { planId: 'platinum' }), 400, 'invalid_request');
    await expectError(await call(user.token, 'POST', '/billing/orders', {}), 400, 'invalid_request');
    await expectError(await call(null, 'POST', '/billing/orders', { planId: 'pro' }), 401, 'invalid_token');
    const readOnly = await sign(key, { sub: user.id, scopes: USER_SCOPES.filter((s) => s !== 'billing:write') });
    await expectError(await call(readOnly, 'POST', '/billing/orders', { planId: 'pro' }), 403, 'insufficient_scope');
    const noRead = await sign(key, { sub: user.id, scopes: ['chat:write'] });
    await expectError(await call(noRead, 'GET', '/billing/payments'), 403, 'insufficient_scope');
  });
});

describe('one-time payment', () => {
  it('refuses a confirm whose amount was tampered with, and activates nothing', async () => {
    const user = await newUser(key);
    const quote = await order(user.token);
    const paymentKey = await payInWindow(quote, 'CARD', 100);

    const body = await expectError(await confirm(user.token, { paymentKey, orderId: quote.orderId, amount: 100 }), 400, 'amount_mismatch');
    expect(body.error.message).toContain('19900');
    // With the order's amount, Toss itself refuses the window that was opened for 100.
    const toss = await confirm(user.token, { paymentKey, orderId: quote.orderId, amount: 19900 });
    expect(toss.status).toBe(400);
    expect((await toss.json<ErrorBody>()).error.code).toBe('INVALID_REQUEST');

    expect((await me(user.token)).plan.id).toBe('free');
    expect((await paymentsAtToss(quote.orderId)).map((p) => p.payment.status)).toEqual(['READY']);
  });

  it("404s an order that is not the caller's", async () => {
    const owner = await newUser(key);
    const other = await newUser(key);
    const quote = await order(owner.token);
    const paymentKey = await payInWindow(quote, 'CARD');
    await expectError(await confirm(other.token, { paymentKey, orderId: quote.orderId, amount: quote.amount }), 404, 'not_found');
    await expectError(await confirm(other.token, { paymentKey, orderId: 'ord_does_not_exist', amount: quote.amount }), 404, 'not_found');
  });

  it('confirms, activates pro for a month, and /me shows the new limits at once', async () => {
    const user = await newUser(key);
    const before = await me(user.token);
    expect(before.plan.id).toBe('free');

    const quote = await order(user.token);
    const paymentKey = await payInWindow(quote, 'CARD');
    const started = Date.now();
    const res = await confirm(user.token, { paymentKey, orderId: quote.orderId, amount: quote.amount });
    expect(res.status).toBe(200);
    const result = await res.json<Confirmation>();
    expect(result.payment).toMatchObject({ paymentKey, orderId: quote.orderId, status: 'DONE', amount: 19900, planId: 'pro' });
    expect(result.plan.id).toBe('pro');
    const expires = Date.parse(result.plan.expiresAt ?? '');
    expect(expires).toBeGreaterThanOrEqual(addMonths(started, 1));
    expect(expires).toBeLessThanOrEqual(addMonths(Date.now(), 1));

    const after = await me(user.token);
    expect(after.plan).toMatchObject({ id: 'pro', maxTokensPerRequest: 4096 });
    expect(after.quota.daily.limit).toBe(300_000);
    expect(after.quota.monthly.limit).toBe(3_000_000);
    expect(after.quota.daily.limit).toBeGreaterThan(before.quota.daily.limit);

    const listed = await (await call(user.token, 'GET', '/billing/payments')).json<{ payments: PaymentJson[] }>();
    expect(listed.payments).toEqual([expect.objectContaining({ paymentKey, status: 'DONE', amount: 19900 })]);
    expect(await orderStatus(quote.orderId)).toBe('paid');
  });

  it('answers a repeated confirm with the recorded result and never pays or grants twice', async () => {
    const user = await newUser(key);
    const quote = await order(user.token);
    const paymentKey = await payInWindow(quote, 'CARD');
    const body = { paymentKey, orderId: quote.orderId, amount: quote.amount };

    const [first, second] = await Promise.all([confirm(user.token, body), confirm(user.token, body)]);
    const third = await confirm(user.token, body);
    const answers = [];
    for (const res of [first, second, third]) {
      // Two at once can meet Toss's "still processing" answer; a retry then gets the recorded result.
      if (res.status === 409) {
        expect((await res.json<ErrorBody>()).error.code).toBe('IDEMPOTENT_REQUEST_PROCESSING');
        continue;
      }
      expect(res.status).toBe(200);
      answers.push(await res.json<Confirmation>());
    }
    expect(answers.length).toBeGreaterThanOrEqual(2);
    for (const answer of answers) expect(answer).toEqual(answers[0]);

    const atToss = await paymentsAtToss(quote.orderId);
    expect(atToss.map((p) => p.payment.status)).toEqual(['DONE']);
    const row = await userRow(user.id);
    expect(row?.plan_expires_at).toBe(Date.parse(answers[0]?.plan.expiresAt ?? ''));
  });

  it('recovers a confirm whose answer was lost in a timeout: Toss replays the first approval', async () => {
    const user = await newUser(key);
    const quote = await order(user.token);
    const paymentKey = await payInWindow(quote, 'CARD');
    // The Worker's first confirm reached Toss, which approved it; the answer never came back.
    const lost = await tossApi('/v1/payments/confirm', { paymentKey, orderId: quote.orderId, amount: quote.amount }, confirmIdempotencyKey(quote.orderId, paymentKey));
    expect(lost.status).toBe(200);

    const retry = await confirm(user.token, { paymentKey, orderId: quote.orderId, amount: quote.amount });
    expect(retry.status).toBe(200);
    expect((await retry.json<Confirmation>()).payment.status).toBe('DONE');
    expect((await paymentsAtToss(quote.orderId)).map((p) => p.payment.status)).toEqual(['DONE']);
    expect((await me(user.token)).plan.id).toBe('pro');
  });

  it('recovers when Toss no longer replays the lost confirm: it reads the payment back instead', async () => {
    const user = await newUser(key);
    const quote = await order(user.token);
    const paymentKey = await payInWindow(quote, 'EASY_PAY');
    expect((await tossApi('/v1/payments/confirm', { paymentKey, orderId: quote.orderId, amount: quote.amount })).status).toBe(200);

    const retry = await confirm(user.token, { paymentKey, orderId: quote.orderId, amount: quote.amount });
    expect(retry.status).toBe(200);
    expect((await retry.json<Confirmation>()).payment).toMatchObject({ status: 'DONE', amount: 19900 });
    expect((await me(user.token)).plan.id).toBe('pro');
  });

  it("reports a declined card with Toss's code and leaves the plan alone; another card can still pay", async () => {
    const user = await newUser(key);
    const quote = await order(user.token);
    const declined = await payInWindow(quote, 'CARD_DECLINE');
    const body = await expectError(await confirm(user.token, { paymentKey: declined, orderId: quote.orderId, amount: quote.amount }), 402, 'REJECT_CARD_PAYMENT');
    expect(body.error.message.length).toBeGreaterThan(0);
    expect((await me(user.token)).plan.id).toBe('free');
    expect(await orderStatus(quote.orderId)).toBe('failed');

    const good = await payInWindow(quote, 'CARD');
    const res = await confirm(user.token, { paymentKey: good, orderId: quote.orderId, amount: quote.amount });
    expect(res.status).toBe(200);
    expect((await me(user.token)).plan.id).toBe('pro');
  });

  it('stacks a second month onto an unexpired one', async () => {
    const user = await newUser(key);
    const first = await order(user.token);
    const one = await (await confirm(user.token, { paymentKey: await payInWindow(first, 'CARD'), orderId: first.orderId, amount: first.amount })).json<Confirmation>();
    const second = await order(user.token);
    const two = await (await confirm(user.token, { paymentKey: await payInWindow(second, 'CARD'), orderId: second.orderId, amount: second.amount })).json<Confirmation>();
    expect(Date.parse(two.plan.expiresAt ?? '')).toBe(addMonths(Date.parse(one.plan.expiresAt ?? ''), 1));
  });

  it('falls back to free once the paid month is over', async () => {
    const user = await newUser(key);
    const quote = await order(user.token);
    await confirm(user.token, { paymentKey: await payInWindow(quote, 'CARD'), orderId: quote.orderId, amount: quote.amount });
    expect((await me(user.token)).plan.id).toBe('pro');
    await env.DB.prepare('UPDATE users SET plan_expires_at = ? WHERE id = ?').bind(Date.now() - 1000, user.id).run();
    const after = await me(user.token);
    expect(after.plan.id).toBe('free');
    expect(after.quota.daily.limit).toBe(20_000);
  });
});

/** A confirmed virtual-account payment, waiting for its deposit. */
async function waitingOrder() {
  const user = await newUser(key);
  const quote = await order(user.token);
  const paymentKey = await payInWindow(quote, 'VIRTUAL_ACCOUNT');
  const res = await confirm(user.token, { paymentKey, orderId: quote.orderId, amount: quote.amount });
  expect(res.status).toBe(200);
  return { user, quote, paymentKey, confirmation: await res.json<Confirmation>() };
}

describe('virtual accounts and webhooks', () => {
  it('stays pending until the deposit webhook, then activates; ten replays change nothing more', async () => {
    const { user, quote, paymentKey, confirmation } = await waitingOrder();
    expect(confirmation.payment.status).toBe('WAITING_FOR_DEPOSIT');
    expect(confirmation.payment.virtualAccount?.accountNumber).toEqual(expect.any(String));
    expect(confirmation.plan.id).toBe('free');
    expect((await me(user.token)).plan.id).toBe('free');

    // The webhooks sent at issue time say "waiting": relaying them grants nothing.
    for (const d of await webhooksFor(quote.orderId)) await relay(d.body);
    expect((await me(user.token)).plan.id).toBe('free');

    await fake(`/__fake/virtual-accounts/${quote.orderId}/deposit`, {});
    const deposited = (await webhooksFor(quote.orderId)).filter((d) => d.body.status === 'DONE' || (d.body.data as { status?: string } | undefined)?.status === 'DONE');
    expect(deposited.map((d) => d.eventType).sort()).toEqual(['DEPOSIT_CALLBACK', 'PAYMENT_STATUS_CHANGED']);

    const outcomes = [];
    for (const d of deposited) outcomes.push(await relay(d.body));
    expect(outcomes).toContain('applied');
    expect((await me(user.token)).plan.id).toBe('pro');
    const granted = await userRow(user.id);
    expect(granted?.plan_expires_at).toEqual(expect.any(Number));
    expect(await orderStatus(quote.orderId)).toBe('paid');

    const replays = await Promise.all(Array.from({ length: 10 }, () => deposited.map((d) => relay(d.body))).flat());
    expect(new Set(replays)).toEqual(new Set(['duplicate']));
    expect(await userRow(user.id)).toEqual(granted);
    const events = await env.DB.prepare('SELECT event_key FROM billing_events WHERE payment_key = ? AND status = ?').bind(paymentKey, 'DONE').all();
    expect(events.results).toHaveLength(2);

    const listed = await (await call(user.token, 'GET', '/billing/payments')).json<{ payments: PaymentJson[] }>();
    expect(listed.payments[0]).toMatchObject({ paymentKey, status: 'DONE' });
  });

  it('accepts a deposit callback wrapped in data', async () => {
    const { user, quote } = await waitingOrder();
    await fake(`/__fake/virtual-accounts/${quote.orderId}/deposit`, {});
    const callback = (await webhooksFor(quote.orderId)).find((d) => d.eventType === 'DEPOSIT_CALLBACK' && d.body.status === 'DONE');
    expect(callback).toBeDefined();
    expect(await relay({ eventType: 'DEPOSIT_CALLBACK', data: callback?.body })).toBe('applied');
    expect((await me(user.token)).plan.id).toBe('pro');
  });

  it('activates a deposit whose webhook was lost when the cron reads it back from Toss, once', async () => {
    const { user, quote } = await waitingOrder();
    // The deposit happens, but no webhook ever reaches the Worker (the fake's deliveries fail).
    await fake(`/__fake/virtual-accounts/${quote.orderId}/deposit`, {});
    expect((await me(user.token)).plan.id).toBe('free');

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '0 * * * *' }), bindings, ctx);
    await waitOnExecutionContext(ctx);
    expect((await me(user.token)).plan.id).toBe('pro');
    expect(await orderStatus(quote.orderId)).toBe('paid');
    const granted = await userRow(user.id);

    // A second run, and the webhook arriving late, grant nothing more.
    expect((await reconcileWaitingDeposits(bindings)).failed).toBe(0);
    for (const d of await webhooksFor(quote.orderId)) await relay(d.body);
    expect(await userRow(user.id)).toEqual(granted);
  });

  it('leaves a deposit still unpaid waiting, and checks it again on a later run', async () => {
    const { user, quote } = await waitingOrder();
    const summary = await reconcileWaitingDeposits(bindings);
    expect(summary.failed).toBe(0);
    expect(summary.checked).toBeGreaterThanOrEqual(1);
    expect(await orderStatus(quote.orderId)).toBe('waiting_for_deposit');
    expect((await me(user.token)).plan.id).toBe('free');
  });

  it('ignores forged webhooks: a status Toss does not confirm, a wrong secret, an unknown payment', async () => {
    const { user, quote, paymentKey } = await waitingOrder();
    const [atToss] = await paymentsAtToss(quote.orderId);
    const forgedChange = { eventType: 'PAYMENT_STATUS_CHANGED', createdAt: new Date().toISOString(), data: { ...atToss?.payment, status: 'DONE', secret: null } };
    expect(await relay(forgedChange)).toBe('rejected');
    const forgedDeposit = { createdAt: new Date().toISOString(), secret: 'ps_forged_secret', status: 'DONE', transactionKey: 'txrd_forged', orderId: quote.orderId };
    expect(await relay(forgedDeposit)).toBe('rejected');
    expect(await relay({ eventType: 'DEPOSIT_CALLBACK', data: forgedDeposit })).toBe('rejected');
    expect(await relay({ eventType: 'PAYMENT_STATUS_CHANGED', data: { paymentKey: 'tgen_unknown_payment', status: 'DONE' } })).toBe('rejected');
    expect(await relay({ eventType: 'CUSTOMER_STATUS_CHANGED', data: {} })).toBe('ignored');

    expect((await me(user.token)).plan.id).toBe('free');
    expect(await orderStatus(quote.orderId)).toBe('waiting_for_deposit');
    const row = await env.DB.prepare('SELECT status FROM payments WHERE payment_key = ?').bind(paymentKey).first<{ status: string }>();
    expect(row?.status).toBe('WAITING_FOR_DEPOSIT');
  });
});

describe('the webhook under attack', () => {
  it('answers every caller alike and never asks Toss about a payment it does not know', async () => {
    const before = await paymentLookups();
    const answers = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const forged = { eventType: 'PAYMENT_STATUS_CHANGED', data: { paymentKey: `tgen_forged_${i}_${Date.now()}`, orderId: `order_forged_${i}`, status: 'DONE' } };
      const res = await postWebhook(forged);
      expect(res.status).toBe(200);
      answers.add(res.text);
    }
    expect(await paymentLookups()).toBe(before);

    const { user, quote, paymentKey } = await waitingOrder();
    const known = await postWebhook({ eventType: 'PAYMENT_STATUS_CHANGED', data: { paymentKey, orderId: quote.orderId, status: 'WAITING_FOR_DEPOSIT' } });
    const deposit = await postWebhook({ secret: 'ps_forged_secret', status: 'DONE', orderId: quote.orderId });
    const ignored = await postWebhook({ eventType: 'CUSTOMER_STATUS_CHANGED', data: {} });
    for (const res of [known, deposit, ignored]) {
      expect(res.status).toBe(200);
      answers.add(res.text);
    }
    expect([...answers]).toEqual([JSON.stringify({ received: true })]);
    expect((await me(user.token)).plan.id).toBe('free');
  });

  it('verifies a known payment at most once a window however often a claim is posted', async () => {
    const { user, quote, paymentKey } = await waitingOrder();
    const forged = { eventType: 'PAYMENT_STATUS_CHANGED', data: { paymentKey, orderId: quote.orderId, status: 'DONE' } };
    const before = await paymentLookups();
    const outcomes = [];
    for (let i = 0; i < 50; i++) outcomes.push(await relay(forged));
    expect(await paymentLookups()).toBe(before + 1);
    expect(outcomes[0]).toBe('rejected');
    expect(new Set(outcomes.slice(1))).toEqual(new Set(['throttled']));
    // A status Toss has no such word for is refused without asking.
    expect(await relay({ ...forged, data: { ...forged.data, status: `DONE${'!'.repeat(3)}` } })).toBe('rejected');
    expect(await paymentLookups()).toBe(before + 1);
    // After the window the claim is checked again (and still refused: Toss says it is waiting).
    expect(await handleTossWebhook(bindings, forged, Date.now() + WEBHOOK_CHECK_INTERVAL_MS)).toBe('rejected');
    expect(await paymentLookups()).toBe(before + 2);
    expect((await me(user.token)).plan.id).toBe('free');
  });
});

describe('subscriptions', () => {
  // Renewal runs over every due subscription; end the earlier tests' ones so each test sees only its own.
  beforeEach(async () => {
    await env.DB.prepare("UPDATE subscriptions SET status = 'canceled', next_charge_at = NULL").run();
  });

  async function subscribe(planId = 'pro') {
    const user = await newUser(key);
    const customerKey = `cus_${user.id}`;
    const { authKey } = await fake<{ authKey: string }>('/__fake/billing-auth', { customerKey });
    const res = await call(user.token, 'POST', '/billing/billing-key', { authKey, customerKey, planId });
    expect(res.status).toBe(201);
    const state = await res.json<SubscriptionState>();
    const row = await env.DB.prepare('SELECT billing_key_ciphertext FROM subscriptions WHERE user_id = ?').bind(user.id).first<{ billing_key_ciphertext: string }>();
    const billingKey = await openBillingKey(bindings.BILLING_KEY_SECRET ?? '', row?.billing_key_ciphertext ?? '', state.subscription?.id ?? '');
    return { user, customerKey, authKey, billingKey, subscription: state.subscription as SubscriptionJson, state };
  }

  async function charges(billingKey: string): Promise<ChargeCount | undefined> {
    const { charges: all } = await fake<{ charges: Record<string, ChargeCount> }>('/__fake/charges');
    return all[billingKey];
  }

  async function subscriptionOf(token: string): Promise<SubscriptionJson | null> {
    return (await (await call(token, 'GET', '/billing/subscription')).json<SubscriptionState>()).subscription;
  }

  it('issues a billing key, charges the first month once, starts the subscription and keeps the key encrypted', async () => {
    const { user, customerKey, authKey, billingKey, subscription, state } = await subscribe();
    expect(subscription).toMatchObject({ planId: 'pro', status: 'active', cancelAtPeriodEnd: false, failedAttempts: 0 });
    expect(Date.parse(subscription.currentPeriodEnd)).toBe(addMonths(Date.parse(subscription.currentPeriodStart), 1));
    expect(subscription.nextChargeAt).toBe(subscription.currentPeriodEnd);
    expect(state.plan.id).toBe('pro');
    expect((await me(user.token)).plan.id).toBe('pro');
    expect(await charges(billingKey)).toMatchObject({ approved: 1, declined: 0 });

    const stored = await env.DB.prepare('SELECT billing_key_ciphertext FROM subscriptions WHERE user_id = ?').bind(user.id).first<{ billing_key_ciphertext: string }>();
    expect(stored?.billing_key_ciphertext).not.toContain(billingKey);
    expect(JSON.stringify(await (await call(user.token, 'GET', '/billing/subscription')).json())).not.toContain(billingKey);

    // The browser retries after losing the answer: same subscription, no second charge.
    const retry = await call(user.token, 'POST', '/billing/billing-key', { authKey, customerKey, planId: 'pro' });
    expect(retry.status).toBe(201);
    expect((await retry.json<SubscriptionState>()).subscription?.id).toBe(subscription.id);
    expect(await charges(billingKey)).toMatchObject({ approved: 1 });

    const listed = await (await call(user.token, 'GET', '/billing/payments')).json<{ payments: PaymentJson[] }>();
    expect(listed.payments).toEqual([expect.objectContaining({ status: 'DONE', amount: 19900, planId: 'pro' })]);
    // A subscriber has nothing to buy by the month.
    await expectError(await call(user.token, 'POST', '/billing/orders', { planId: 'team' }), 409, 'subscription_active');
  });

  it("refuses someone else's customerKey, and a card that declines starts nothing", async () => {
    const user = await newUser(key);
    const other = await newUser(key);
    const { authKey } = await fake<{ authKey: string }>('/__fake/billing-auth', { customerKey: `cus_${other.id}` });
    await expectError(await call(user.token, 'POST', '/billing/billing-key', { authKey, customerKey: `cus_${other.id}`, planId: 'pro' }), 400, 'customer_key_mismatch');

    const declining = await fake<{ authKey: string }>('/__fake/billing-auth', { customerKey: `cus_${user.id}`, decline: true });
    await expectError(await call(user.token, 'POST', '/billing/billing-key', { authKey: declining.authKey, customerKey: `cus_${user.id}`, planId: 'pro' }), 402, 'REJECT_CARD_PAYMENT');
    expect(await subscriptionOf(user.token)).toBeNull();
    expect((await me(user.token)).plan.id).toBe('free');
  });

  it('renews a due subscription exactly once, however often the cron runs', async () => {
    const { user, billingKey, subscription } = await subscribe();
    const due = Date.parse(subscription.currentPeriodEnd);

    expect(await renewDueSubscriptions(env, due - 60_000)).toMatchObject({ renewed: 0 });
    const runs = await Promise.all([renewDueSubscriptions(env, due), renewDueSubscriptions(env, due)]);
    await renewDueSubscriptions(env, due + 1000);
    expect(runs.map((r) => r.renewed + r.deferred)).toEqual([1, 1]);
    expect(await charges(billingKey)).toMatchObject({ approved: 2, declined: 0 });

    const renewed = await subscriptionOf(user.token);
    expect(renewed).toMatchObject({ status: 'active', currentPeriodStart: subscription.currentPeriodEnd, failedAttempts: 0 });
    expect(Date.parse(renewed?.currentPeriodEnd ?? '')).toBe(addMonths(Date.parse(subscription.currentPeriodStart), 2));
    expect((await me(user.token)).plan.id).toBe('pro');
  });

  it('does not charge again after a crash between the charge and its record', async () => {
    const { user, customerKey, billingKey, subscription } = await subscribe();
    // The cron's charge went through at Toss, then the Worker died before writing anything.
    const orderId = periodOrderId(subscription.id, 2, 0);
    const charged = await tossApi(`/v1/billing/${billingKey}`, { amount: 19900, customerKey, orderId, orderName: 'Pro plan, monthly' }, chargeIdempotencyKey(orderId));
    expect(charged.status).toBe(200);
    expect(await charges(billingKey)).toMatchObject({ approved: 2 });

    const summary = await renewDueSubscriptions(env, Date.parse(subscription.currentPeriodEnd));
    expect(summary).toMatchObject({ renewed: 1, failed: 0 });
    expect(await charges(billingKey)).toMatchObject({ approved: 2, declined: 0 });
    expect((await subscriptionOf(user.token))?.currentPeriodStart).toBe(subscription.currentPeriodEnd);
  });

  it('retries a declined renewal on days 1, 3 and 7, then falls back to free and says why', async () => {
    const { user, billingKey, subscription } = await subscribe();
    const due = Date.parse(subscription.currentPeriodEnd);
    await fake(`/__fake/billing/${billingKey}/decline`, { decline: true });

    expect(await renewDueSubscriptions(env, due)).toMatchObject({ failed: 1 });
    let state = await subscriptionOf(user.token);
    expect(state).toMatchObject({ status: 'past_due', failedAttempts: 1, nextChargeAt: new Date(due + DAY_MS).toISOString() });
    expect(state?.lastError).toContain('REJECT_CARD_PAYMENT');
    // Dunning keeps the plan while it retries.
    expect((await me(user.token)).plan.id).toBe('pro');

    expect(await renewDueSubscriptions(env, due + DAY_MS / 2)).toMatchObject({ failed: 0 });
    expect(await renewDueSubscriptions(env, due + DAY_MS)).toMatchObject({ failed: 1 });
    expect((await subscriptionOf(user.token))?.nextChargeAt).toBe(new Date(due + 3 * DAY_MS).toISOString());
    expect(await renewDueSubscriptions(env, due + 3 * DAY_MS)).toMatchObject({ failed: 1 });
    expect((await subscriptionOf(user.token))?.nextChargeAt).toBe(new Date(due + 7 * DAY_MS).toISOString());
    expect(await renewDueSubscriptions(env, due + 7 * DAY_MS)).toMatchObject({ ended: 1 });

    state = await subscriptionOf(user.token);
    expect(state).toMatchObject({ status: 'canceled', nextChargeAt: null });
    expect(state?.lastError).toMatch(/^payment_failed: REJECT_CARD_PAYMENT/);
    expect(await charges(billingKey)).toMatchObject({ approved: 1, declined: 4 });
    expect(await userRow(user.id)).toEqual({ plan_id: 'free', plan_expires_at: null });
    expect((await me(user.token)).plan.id).toBe('free');
    expect(await renewDueSubscriptions(env, due + 30 * DAY_MS)).toMatchObject({ renewed: 0, failed: 0, ended: 0 });
  });

  it('recovers from a decline when the card works again, keeping the billing dates', async () => {
    const { user, billingKey, subscription } = await subscribe();
    const due = Date.parse(subscription.currentPeriodEnd);
    await fake(`/__fake/billing/${billingKey}/decline`, { decline: true });
    expect(await renewDueSubscriptions(env, due)).toMatchObject({ failed: 1 });
    await fake(`/__fake/billing/${billingKey}/decline`, { decline: false });
    expect(await renewDueSubscriptions(env, due + DAY_MS)).toMatchObject({ renewed: 1 });
    expect(await subscriptionOf(user.token)).toMatchObject({ status: 'active', failedAttempts: 0, lastError: null, currentPeriodStart: subscription.currentPeriodEnd });
    expect(await charges(billingKey)).toMatchObject({ approved: 2, declined: 1 });
  });

  it('runs renewal from the Worker\'s scheduled handler', async () => {
    const { user, billingKey, subscription } = await subscribe();
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.parse(subscription.currentPeriodEnd), cron: '0 * * * *' }), bindings, ctx);
    await waitOnExecutionContext(ctx);
    expect(await charges(billingKey)).toMatchObject({ approved: 2 });
    expect((await subscriptionOf(user.token))?.currentPeriodStart).toBe(subscription.currentPeriodEnd);
  });

  it('cancel stops renewal: the plan lasts to the end of the period, then falls back to free', async () => {
    const { user, customerKey, authKey, billingKey, subscription } = await subscribe();
    const end = Date.parse(subscription.currentPeriodEnd);
    const res = await call(user.token, 'POST', '/billing/subscription/cancel');
    expect(res.status).toBe(200);
    const state = await res.json<SubscriptionState>();
    expect(state.subscription).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
    expect(state.plan).toEqual({ id: 'pro', name: 'Pro', expiresAt: subscription.currentPeriodEnd });
    expect((await me(user.token)).plan.id).toBe('pro');

    expect(await renewDueSubscriptions(env, end - 60_000)).toMatchObject({ ended: 0 });
    expect(await renewDueSubscriptions(env, end)).toMatchObject({ ended: 1, renewed: 0 });
    expect(await charges(billingKey)).toMatchObject({ approved: 1 });
    expect(await subscriptionOf(user.token)).toMatchObject({ status: 'canceled', nextChargeAt: null });
    expect((await me(user.token)).plan.id).toBe('free');
    await expectError(await call(user.token, 'POST', '/billing/subscription/cancel'), 404, 'not_found');
    // Replaying the old card registration does not revive the subscription for free.
    await expectError(await call(user.token, 'POST', '/billing/billing-key', { authKey, customerKey, planId: 'pro' }), 409, 'authorization_used');
    expect(await charges(billingKey)).toMatchObject({ approved: 1 });
  });
});

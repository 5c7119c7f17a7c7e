import { createRoute, z } from '@hono/zod-openapi';
import { requireScopes } from '../auth/guards';
import { requireAuth } from '../auth/verify';
import { confirmOneTimeOrder, createOneTimeOrder, describePayment, planStateOf } from '../billing/orders';
import { cancelSubscription, describeSubscription, startSubscription } from '../billing/subscriptions';
import { tossClient } from '../billing/toss';
import { handleTossWebhook } from '../billing/webhook';
import { readConfig } from '../config';
import { getDb } from '../db/client';
import { listPaymentsForUser } from '../db/queries/payments';
import { listPlans } from '../db/queries/plans';
import { getSubscriptionForUser } from '../db/queries/subscriptions';
import { createRouter } from '../http/app';
import { bearer, errors, json, jsonBody } from '../http/schemas';
import { log } from '../log';
import { refuseOverOpenOrders } from '../policy/caps';

/** Payments listed per request; a user has one or two a month. */
const PAYMENTS_LISTED = 100;

const PlanId = z.string().min(1).max(64);
const OrderId = z.string().regex(/^[A-Za-z0-9_.-]{6,64}$/, 'must be 6 to 64 letters, digits, -, _ or .');
const Iso = z.string().openapi({ format: 'date-time' });

const PlanSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    priceKrw: z.number().int(),
    models: z.array(z.string()),
    maxTokensPerRequest: z.number().int(),
    dailyTokenQuota: z.number().int(),
    monthlyTokenQuota: z.number().int(),
    concurrentStreams: z.number().int(),
  })
  .openapi('Plan');

const PlanState = z
  .object({ id: z.string(), name: z.string(), expiresAt: Iso.nullable().openapi({ description: 'When the plan lapses to free; null while it renews or has no end' }) })
  .openapi('PlanState');

const PaymentSchema = z
  .object({
    paymentKey: z.string(),
    orderId: z.string(),
    orderName: z.string(),
    planId: z.string(),
    kind: z.enum(['one_time', 'subscription']),
    method: z.string().nullable().openapi({ description: "Toss's label, e.g. 카드, 가상계좌, 간편결제" }),
    status: z.string().openapi({ description: "Toss's status: WAITING_FOR_DEPOSIT, DONE, CANCELED, …" }),
    amount: z.number().int(),
    approvedAt: Iso.nullable(),
    receiptUrl: z.string().nullable(),
    virtualAccount: z.object({ accountNumber: z.string(), bankCode: z.string(), dueDate: z.string() }).nullable().openapi({ description: 'Where to deposit, for a virtual account' }),
  })
  .openapi('Payment');

const SubscriptionSchema = z
  .object({
    id: z.string(),
    planId: z.string(),
    status: z.enum(['active', 'past_due', 'canceled']),
    cardNumber: z.string().nullable(),
    currentPeriodStart: Iso,
    currentPeriodEnd: Iso,
    nextChargeAt: Iso.nullable(),
    cancelAtPeriodEnd: z.boolean(),
    failedAttempts: z.number().int(),
    lastError: z.string().nullable().openapi({ description: 'The last failed charge, or why the subscription ended' }),
    endedAt: Iso.nullable(),
  })
  .openapi('Subscription');

// A union rather than .nullable(): the generator marks a registered schema itself nullable when it is wrapped.
const SubscriptionState = z.object({ subscription: z.union([SubscriptionSchema, z.null()]), plan: PlanState }).openapi('SubscriptionState');
const Confirmation = z.object({ payment: PaymentSchema, plan: PlanState }).openapi('Confirmation');

const errorContent = errors(400)[400].content;
const paymentErrors = {
  402: { description: "The card or account refused (Toss's code, e.g. `REJECT_CARD_PAYMENT`)", content: errorContent },
  409: { description: 'In conflict with what is already paid or running', content: errorContent },
  502: { description: 'Toss Payments failed or did not answer; retrying is safe', content: errorContent },
  503: { description: 'Payments are not configured (`billing_unavailable`)', content: errorContent },
};

const getPlans = createRoute({
  method: 'get',
  path: '/billing/plans',
  tags: ['billing'],
  summary: 'Plans on offer, with prices (KRW) and limits',
  responses: { 200: { description: 'Plans, cheapest first', content: json(z.object({ plans: z.array(PlanSchema) }).openapi('Plans')) } },
});

const getSubscription = createRoute({
  method: 'get',
  path: '/billing/subscription',
  tags: ['billing'],
  summary: "The caller's subscription (null if none) and plan in force",
  security: bearer,
  middleware: [requireAuth, requireScopes('billing:read')] as const,
  responses: { 200: { description: 'Subscription', content: json(SubscriptionState) }, ...errors(401, 403, 404) },
});

const getPayments = createRoute({
  method: 'get',
  path: '/billing/payments',
  tags: ['billing'],
  summary: "The caller's payments, newest first",
  security: bearer,
  middleware: [requireAuth, requireScopes('billing:read')] as const,
  responses: { 200: { description: 'Payments', content: json(z.object({ payments: z.array(PaymentSchema) }).openapi('Payments')) }, ...errors(401, 403) },
});

const postOrder = createRoute({
  method: 'post',
  path: '/billing/orders',
  tags: ['billing'],
  summary: 'Open a one-time order for a month of a plan, priced by the server',
  security: bearer,
  middleware: [requireAuth, requireScopes('billing:write')] as const,
  request: { body: jsonBody(z.object({ planId: PlanId }).openapi('CreateOrderRequest')) },
  responses: {
    201: {
      description: 'What to pass to the Toss payment window',
      content: json(z.object({ orderId: z.string(), amount: z.number().int(), orderName: z.string(), customerKey: z.string(), planId: z.string() }).openapi('Order')),
    },
    ...errors(400, 401, 403, 429),
    409: { description: `${paymentErrors[409].description}, or ${errors(409)[409].description}`, content: errorContent },
  },
});

const postConfirm = createRoute({
  method: 'post',
  path: '/billing/confirm',
  tags: ['billing'],
  summary: 'Confirm a finished payment window with Toss and activate the plan (or wait for the deposit)',
  security: bearer,
  middleware: [requireAuth, requireScopes('billing:write')] as const,
  request: {
    body: jsonBody(
      z
        .object({ paymentKey: z.string().min(1).max(200), orderId: OrderId, amount: z.number().int().positive() })
        .openapi('ConfirmRequest'),
    ),
  },
  responses: {
    200: { description: 'The recorded payment: DONE, or WAITING_FOR_DEPOSIT for a virtual account', content: json(Confirmation) },
    ...errors(400, 401, 403, 404),
    ...paymentErrors,
  },
});

const postBillingKey = createRoute({
  method: 'post',
  path: '/billing/billing-key',
  tags: ['billing'],
  summary: 'Register a card (authKey from the billing window), charge the first month and start the subscription',
  security: bearer,
  middleware: [requireAuth, requireScopes('billing:write')] as const,
  request: {
    body: jsonBody(
      z
        .object({
          authKey: z.string().min(1).max(300),
          customerKey: z.string().regex(/^[A-Za-z0-9_=.,@-]{2,300}$/, 'must be a Toss customer key'),
          planId: PlanId,
        })
        .openapi('BillingKeyRequest'),
    ),
  },
  responses: { 201: { description: 'The started subscription', content: json(SubscriptionState) }, ...errors(400, 401, 403, 404), ...paymentErrors },
});

const postCancel = createRoute({
  method: 'post',
  path: '/billing/subscription/cancel',
  tags: ['billing'],
  summary: 'Stop renewal; the plan lasts until the end of the paid period',
  security: bearer,
  middleware: [requireAuth, requireScopes('billing:write')] as const,
  responses: { 200: { description: 'The subscription as it now stands', content: json(SubscriptionState) }, ...errors(401, 403, 404) },
});

const postWebhook = createRoute({
  method: 'post',
  path: '/billing/webhook',
  tags: ['billing'],
  summary: 'Toss webhooks (PAYMENT_STATUS_CHANGED, DEPOSIT_CALLBACK): verified with Toss, applied once, always acknowledged',
  request: { body: jsonBody(z.record(z.string(), z.unknown()).openapi('TossWebhook')) },
  responses: {
    200: {
      description: 'Acknowledged, with the same body whatever the event was: it is verified and applied afterwards',
      content: json(z.object({ received: z.literal(true) }).openapi('WebhookAck')),
    },
    ...errors(400),
  },
});

export const billingRoutes = createRouter()
  .openapi(getPlans, async (c) => {
    const rows = await listPlans(getDb(c.env.DB));
    const plans = rows.map(({ id, name, priceKrw, models, maxTokensPerRequest, dailyTokenQuota, monthlyTokenQuota, concurrentStreams }) => ({
      id,
      name,
      priceKrw,
      models,
      maxTokensPerRequest,
      dailyTokenQuota,
      monthlyTokenQuota,
      concurrentStreams,
    }));
    return c.json({ plans }, 200);
  })
  .openapi(getSubscription, async (c) => {
    const db = getDb(c.env.DB);
    const userId = c.get('auth').sub;
    const [plan, subscription] = await Promise.all([planStateOf(db, userId), getSubscriptionForUser(db, userId)]);
    return c.json({ subscription: subscription ? describeSubscription(subscription) : null, plan }, 200);
  })
  .openapi(getPayments, async (c) => {
    const rows = await listPaymentsForUser(getDb(c.env.DB), c.get('auth').sub, PAYMENTS_LISTED);
    return c.json({ payments: rows.map(({ payment, order }) => describePayment(payment, order)) }, 200);
  })
  .openapi(postOrder, async (c) => {
    const db = getDb(c.env.DB);
    const userId = c.get('auth').sub;
    await refuseOverOpenOrders(db, readConfig(c.env).caps, userId);
    const order = await createOneTimeOrder(db, userId, c.req.valid('json').planId);
    return c.json(order, 201);
  })
  .openapi(postConfirm, async (c) => {
    const result = await confirmOneTimeOrder(getDb(c.env.DB), tossClient(readConfig(c.env)), c.get('auth').sub, c.req.valid('json'));
    return c.json(result, 200);
  })
  .openapi(postBillingKey, async (c) => {
    const userId = c.get('auth').sub;
    const subscription = await startSubscription(c.env, userId, c.req.valid('json'));
    return c.json({ subscription: describeSubscription(subscription), plan: await planStateOf(getDb(c.env.DB), userId) }, 201);
  })
  .openapi(postCancel, async (c) => {
    const db = getDb(c.env.DB);
    const userId = c.get('auth').sub;
    const subscription = await cancelSubscription(db, userId);
    return c.json({ subscription: describeSubscription(subscription), plan: await planStateOf(db, userId) }, 200);
  })
  .openapi(postWebhook, async (c) => {
    const traceId = c.get('traceId');
    // Answered at once and alike for every caller: what became of it (and how long Toss took)
    // would tell a forger which payments exist. The log says what happened.
    c.executionCtx.waitUntil(
      handleTossWebhook(c.env, c.req.valid('json')).then(
        (outcome) => log('info', 'billing_webhook_handled', { traceId, outcome }),
        (err: unknown) => log('error', 'billing_webhook_failed', { traceId, error: String(err) }),
      ),
    );
    return c.json({ received: true as const }, 200);
  });

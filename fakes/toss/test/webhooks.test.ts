import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeToss, type FakeToss } from '../src/server';
import { api, control, session, startReceiver, type Receiver } from './helpers';

type Delivery = { eventType: string; body: Record<string, unknown>; attempts: { status: number | null }[]; delivered: boolean };

describe('webhooks', () => {
  let fake: FakeToss;
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
    fake = await startFakeToss({ webhookUrl: receiver.url });
  });
  beforeEach(() => control(fake.url, 'POST', '/__fake/reset'));
  afterEach(() => {
    receiver.received.length = 0;
    receiver.plan.length = 0;
  });
  afterAll(async () => {
    await fake.close();
    await receiver.close();
  });

  const deliveries = async () => (await control(fake.url, 'GET', '/__fake/webhooks')).deliveries as Delivery[];

  async function waitingVirtualAccount(orderId: string) {
    const paymentKey = await session(fake.url, { orderId, amount: 20000, method: 'VIRTUAL_ACCOUNT' });
    const { body } = await api(fake.url, 'POST', '/v1/payments/confirm', { paymentKey, orderId, amount: 20000 });
    return body;
  }

  it('on virtual-account confirm sends DEPOSIT_CALLBACK and PAYMENT_STATUS_CHANGED (WAITING_FOR_DEPOSIT)', async () => {
    const payment = await waitingVirtualAccount('order-va-hook-1');
    const sent = await deliveries();
    expect(sent.map((d) => d.eventType)).toEqual(['DEPOSIT_CALLBACK', 'PAYMENT_STATUS_CHANGED']);
    expect(receiver.received[0]).toEqual({
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/),
      secret: payment.secret,
      status: 'WAITING_FOR_DEPOSIT',
      transactionKey: payment.lastTransactionKey,
      orderId: 'order-va-hook-1',
    });
    expect(receiver.received[1]).toMatchObject({
      eventType: 'PAYMENT_STATUS_CHANGED',
      data: { paymentKey: payment.paymentKey, status: 'WAITING_FOR_DEPOSIT' },
    });
  });

  it('deposit control marks the payment DONE and answers after delivering both events', async () => {
    const payment = await waitingVirtualAccount('order-va-hook-2');
    await deliveries();
    receiver.received.length = 0;

    const result = await control(fake.url, 'POST', '/__fake/virtual-accounts/order-va-hook-2/deposit');
    expect(result.payment).toMatchObject({ status: 'DONE', virtualAccount: { settlementStatus: 'COMPLETED' } });
    expect((result.payment as { approvedAt: string }).approvedAt).toMatch(/\+09:00$/);
    expect(result.webhooks).toEqual([
      { eventType: 'DEPOSIT_CALLBACK', delivered: true, statuses: [200] },
      { eventType: 'PAYMENT_STATUS_CHANGED', delivered: true, statuses: [200] },
    ]);
    expect(receiver.received).toEqual([
      expect.objectContaining({ secret: payment.secret, status: 'DONE', orderId: 'order-va-hook-2' }),
      expect.objectContaining({ eventType: 'PAYMENT_STATUS_CHANGED', data: expect.objectContaining({ status: 'DONE' }) }),
    ]);
    const stored = await api(fake.url, 'GET', `/v1/payments/${payment.paymentKey as string}`);
    expect(stored.body.status).toBe('DONE');

    const again = await fetch(`${fake.url}/__fake/virtual-accounts/order-va-hook-2/deposit`, { method: 'POST' });
    expect(again.status).toBe(400);
  });

  it('retries a delivery the receiver answers with 500, recording each attempt', async () => {
    await waitingVirtualAccount('order-va-hook-3');
    await deliveries();
    receiver.received.length = 0;
    receiver.plan.push(500, 503);

    const result = await control(fake.url, 'POST', '/__fake/virtual-accounts/order-va-hook-3/deposit');
    expect(result.webhooks).toEqual([
      { eventType: 'DEPOSIT_CALLBACK', delivered: true, statuses: [500, 503, 200] },
      { eventType: 'PAYMENT_STATUS_CHANGED', delivered: true, statuses: [200] },
    ]);
    expect(receiver.received).toHaveLength(4);
    const last = (await deliveries()).find((d) => d.eventType === 'DEPOSIT_CALLBACK' && d.body.status === 'DONE');
    expect(last?.attempts.map((a) => a.status)).toEqual([500, 503, 200]);
  });

  it('gives up after a few attempts against a receiver that keeps failing', async () => {
    await waitingVirtualAccount('order-va-hook-4');
    await deliveries();
    receiver.plan.push(500, 500, 500, 500, 500);
    const result = await control(fake.url, 'POST', '/__fake/virtual-accounts/order-va-hook-4/deposit');
    expect(result.webhooks).toEqual([
      { eventType: 'DEPOSIT_CALLBACK', delivered: false, statuses: [500, 500, 500, 500] },
      { eventType: 'PAYMENT_STATUS_CHANGED', delivered: true, statuses: [500, 200] },
    ]);
  });

  it('sends PAYMENT_STATUS_CHANGED for a card confirm and a cancel; none for an idempotent replay', async () => {
    const paymentKey = await session(fake.url, { orderId: 'order-card-hook', amount: 9900, method: 'CARD' });
    const headers = { 'Idempotency-Key': 'hook-confirm' };
    await api(fake.url, 'POST', '/v1/payments/confirm', { paymentKey, orderId: 'order-card-hook', amount: 9900 }, headers);
    await api(fake.url, 'POST', '/v1/payments/confirm', { paymentKey, orderId: 'order-card-hook', amount: 9900 }, headers);
    await api(fake.url, 'POST', `/v1/payments/${paymentKey}/cancel`, { cancelReason: '고객 요청' });
    const sent = await deliveries();
    expect(sent.map((d) => [d.eventType, (d.body.data as { status: string }).status])).toEqual([
      ['PAYMENT_STATUS_CHANGED', 'DONE'],
      ['PAYMENT_STATUS_CHANGED', 'CANCELED'],
    ]);
  });

  it('can be pointed elsewhere or switched off at runtime', async () => {
    const config = await control(fake.url, 'POST', '/__fake/config', { webhookUrl: null });
    expect(config.webhookUrl).toBeNull();
    await waitingVirtualAccount('order-va-hook-5');
    expect(await deliveries()).toEqual([]);
    await control(fake.url, 'POST', '/__fake/config', { webhookUrl: receiver.url });
  });
});

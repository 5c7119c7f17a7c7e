import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeToss, type FakeToss } from '../src/server';
import { api, control, session } from './helpers';

const KST = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/;

describe('payments API', () => {
  let fake: FakeToss;
  beforeAll(async () => {
    fake = await startFakeToss();
  });
  beforeEach(() => control(fake.url, 'POST', '/__fake/config', { latencyMs: 0 }).then(() => control(fake.url, 'POST', '/__fake/reset')));
  afterAll(() => fake.close());

  const confirm = (body: unknown, headers?: Record<string, string>) => api(fake.url, 'POST', '/v1/payments/confirm', body, headers);

  it('confirms a card payment into a full Payment object', async () => {
    const paymentKey = await session(fake.url, { orderId: 'order-card-1', amount: 11000, method: 'CARD' });
    const { status, body } = await confirm({ paymentKey, orderId: 'order-card-1', amount: 11000 });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      version: '2022-11-16',
      paymentKey,
      type: 'NORMAL',
      orderId: 'order-card-1',
      orderName: '프로 요금제 1개월',
      mId: 'tosspayments',
      currency: 'KRW',
      method: '카드',
      totalAmount: 11000,
      balanceAmount: 11000,
      suppliedAmount: 10000,
      vat: 1000,
      status: 'DONE',
      card: { issuerCode: '41', acquirerCode: '41', installmentPlanMonths: 0, cardType: '신용', ownerType: '개인', amount: 11000 },
      virtualAccount: null,
      easyPay: null,
      cancels: null,
      secret: null,
      failure: null,
      receipt: { url: `${fake.url}/receipt/${paymentKey}` },
      checkout: { url: `${fake.url}/checkout/${paymentKey}` },
    });
    expect(body.requestedAt).toMatch(KST);
    expect(body.approvedAt).toMatch(KST);
    expect((body.card as { number: string; approveNo: string }).number).toMatch(/\*/);
    expect((body.card as { approveNo: string }).approveNo).toMatch(/^\d{8}$/);
    const receipt = await fetch((body.receipt as { url: string }).url);
    expect(receipt.status).toBe(200);
  });

  it('confirms an easy-pay payment with easyPay 토스페이', async () => {
    const paymentKey = await session(fake.url, { orderId: 'order-easy-1', amount: 5000, method: 'EASY_PAY' });
    const { status, body } = await confirm({ paymentKey, orderId: 'order-easy-1', amount: 5000 });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      method: '간편결제',
      status: 'DONE',
      easyPay: { provider: '토스페이', amount: 5000, discountAmount: 0 },
      card: null,
    });
  });

  it('confirms a virtual-account payment as WAITING_FOR_DEPOSIT with a secret', async () => {
    const paymentKey = await session(fake.url, { orderId: 'order-va-1', amount: 33000, method: 'VIRTUAL_ACCOUNT' });
    const { status, body } = await confirm({ paymentKey, orderId: 'order-va-1', amount: 33000 });
    expect(status).toBe(200);
    expect(body).toMatchObject({ method: '가상계좌', status: 'WAITING_FOR_DEPOSIT', approvedAt: null, card: null });
    expect(body.secret).toMatch(/^ps_/);
    expect(body.virtualAccount).toMatchObject({
      accountType: '일반',
      bankCode: '20',
      refundStatus: 'NONE',
      expired: false,
      settlementStatus: 'INCOMPLETED',
    });
    expect((body.virtualAccount as { dueDate: string }).dueDate).toMatch(KST);
  });

  it('refuses an amount or orderId that does not match the session', async () => {
    const paymentKey = await session(fake.url, { orderId: 'order-mm-1', amount: 9900, method: 'CARD' });
    const amount = await confirm({ paymentKey, orderId: 'order-mm-1', amount: 100 });
    expect(amount.status).toBe(400);
    expect(amount.body.code).toBe('INVALID_REQUEST');
    expect(amount.body.message).toContain('금액');
    const order = await confirm({ paymentKey, orderId: 'order-other', amount: 9900 });
    expect(order.status).toBe(400);
    expect(order.body.message).toContain('주문번호');
    // Neither attempt used the session up.
    expect((await confirm({ paymentKey, orderId: 'order-mm-1', amount: 9900 })).status).toBe(200);
  });

  it('rejects a malformed request', async () => {
    const bad = await confirm({ paymentKey: 'x', orderId: 'abc', amount: 10 });
    expect(bad).toEqual({ status: 400, body: { code: 'INVALID_REQUEST', message: expect.stringContaining('orderId') } });
  });

  it('declines the declining card with REJECT_CARD_PAYMENT and leaves the payment ABORTED', async () => {
    const paymentKey = await session(fake.url, { orderId: 'order-decline', amount: 9900, method: 'CARD_DECLINE' });
    const { status, body } = await confirm({ paymentKey, orderId: 'order-decline', amount: 9900 });
    expect(status).toBe(400);
    expect(body.code).toBe('REJECT_CARD_PAYMENT');
    const stored = await api(fake.url, 'GET', `/v1/payments/${paymentKey}`);
    expect(stored.body).toMatchObject({ status: 'ABORTED', failure: { code: 'REJECT_CARD_PAYMENT' } });
  });

  it('answers ALREADY_PROCESSED_PAYMENT to a second confirm, unknown keys with NOT_FOUND_PAYMENT_SESSION', async () => {
    const paymentKey = await session(fake.url, { orderId: 'order-twice', amount: 9900, method: 'CARD' });
    expect((await confirm({ paymentKey, orderId: 'order-twice', amount: 9900 })).status).toBe(200);
    const again = await confirm({ paymentKey, orderId: 'order-twice', amount: 9900 });
    expect(again).toEqual({ status: 400, body: { code: 'ALREADY_PROCESSED_PAYMENT', message: '이미 처리된 결제 입니다.' } });
    const unknown = await confirm({ paymentKey: 'tgen_unknown', orderId: 'order-twice', amount: 9900 });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('NOT_FOUND_PAYMENT_SESSION');
  });

  it('expires a session after 10 minutes', async () => {
    const paymentKey = await session(fake.url, { orderId: 'order-late', amount: 9900, method: 'CARD' });
    await control(fake.url, 'POST', '/__fake/clock', { advanceMs: 10 * 60 * 1000 + 1 });
    const late = await confirm({ paymentKey, orderId: 'order-late', amount: 9900 });
    expect(late.status).toBe(404);
    expect(late.body.code).toBe('NOT_FOUND_PAYMENT_SESSION');
  });

  it('refuses to approve a second payment for an orderId already paid', async () => {
    const first = await session(fake.url, { orderId: 'order-dup-1', amount: 9900, method: 'CARD' });
    const second = await session(fake.url, { orderId: 'order-dup-1', amount: 9900, method: 'CARD' });
    expect((await confirm({ paymentKey: first, orderId: 'order-dup-1', amount: 9900 })).status).toBe(200);
    const dup = await confirm({ paymentKey: second, orderId: 'order-dup-1', amount: 9900 });
    expect(dup.body.code).toBe('DUPLICATED_ORDER_ID');
  });

  describe('Idempotency-Key', () => {
    it('replays the first response for the same key and does not act twice', async () => {
      const paymentKey = await session(fake.url, { orderId: 'order-idem-1', amount: 9900, method: 'CARD' });
      const headers = { 'Idempotency-Key': 'confirm-order-idem-1' };
      const first = await confirm({ paymentKey, orderId: 'order-idem-1', amount: 9900 }, headers);
      const second = await confirm({ paymentKey, orderId: 'order-idem-1', amount: 9900 }, headers);
      expect(first.status).toBe(200);
      expect(second).toEqual(first);
      // Without the key the same call is a second attempt, which Toss refuses.
      expect((await confirm({ paymentKey, orderId: 'order-idem-1', amount: 9900 })).body.code).toBe('ALREADY_PROCESSED_PAYMENT');

      await api(fake.url, 'POST', `/v1/payments/${paymentKey}/cancel`, { cancelReason: '고객 요청', cancelAmount: 1000 }, {
        'Idempotency-Key': 'cancel-1',
      });
      await api(fake.url, 'POST', `/v1/payments/${paymentKey}/cancel`, { cancelReason: '고객 요청', cancelAmount: 1000 }, {
        'Idempotency-Key': 'cancel-1',
      });
      const stored = await api(fake.url, 'GET', `/v1/payments/${paymentKey}`);
      expect(stored.body).toMatchObject({ status: 'PARTIAL_CANCELED', balanceAmount: 8900 });
      expect(stored.body.cancels).toHaveLength(1);
      // The replayed confirm answer is the one from before the cancel.
      expect((await confirm({ paymentKey, orderId: 'order-idem-1', amount: 9900 }, headers)).body).toMatchObject({
        status: 'DONE',
        balanceAmount: 9900,
      });
    });

    it('scopes keys by URL: the same key on another call is a fresh request', async () => {
      const paymentKey = await session(fake.url, { orderId: 'order-idem-2', amount: 9900, method: 'CARD' });
      const headers = { 'Idempotency-Key': 'shared-key' };
      expect((await confirm({ paymentKey, orderId: 'order-idem-2', amount: 9900 }, headers)).status).toBe(200);
      const cancel = await api(fake.url, 'POST', `/v1/payments/${paymentKey}/cancel`, { cancelReason: '테스트' }, headers);
      expect(cancel.body.status).toBe('CANCELED');
    });

    it('accepts 300 characters and rejects 301', async () => {
      const paymentKey = await session(fake.url, { orderId: 'order-idem-3', amount: 9900, method: 'CARD' });
      const long = await confirm({ paymentKey, orderId: 'order-idem-3', amount: 9900 }, { 'Idempotency-Key': 'k'.repeat(301) });
      expect(long.status).toBe(400);
      expect(long.body.code).toBe('INVALID_REQUEST');
      const ok = await confirm({ paymentKey, orderId: 'order-idem-3', amount: 9900 }, { 'Idempotency-Key': 'k'.repeat(300) });
      expect(ok.status).toBe(200);
    });

    it('answers 409 IDEMPOTENT_REQUEST_PROCESSING to a repeat while the first is in flight', async () => {
      const paymentKey = await session(fake.url, { orderId: 'order-idem-4', amount: 9900, method: 'CARD' });
      await control(fake.url, 'POST', '/__fake/config', { latencyMs: 200 });
      const headers = { 'Idempotency-Key': 'racing' };
      const body = { paymentKey, orderId: 'order-idem-4', amount: 9900 };
      const [a, b] = await Promise.all([
        confirm(body, headers),
        new Promise((r) => setTimeout(r, 50)).then(() => confirm(body, headers)),
      ]);
      expect(a.status).toBe(200);
      expect(b).toEqual({ status: 409, body: { code: 'IDEMPOTENT_REQUEST_PROCESSING', message: expect.any(String) } });
    });
  });

  it('finds a payment by paymentKey and by orderId; unknown ones are NOT_FOUND_PAYMENT', async () => {
    const declined = await session(fake.url, { orderId: 'order-find-1', amount: 9900, method: 'CARD_DECLINE' });
    await confirm({ paymentKey: declined, orderId: 'order-find-1', amount: 9900 });
    const paymentKey = await session(fake.url, { orderId: 'order-find-1', amount: 9900, method: 'CARD' });
    await confirm({ paymentKey, orderId: 'order-find-1', amount: 9900 });
    const byKey = await api(fake.url, 'GET', `/v1/payments/${paymentKey}`);
    expect(byKey.body).toMatchObject({ paymentKey, status: 'DONE' });
    const byOrder = await api(fake.url, 'GET', '/v1/payments/orders/order-find-1');
    expect(byOrder.body).toMatchObject({ paymentKey, status: 'DONE' });
    const missing = await api(fake.url, 'GET', '/v1/payments/orders/order-none');
    expect(missing).toEqual({ status: 404, body: { code: 'NOT_FOUND_PAYMENT', message: '존재하지 않는 결제 정보 입니다.' } });
  });

  describe('cancel', () => {
    it('cancels partly, then fully, listing each cancel', async () => {
      const paymentKey = await session(fake.url, { orderId: 'order-cancel-1', amount: 11000, method: 'CARD' });
      await confirm({ paymentKey, orderId: 'order-cancel-1', amount: 11000 });
      const cancel = (body: unknown) => api(fake.url, 'POST', `/v1/payments/${paymentKey}/cancel`, body);

      const partial = await cancel({ cancelReason: '일부 환불', cancelAmount: 5500 });
      expect(partial.body).toMatchObject({ status: 'PARTIAL_CANCELED', balanceAmount: 5500, vat: 500, suppliedAmount: 5000 });
      expect(partial.body.cancels).toEqual([
        expect.objectContaining({ cancelAmount: 5500, cancelReason: '일부 환불', refundableAmount: 5500, cancelStatus: 'DONE' }),
      ]);
      expect((await cancel({ cancelReason: '너무 많이', cancelAmount: 6000 })).body.code).toBe('NOT_CANCELABLE_AMOUNT');
      const full = await cancel({ cancelReason: '나머지 환불' });
      expect(full.body).toMatchObject({ status: 'CANCELED', balanceAmount: 0 });
      expect(full.body.cancels).toHaveLength(2);
      expect((await cancel({ cancelReason: '또' })).body.code).toBe('ALREADY_CANCELED_PAYMENT');
      expect((await cancel({})).body.code).toBe('INVALID_REQUEST');
    });

    it('needs a refund account for a deposited virtual account, not for one still waiting', async () => {
      const waitingKey = await session(fake.url, { orderId: 'order-va-wait', amount: 9900, method: 'VIRTUAL_ACCOUNT' });
      await confirm({ paymentKey: waitingKey, orderId: 'order-va-wait', amount: 9900 });
      const waiting = await api(fake.url, 'POST', `/v1/payments/${waitingKey}/cancel`, { cancelReason: '입금 전 취소' });
      expect(waiting.body.status).toBe('CANCELED');

      const paymentKey = await session(fake.url, { orderId: 'order-va-paid', amount: 9900, method: 'VIRTUAL_ACCOUNT' });
      await confirm({ paymentKey, orderId: 'order-va-paid', amount: 9900 });
      await control(fake.url, 'POST', '/__fake/virtual-accounts/order-va-paid/deposit');
      const noAccount = await api(fake.url, 'POST', `/v1/payments/${paymentKey}/cancel`, { cancelReason: '환불' });
      expect(noAccount.status).toBe(400);
      expect(noAccount.body.message).toContain('refundReceiveAccount');
      const refunded = await api(fake.url, 'POST', `/v1/payments/${paymentKey}/cancel`, {
        cancelReason: '환불',
        refundReceiveAccount: { bank: '20', accountNumber: '1002123456789', holderName: '홍길동' },
      });
      expect(refunded.body).toMatchObject({ status: 'CANCELED', virtualAccount: { refundStatus: 'COMPLETED' } });
    });

    it('cannot cancel a payment that was never approved', async () => {
      const paymentKey = await session(fake.url, { orderId: 'order-ready', amount: 9900, method: 'CARD' });
      const res = await api(fake.url, 'POST', `/v1/payments/${paymentKey}/cancel`, { cancelReason: '취소' });
      expect(res.body.code).toBe('NOT_CANCELABLE_PAYMENT');
    });
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeToss, type FakeToss } from '../src/server';
import { api, control } from './helpers';

type Charges = Record<string, { customerKey: string; approved: number; declined: number; orderIds: string[] }>;

describe('billing (recurring card payments)', () => {
  let fake: FakeToss;
  beforeAll(async () => {
    fake = await startFakeToss();
  });
  beforeEach(() => control(fake.url, 'POST', '/__fake/reset'));
  afterAll(() => fake.close());

  async function billingKeyFor(customerKey: string, decline = false): Promise<string> {
    const { authKey } = await control(fake.url, 'POST', '/__fake/billing-auth', { customerKey, decline });
    const { status, body } = await api(fake.url, 'POST', '/v1/billing/authorizations/issue', { authKey, customerKey });
    expect(status).toBe(200);
    return body.billingKey as string;
  }
  const charge = (billingKey: string, body: Record<string, unknown>, headers?: Record<string, string>) =>
    api(fake.url, 'POST', `/v1/billing/${billingKey}`, { amount: 9900, orderName: '프로 요금제 정기결제', ...body }, headers);
  const charges = async () => (await control(fake.url, 'GET', '/__fake/charges')).charges as Charges;

  it('issues a Billing object for a matching authKey and customerKey, once', async () => {
    const { authKey } = await control(fake.url, 'POST', '/__fake/billing-auth', { customerKey: 'user_42' });
    const mismatch = await api(fake.url, 'POST', '/v1/billing/authorizations/issue', { authKey, customerKey: 'user_43' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.code).toBe('NOT_MATCHES_CUSTOMER_KEY');

    const { status, body } = await api(fake.url, 'POST', '/v1/billing/authorizations/issue', { authKey, customerKey: 'user_42' });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      mId: 'tosspayments',
      customerKey: 'user_42',
      method: '카드',
      card: { issuerCode: '41', acquirerCode: '41', cardType: '신용', ownerType: '개인' },
      cardCompany: '신한',
    });
    expect(body.billingKey).toMatch(/^[A-Za-z0-9]{44}$/);
    expect(body.cardNumber).toBe((body.card as { number: string }).number);
    expect(body.authenticatedAt).toMatch(/\+09:00$/);

    const reused = await api(fake.url, 'POST', '/v1/billing/authorizations/issue', { authKey, customerKey: 'user_42' });
    expect(reused.body.code).toBe('INVALID_AUTHORIZE_AUTH');
    const badKey = await api(fake.url, 'POST', '/v1/billing/authorizations/issue', { authKey, customerKey: 'x' });
    expect(badKey.body.code).toBe('INVALID_REQUEST');
  });

  it('charges a billing key: Payment type BILLING, status DONE', async () => {
    const billingKey = await billingKeyFor('user_1');
    const { status, body } = await charge(billingKey, { customerKey: 'user_1', orderId: 'sub-2024-01', customerEmail: 'a@example.com' });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      type: 'BILLING',
      status: 'DONE',
      method: '카드',
      orderId: 'sub-2024-01',
      totalAmount: 9900,
      card: { amount: 9900, issuerCode: '41' },
    });
    expect((await api(fake.url, 'GET', '/v1/payments/orders/sub-2024-01')).body.paymentKey).toBe(body.paymentKey);
  });

  it('refuses a customerKey mismatch and a reused orderId', async () => {
    const billingKey = await billingKeyFor('user_1');
    const mismatch = await charge(billingKey, { customerKey: 'user_2', orderId: 'sub-2024-02' });
    expect(mismatch).toEqual({ status: 400, body: { code: 'NOT_MATCHES_CUSTOMER_KEY', message: expect.any(String) } });
    expect((await charge(billingKey, { customerKey: 'user_1', orderId: 'sub-2024-02' })).status).toBe(200);
    const dup = await charge(billingKey, { customerKey: 'user_1', orderId: 'sub-2024-02' });
    expect(dup.status).toBe(400);
    expect(dup.body.code).toBe('DUPLICATED_ORDER_ID');
    expect((await charges())[billingKey]).toMatchObject({ approved: 1, declined: 0, orderIds: ['sub-2024-02'] });
  });

  it('declines a card registered as declining, and follows the decline toggle', async () => {
    const billingKey = await billingKeyFor('user_3', true);
    const first = await charge(billingKey, { customerKey: 'user_3', orderId: 'sub-dun-1' });
    expect(first.status).toBe(400);
    expect(first.body.code).toBe('REJECT_CARD_PAYMENT');

    await control(fake.url, 'POST', `/__fake/billing/${billingKey}/decline`, { decline: false });
    // A declined attempt does not spend the orderId: the retry may reuse it.
    expect((await charge(billingKey, { customerKey: 'user_3', orderId: 'sub-dun-1' })).body.status).toBe('DONE');

    await control(fake.url, 'POST', `/__fake/billing/${billingKey}/decline`, { decline: true });
    expect((await charge(billingKey, { customerKey: 'user_3', orderId: 'sub-dun-2' })).body.code).toBe('REJECT_CARD_PAYMENT');
    expect((await charges())[billingKey]).toMatchObject({ approved: 1, declined: 2 });
  });

  it('charges once for a retried request with the same Idempotency-Key', async () => {
    const billingKey = await billingKeyFor('user_4');
    const headers = { 'Idempotency-Key': 'renewal-user_4-2024-03' };
    const first = await charge(billingKey, { customerKey: 'user_4', orderId: 'sub-2024-03' }, headers);
    const retry = await charge(billingKey, { customerKey: 'user_4', orderId: 'sub-2024-03' }, headers);
    expect(retry).toEqual(first);
    expect((await charges())[billingKey]).toMatchObject({ approved: 1, declined: 0 });
  });

  it('answers 404 for an unknown billing key', async () => {
    const res = await charge('nope', { customerKey: 'user_1', orderId: 'sub-none' });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND_BILLING');
  });
});

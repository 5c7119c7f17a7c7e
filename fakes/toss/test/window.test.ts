import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeToss, type FakeToss } from '../src/server';
import { api, CLIENT_KEY, control } from './helpers';

type FakeWindow = { location: { assign(url: string): void }; TossPayments?: TossPaymentsCtor };
type PaymentWindow = {
  requestPayment(p: Record<string, unknown>): Promise<void>;
  requestBillingAuth(p: Record<string, unknown>): Promise<void>;
};
type TossPaymentsCtor = ((clientKey: string) => {
  payment(options: { customerKey: string }): PaymentWindow;
  requestBillingAuth(method: string, p: Record<string, unknown>): Promise<void>;
}) & { ANONYMOUS: string };

/** Runs the served script the way a browser would, with just the globals it touches. */
function loadScript(source: string, src: string | null): { window: FakeWindow; assigned: string[] } {
  const assigned: string[] = [];
  const window: FakeWindow = { location: { assign: (url) => assigned.push(url) } };
  const document = { currentScript: src === null ? null : { src } };
  new Function('window', 'document', source)(window, document);
  return { window, assigned };
}

const SUCCESS = 'http://app.test/pay/success?plan=pro';
const FAIL = 'http://app.test/pay/fail';

describe('payment window stand-in', () => {
  let fake: FakeToss;
  let script: string;
  beforeAll(async () => {
    fake = await startFakeToss();
    const res = await fetch(`${fake.url}/v2/standard`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    script = await res.text();
  });
  beforeEach(() => control(fake.url, 'POST', '/__fake/reset'));
  afterAll(() => fake.close());

  it('serves a script that defines window.TossPayments and sends requestPayment to the window page', async () => {
    // Loaded from another origin's page: the base comes from the script's own src.
    const { window, assigned } = loadScript(script, `${fake.url}/v2/standard?v=1`);
    expect(typeof window.TossPayments).toBe('function');
    const toss = window.TossPayments!(CLIENT_KEY);
    void toss.payment({ customerKey: 'cust_1' }).requestPayment({
      method: 'CARD',
      amount: { currency: 'KRW', value: 9900 },
      orderId: 'order-0001',
      orderName: '프로 요금제',
      successUrl: SUCCESS,
      failUrl: FAIL,
      customerEmail: 'a@example.com',
    });
    expect(assigned).toHaveLength(1);
    const target = new URL(assigned[0]!);
    expect(target.origin + target.pathname).toBe(`${fake.url}/window/payment`);
    expect(Object.fromEntries(target.searchParams)).toMatchObject({
      clientKey: CLIENT_KEY,
      customerKey: 'cust_1',
      method: 'CARD',
      amount: '9900',
      orderId: 'order-0001',
      successUrl: SUCCESS,
      preset: 'card',
    });
    const page = await fetch(assigned[0]!);
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const id of ['method-card', 'method-card-decline', 'method-virtual-account', 'method-easy-pay', 'pay', 'cancel']) {
      expect(html).toContain(`id="${id}"`);
    }
    expect(html).toContain('9,900원');
    expect(html).toContain('프로 요금제');
  });

  it('falls back to the server URL without currentScript, and validates like Toss', async () => {
    const { window, assigned } = loadScript(script, null);
    const payment = window.TossPayments!(CLIENT_KEY).payment({ customerKey: window.TossPayments!.ANONYMOUS });
    const base = { method: 'CARD', amount: { currency: 'KRW', value: 1000 }, orderName: 'x', successUrl: SUCCESS, failUrl: FAIL };
    await expect(payment.requestPayment({ ...base, orderId: 'short' })).rejects.toMatchObject({ code: 'INVALID_ORDER_ID' });
    await expect(payment.requestPayment({ ...base, orderId: 'order-0001', amount: { currency: 'KRW', value: 10.5 } })).rejects.toMatchObject({
      code: 'INVALID_AMOUNT_VALUE',
    });
    await expect(payment.requestPayment({ ...base, orderId: 'order-0001', successUrl: '/relative' })).rejects.toMatchObject({
      code: 'INVALID_URL',
    });
    expect(assigned).toHaveLength(0);
    void payment.requestPayment({ ...base, method: 'VIRTUAL_ACCOUNT', orderId: 'order-0001' });
    expect(assigned[0]).toMatch(new RegExp(`^${fake.url}/window/payment\\?.*preset=virtual-account`));
    expect(() => window.TossPayments!('test_sk_secret')).toThrow(/클라이언트 키/);
  });

  it('sends v2 and v1 style billing auth to the billing page', () => {
    const { window, assigned } = loadScript(script, `${fake.url}/v2/standard`);
    const toss = window.TossPayments!(CLIENT_KEY);
    void toss.payment({ customerKey: 'cust_1' }).requestBillingAuth({ method: 'CARD', successUrl: SUCCESS, failUrl: FAIL });
    void toss.requestBillingAuth('카드', { customerKey: 'cust_2', successUrl: SUCCESS, failUrl: FAIL });
    expect(assigned.map((u) => new URL(u).pathname)).toEqual(['/window/billing', '/window/billing']);
    expect(new URL(assigned[1]!).searchParams.get('customerKey')).toBe('cust_2');
  });

  const request = (orderId: string) => ({
    clientKey: CLIENT_KEY,
    customerKey: 'cust_1',
    method: 'CARD',
    amount: '12000',
    orderId,
    orderName: '프로 요금제',
    successUrl: SUCCESS,
    failUrl: FAIL,
  });
  const submit = (path: string, fields: Record<string, string>) =>
    fetch(`${fake.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });

  it.each([
    ['card', 'CARD', '카드'],
    ['card-decline', 'CARD_DECLINE', '카드'],
    ['virtual-account', 'VIRTUAL_ACCOUNT', '가상계좌'],
    ['easy-pay', 'EASY_PAY', '간편결제'],
  ])('pay with %s → 302 to successUrl keeping its query', async (choice, kind, label) => {
    const orderId = `order-${choice}`;
    const res = await submit('/window/payment', { ...request(orderId), choice, action: 'pay' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe('http://app.test/pay/success');
    const query = Object.fromEntries(location.searchParams);
    expect(query).toMatchObject({ plan: 'pro', paymentType: 'NORMAL', orderId, amount: '12000' });
    expect(query.paymentKey).toMatch(/^tgen_[A-Za-z0-9]{20}$/);
    const { payments } = (await control(fake.url, 'GET', '/__fake/payments')) as {
      payments: { kind: string; customerKey: string; payment: { paymentKey: string; status: string; method: string } }[];
    };
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ kind, customerKey: 'cust_1', payment: { paymentKey: query.paymentKey, status: 'READY', method: label } });
  });

  it('cancel → 302 to failUrl with PAY_PROCESS_CANCELED', async () => {
    const res = await submit('/window/payment', { ...request('order-cancel'), choice: 'card', action: 'cancel' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(FAIL);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      code: 'PAY_PROCESS_CANCELED',
      message: '사용자에 의해 결제가 취소되었습니다.',
      orderId: 'order-cancel',
    });
    expect((await control(fake.url, 'GET', '/__fake/payments')).payments).toEqual([]);
  });

  it('escapes values on the page and refuses bad parameters with a 400 page', async () => {
    const evil = { ...request('order-evil'), orderName: '<script>alert(1)</script>"' };
    const page = await fetch(`${fake.url}/window/payment?${new URLSearchParams(evil)}`);
    const html = await page.text();
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;');
    const bad = await fetch(`${fake.url}/window/payment?${new URLSearchParams({ ...request('bad'), amount: '-5' })}`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('role="alert"');
  });

  it('billing page registers a card → authKey that issues a billing key; cancel → failUrl', async () => {
    const fields = { clientKey: CLIENT_KEY, customerKey: 'cust_9', successUrl: SUCCESS, failUrl: FAIL };
    const html = await (await fetch(`${fake.url}/window/billing?${new URLSearchParams(fields)}`)).text();
    for (const id of ['card-ok', 'card-decline', 'register', 'cancel']) expect(html).toContain(`id="${id}"`);

    const ok = await submit('/window/billing', { ...fields, card: 'ok', action: 'register' });
    expect(ok.status).toBe(302);
    const location = new URL(ok.headers.get('location')!);
    expect(location.searchParams.get('plan')).toBe('pro');
    expect(location.searchParams.get('customerKey')).toBe('cust_9');
    const authKey = location.searchParams.get('authKey')!;
    const issued = await api(fake.url, 'POST', '/v1/billing/authorizations/issue', { authKey, customerKey: 'cust_9' });
    expect(issued.status).toBe(200);

    const cancel = await submit('/window/billing', { ...fields, card: 'ok', action: 'cancel' });
    const failed = new URL(cancel.headers.get('location')!);
    expect(failed.origin + failed.pathname).toBe(FAIL);
    expect(failed.searchParams.get('code')).toBe('PAY_PROCESS_CANCELED');
  });
});

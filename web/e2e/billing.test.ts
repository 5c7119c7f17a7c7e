import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newKoreanPage, signInWithKakao } from './support/browser';
import { WEB_DIR, type Stack } from './support/stack';
import { browserSuite } from './support/suite';

/**
 * Buying plans in a real browser against the Worker and the fake Toss: the payment window
 * stand-in redirects back exactly as Toss does, the success page confirms once, and the
 * larger quota shows at once. Also: a canceled window, a declined card, a tampered amount,
 * a virtual account activated by its deposit webhook, and a subscription started and canceled.
 */
const SHOTS = join(WEB_DIR, 'test-results');

let stack: Stack;
let browser: Browser;
let page: Page;

browserSuite('billing', { shots: SHOTS }, async (started) => {
  ({ stack, browser } = started);
  ({ page } = await newKoreanPage(browser));
});

const quota = () => page.getByTestId('quota-indicator').textContent();

async function fakeToss<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${stack.tossUrl}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`fake Toss ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Opens checkout for a plan and picks how to pay: 'card' | 'virtualAccount' | 'easyPay', then once or monthly. */
async function checkout(planName: string, method: '카드' | '가상계좌', kind: 'once' | 'subscribe'): Promise<void> {
  await page.goto(`${stack.appUrl}/plans`);
  // The plan the user already has is extended rather than chosen.
  await page.getByRole('button', { name: new RegExp(`^${planName} (선택|연장)$`) }).click();
  await page.getByRole('dialog').getByLabel(method, { exact: true }).check();
  await page.getByTestId(kind === 'once' ? 'pay-once' : 'subscribe').click();
  await page.waitForURL((url) => url.pathname.startsWith('/window/'));
}

describe('buying a plan in the browser', () => {
  it('shows the plans with prices, limits and the current plan', async () => {
    await signInWithKakao(page, stack.appUrl, 'alice', 'Alice');
    expect(await quota()).toContain('20,000');
    await page.getByRole('link', { name: '요금제' }).click();
    await expect.poll(() => page.getByTestId('plan-free').getByTestId('current-plan').count()).toBe(1);
    expect(await page.getByTestId('plan-pro').textContent()).toContain('₩19,900 / 월');
    expect(await page.getByTestId('plan-pro').textContent()).toContain('하루 300,000 토큰');
    await page.screenshot({ path: join(SHOTS, 'billing-plans.png') });
  });

  it("shows Toss's message when the payment window is canceled", async () => {
    await checkout('Pro', '카드', 'once');
    await page.locator('#cancel').click();
    await page.waitForURL('**/billing/fail**');
    expect(await page.getByTestId('fail-message').textContent()).toContain('취소');
    expect(await page.getByText('코드: PAY_PROCESS_CANCELED').count()).toBe(1);
  });

  it('shows the refusal of a declined card and keeps the plan', async () => {
    await checkout('Pro', '카드', 'once');
    await page.locator('#method-card-decline').check();
    await page.locator('#pay').click();
    await page.waitForURL('**/billing/success**');
    await expect.poll(() => page.locator('[data-error-code]').getAttribute('data-error-code')).toBe('REJECT_CARD_PAYMENT');
    await page.goto(`${stack.appUrl}/billing`);
    await expect.poll(() => page.getByTestId('billing-plan').textContent()).toBe('Free');
  });

  it('buys pro once with a card and sees the larger quota at once', async () => {
    await checkout('Pro', '카드', 'once');
    await page.locator('#method-card').check();
    await page.locator('#pay').click();
    await page.waitForURL('**/billing/success**');
    await expect.poll(() => page.getByTestId('checkout-done').textContent()).toContain('Pro 요금제를');
    await expect.poll(quota).toContain('300,000');
    await page.screenshot({ path: join(SHOTS, 'billing-success.png') });

    // A reload of the success page (or a double render) does not pay twice.
    const orderId = new URL(page.url()).searchParams.get('orderId');
    await page.reload();
    await expect.poll(() => page.getByTestId('checkout-done').count()).toBe(1);
    const { payments } = await fakeToss<{ payments: { payment: { orderId: string; status: string } }[] }>('/__fake/payments');
    expect(payments.filter((p) => p.payment.orderId === orderId).map((p) => p.payment.status)).toEqual(['DONE']);

    await page.getByRole('link', { name: '결제 내역 보기' }).click();
    await expect.poll(() => page.getByTestId('billing-plan').textContent()).toBe('Pro');
    await expect.poll(() => page.getByTestId('payment-row').count()).toBe(1);
    expect(await page.getByTestId('payment-row').textContent()).toContain('₩19,900');
    await page.getByRole('link', { name: '계정' }).click();
    await expect.poll(() => page.getByTestId('account-plan').textContent()).toBe('Pro');
  });

  it('refuses an amount that does not match the order', async () => {
    const order = await page.evaluate(async () => {
      const res = await fetch('/api/billing/orders', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ planId: 'team' }) });
      return (await res.json()) as { orderId: string; orderName: string; amount: number };
    });
    expect(order.amount).toBe(49000);
    // The window approved 100 won for the order, as if the browser had changed the amount.
    const { paymentKey } = await fakeToss<{ paymentKey: string }>('/__fake/sessions', { orderId: order.orderId, amount: 100, orderName: order.orderName, method: 'CARD' });
    await page.goto(`${stack.appUrl}/billing/success?paymentKey=${paymentKey}&orderId=${order.orderId}&amount=100`);
    await expect.poll(() => page.locator('[data-error-code]').getAttribute('data-error-code')).toBe('amount_mismatch');
    expect(await page.getByText('결제 금액이 주문과 다릅니다').count()).toBe(1);
  });

  it('activates a plan paid by virtual account when the deposit arrives', async () => {
    await checkout('Team', '가상계좌', 'once');
    await page.locator('#method-virtual-account').check();
    await page.locator('#pay').click();
    await page.waitForURL('**/billing/success**');
    await expect.poll(() => page.getByTestId('virtual-account').textContent()).toMatch(/\d{6,}/);
    await page.screenshot({ path: join(SHOTS, 'billing-virtual-account.png') });
    const orderId = new URL(page.url()).searchParams.get('orderId') ?? '';

    await page.goto(`${stack.appUrl}/billing`);
    await expect.poll(() => page.getByTestId('billing-plan').textContent()).toBe('Pro');
    const deposit = await fakeToss<{ webhooks: { delivered: boolean }[] }>(`/__fake/virtual-accounts/${orderId}/deposit`, {});
    expect(deposit.webhooks.every((w) => w.delivered)).toBe(true);
    await page.reload();
    await expect.poll(() => page.getByTestId('billing-plan').textContent()).toBe('Team');
    await expect.poll(quota).toContain('1,500,000');
  });

  it('subscribes with a registered card, shows the next charge, and cancels at period end', async () => {
    await checkout('Team', '카드', 'subscribe');
    await page.locator('#card-ok').check();
    await page.locator('#register').click();
    await page.waitForURL('**/billing/subscribe**');
    await expect.poll(() => page.getByTestId('checkout-subscribed').textContent(), { timeout: 20_000 }).toContain('Team 요금제가 시작되었습니다');

    await page.goto(`${stack.appUrl}/billing`);
    await expect.poll(() => page.getByTestId('subscription-status').textContent()).toBe('이용 중');
    expect(await page.getByTestId('next-charge').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'billing-subscription.png') });

    await page.getByRole('button', { name: '구독 해지' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '해지하기' }).click();
    await expect.poll(() => page.getByTestId('subscription-status').textContent()).toMatch(/에 해지됩니다$/);
    expect(await page.getByTestId('next-charge').count()).toBe(0);
    expect(await page.getByTestId('billing-plan').textContent()).toBe('Team');
  });
});

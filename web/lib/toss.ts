import { loadTossPayments } from '@tosspayments/tosspayments-sdk';
import { customerKeyFor } from '@chat/contract';
import type { Order } from '@chat/contract/api';
import type { TossConfig } from './toss-config';

/** The ways to pay once that the checkout offers. */
export const PAYMENT_METHODS = ['card', 'virtualAccount', 'easyPay'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

async function payments(config: TossConfig, customerKey: string) {
  const toss = await loadTossPayments(config.clientKey, config.sdkUrl ? { src: config.sdkUrl } : undefined);
  return toss.payment({ customerKey });
}

function pageUrl(path: string, query: Record<string, string> = {}): string {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url.toString();
}

/**
 * Sends the browser to Toss's payment window for a server-priced order. Toss comes back to
 * `/billing/success` with `paymentKey`, `orderId` and `amount`, or to `/billing/fail`.
 */
export async function openPaymentWindow(config: TossConfig, order: Order, method: PaymentMethod, customer: { name?: string | null; email?: string | null }) {
  const window = await payments(config, order.customerKey);
  const common = {
    amount: { currency: 'KRW', value: order.amount },
    orderId: order.orderId,
    orderName: order.orderName,
    successUrl: pageUrl('/billing/success'),
    failUrl: pageUrl('/billing/fail'),
    ...(customer.name ? { customerName: customer.name } : {}),
    ...(customer.email ? { customerEmail: customer.email } : {}),
  };
  if (method === 'virtualAccount') {
    await window.requestPayment({ ...common, method: 'VIRTUAL_ACCOUNT', virtualAccount: { validHours: 24 } });
  } else if (method === 'easyPay') {
    await window.requestPayment({ ...common, method: 'CARD', card: { flowMode: 'DIRECT', easyPay: 'TOSSPAY' } });
  } else {
    await window.requestPayment({ ...common, method: 'CARD' });
  }
}

/**
 * Sends the browser to Toss's card registration window. Toss comes back to
 * `/billing/subscribe?planId=…` with `authKey` and `customerKey`, or to `/billing/fail`.
 */
export async function openBillingAuthWindow(config: TossConfig, userId: string, planId: string, customer: { name?: string | null; email?: string | null }) {
  const window = await payments(config, customerKeyFor(userId));
  await window.requestBillingAuth({
    method: 'CARD',
    successUrl: pageUrl('/billing/subscribe', { planId }),
    failUrl: pageUrl('/billing/fail'),
    ...(customer.name ? { customerName: customer.name } : {}),
    ...(customer.email ? { customerEmail: customer.email } : {}),
  });
}

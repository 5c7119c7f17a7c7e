import { describe, expect, it } from 'vitest';
import { billingSuccessParams, failureParams, paymentSuccessParams } from './checkout-params';

describe('the query strings Toss redirects back with', () => {
  it('reads a payment success', () => {
    expect(paymentSuccessParams({ paymentKey: 'tgen_1', orderId: 'ord_123456', amount: '19900', paymentType: 'NORMAL' })).toEqual({ paymentKey: 'tgen_1', orderId: 'ord_123456', amount: 19900 });
  });

  it('treats a missing or non-numeric amount as no payment at all', () => {
    expect(paymentSuccessParams({ paymentKey: 'tgen_1', orderId: 'ord_123456' })).toBeNull();
    expect(paymentSuccessParams({ paymentKey: 'tgen_1', orderId: 'ord_123456', amount: '19900원' })).toBeNull();
    expect(paymentSuccessParams({ paymentKey: 'tgen_1', orderId: 'ord_123456', amount: '-1' })).toBeNull();
  });

  it('takes the first of repeated parameters', () => {
    expect(paymentSuccessParams({ paymentKey: ['a', 'b'], orderId: 'ord_123456', amount: ['100', '1'] })).toEqual({ paymentKey: 'a', orderId: 'ord_123456', amount: 100 });
  });

  it('reads a card registration', () => {
    expect(billingSuccessParams({ authKey: 'bln_x', customerKey: 'cus_usr_1', planId: 'pro' })).toEqual({ authKey: 'bln_x', customerKey: 'cus_usr_1', planId: 'pro' });
    expect(billingSuccessParams({ authKey: 'bln_x', customerKey: 'cus_usr_1' })).toBeNull();
  });

  it('reads a failure, whatever is missing', () => {
    expect(failureParams({ code: 'PAY_PROCESS_CANCELED', message: '사용자에 의해 결제가 취소되었습니다.', orderId: 'ord_1' })).toEqual({ code: 'PAY_PROCESS_CANCELED' });
    expect(failureParams({})).toEqual({ code: null });
    expect(failureParams({ code: '', message: 'x'.repeat(1000) })).toEqual({ code: null });
  });
});

import { describe, expect, it } from 'vitest';
import { translator } from './i18n/translator';
import { isKnownPaymentFailure, paymentFailureMessage } from './payment-failure';

describe('paymentFailureMessage', () => {
  it("tells Toss's known codes in the user's language", () => {
    expect(paymentFailureMessage('PAY_PROCESS_CANCELED')).toBe('checkout.fail.canceled');
    expect(paymentFailureMessage('REJECT_CARD_COMPANY')).toBe('checkout.fail.cardRejected');
    expect(translator('ko')(paymentFailureMessage('PAY_PROCESS_CANCELED'))).toContain('취소');
    expect(translator('en')(paymentFailureMessage('PAY_PROCESS_CANCELED'))).toBe('You canceled the payment.');
  });

  it('gives an unknown, missing or inherited code the generic message, and never shows it', () => {
    for (const code of ['CALL_010_1234_5678_FOR_A_REFUND', '', 'toString', '__proto__', null]) {
      expect(paymentFailureMessage(code)).toBe('checkout.fail.unknown');
      expect(isKnownPaymentFailure(code)).toBe(false);
    }
    expect(isKnownPaymentFailure('PAY_PROCESS_ABORTED')).toBe(true);
  });
});

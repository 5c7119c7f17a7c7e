import type { MessageKey } from './i18n/messages';

/**
 * The codes Toss puts on its fail redirect (and the card refusals it reports with them) that
 * we can explain, each with its message. The redirect's `message` is never shown: anyone can
 * write a link to `/billing/fail?message=…`, so only a code we know picks the words.
 */
const KNOWN_FAILURES: Readonly<Record<string, MessageKey>> = {
  PAY_PROCESS_CANCELED: 'checkout.fail.canceled',
  PAY_PROCESS_ABORTED: 'checkout.fail.aborted',
  REJECT_CARD_COMPANY: 'checkout.fail.cardRejected',
  REJECT_CARD_PAYMENT: 'checkout.fail.limitExceeded',
  EXCEED_MAX_DAILY_PAYMENT_COUNT: 'checkout.fail.limitExceeded',
  EXCEED_MAX_PAYMENT_AMOUNT: 'checkout.fail.limitExceeded',
  EXCEED_MAX_AMOUNT: 'checkout.fail.limitExceeded',
  INVALID_CARD_EXPIRATION: 'checkout.fail.cardInvalid',
  INVALID_STOPPED_CARD: 'checkout.fail.cardInvalid',
  INVALID_CARD_LOST_OR_STOLEN: 'checkout.fail.cardInvalid',
  INVALID_CARD_NUMBER: 'checkout.fail.cardInvalid',
  INVALID_REJECT_CARD: 'checkout.fail.cardInvalid',
};

/** True when Toss documents the code: only then is it shown, for support to read. */
export function isKnownPaymentFailure(code: string | null): code is string {
  return code !== null && Object.hasOwn(KNOWN_FAILURES, code);
}

/** The message for a fail redirect's code; an unknown or missing code gets the generic one. */
export function paymentFailureMessage(code: string | null): MessageKey {
  return (isKnownPaymentFailure(code) ? KNOWN_FAILURES[code] : undefined) ?? 'checkout.fail.unknown';
}

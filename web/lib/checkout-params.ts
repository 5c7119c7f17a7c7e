import { z } from 'zod';

/**
 * The query strings Toss's window redirects back with (REFERENCE: successUrl / failUrl).
 * Anything that does not parse is treated as missing, never trusted: the Worker checks the
 * amount against the order it priced.
 */
type Query = Record<string, string | string[] | undefined>;

const first = z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.string().min(1).max(300));

const PaymentSuccess = z.object({ paymentKey: first, orderId: first, amount: z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.coerce.number().int().positive()) });
const BillingSuccess = z.object({ authKey: first, customerKey: first, planId: first });
// Toss's message is not shown: the page words each code itself.
const Failure = z.object({ code: first.optional().catch(undefined) });

export function paymentSuccessParams(query: Query) {
  const parsed = PaymentSuccess.safeParse(query);
  return parsed.success ? parsed.data : null;
}

export function billingSuccessParams(query: Query) {
  const parsed = BillingSuccess.safeParse(query);
  return parsed.success ? parsed.data : null;
}

export function failureParams(query: Query) {
  const parsed = Failure.parse(query);
  return { code: parsed.code ?? null };
}

import { z } from 'zod';
import type { Config } from '../config';
import { ApiError } from '../http/errors';

/** Longer than a card network's slowest approval, short enough that the caller can retry. */
const DEFAULT_TIMEOUT_MS = 15_000;

const PaymentStatus = z.enum(['READY', 'IN_PROGRESS', 'WAITING_FOR_DEPOSIT', 'DONE', 'CANCELED', 'PARTIAL_CANCELED', 'ABORTED', 'EXPIRED']);

/** The fields of Toss's Payment object we act on; the rest is kept as sent. */
export const TossPaymentSchema = z.looseObject({
  paymentKey: z.string().min(1),
  orderId: z.string().min(1),
  type: z.string().optional(),
  status: PaymentStatus,
  method: z.string().nullish(),
  totalAmount: z.number().int(),
  approvedAt: z.string().nullish(),
  /** Virtual accounts only: deposit callbacks quote it. */
  secret: z.string().nullish(),
  virtualAccount: z.looseObject({ accountNumber: z.string(), bankCode: z.string(), dueDate: z.string() }).nullish(),
  receipt: z.looseObject({ url: z.string() }).nullish(),
});

export type TossPayment = z.infer<typeof TossPaymentSchema>;
export type TossPaymentStatus = z.infer<typeof PaymentStatus>;

/** The fields of Toss's Billing object (a registered card) we act on. */
export const TossBillingSchema = z.looseObject({
  billingKey: z.string().min(1),
  customerKey: z.string().min(1),
  cardNumber: z.string().nullish(),
});

export type TossBilling = z.infer<typeof TossBillingSchema>;

const TossErrorBody = z.object({ code: z.string(), message: z.string() });

/** Toss answered with its `{code, message}` error body. */
export class TossApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'TossApiError';
  }

  /**
   * True when Toss may still have acted (its own failure, or the first of two idempotent
   * requests still running): retry with the same Idempotency-Key, never treat it as a decline.
   */
  get outcomeUnknown(): boolean {
    return this.status >= 500 || this.code === 'IDEMPOTENT_REQUEST_PROCESSING';
  }
}

/** Toss could not be reached, timed out or answered something unreadable: the call may or may not have happened. */
export class TossUnavailableError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'TossUnavailableError';
  }
}

export type TossClientOptions = {
  /** `https://api.tosspayments.com`, or a local fake. */
  baseUrl: string;
  /** `test_sk_…` / `live_sk_…`. */
  secretKey: string;
  timeoutMs?: number;
};

/**
 * The Toss Payments v1 API over fetch: Basic auth with the secret key, an Idempotency-Key
 * on every POST that moves money, Toss's errors as {@link TossApiError}.
 *
 * @example await new TossClient({ baseUrl, secretKey }).getPayment('tgen_…')
 */
export class TossClient {
  private readonly authorization: string;
  private readonly baseUrl: string;

  constructor(private readonly options: TossClientOptions) {
    this.authorization = `Basic ${btoa(`${options.secretKey}:`)}`;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** Approves a payment the buyer finished in the payment window. */
  confirmPayment(input: { paymentKey: string; orderId: string; amount: number }, idempotencyKey: string): Promise<TossPayment> {
    return this.call('POST', '/v1/payments/confirm', TossPaymentSchema, input, idempotencyKey);
  }

  /** The payment as Toss knows it now: the only word we trust about its status. */
  getPayment(paymentKey: string): Promise<TossPayment> {
    return this.call('GET', `/v1/payments/${encodeURIComponent(paymentKey)}`, TossPaymentSchema);
  }

  /** Turns the `authKey` of a card registration into a billing key. */
  issueBillingKey(input: { authKey: string; customerKey: string }, idempotencyKey: string): Promise<TossBilling> {
    return this.call('POST', '/v1/billing/authorizations/issue', TossBillingSchema, input, idempotencyKey);
  }

  /** Charges a registered card. */
  chargeBillingKey(
    billingKey: string,
    input: { amount: number; customerKey: string; orderId: string; orderName: string },
    idempotencyKey: string,
  ): Promise<TossPayment> {
    return this.call('POST', `/v1/billing/${encodeURIComponent(billingKey)}`, TossPaymentSchema, input, idempotencyKey);
  }

  private async call<T>(method: 'GET' | 'POST', path: string, schema: z.ZodType<T>, body?: unknown, idempotencyKey?: string): Promise<T> {
    const headers: Record<string, string> = { Authorization: this.authorization };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (idempotencyKey !== undefined) headers['Idempotency-Key'] = idempotencyKey;

    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
      text = await res.text();
    } catch (err) {
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      throw new TossUnavailableError(timedOut ? `Toss did not answer ${method} ${path} in time` : `Toss is unreachable: ${String(err)}`, { cause: err });
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new TossUnavailableError(`Toss answered ${method} ${path} with ${res.status} and no JSON`, { cause: err });
    }
    if (!res.ok) {
      const error = TossErrorBody.safeParse(json);
      if (!error.success) throw new TossUnavailableError(`Toss answered ${method} ${path} with ${res.status} and no error code`);
      throw new TossApiError(res.status, error.data.code, error.data.message);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new TossUnavailableError(`Toss answered ${method} ${path} with an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}`);
    return parsed.data;
  }
}

/** A client from the Worker's config; 503 when the secret key is not set, so nothing half-works. */
export function tossClient(config: Pick<Config, 'tossApiBase' | 'tossSecretKey'>): TossClient {
  if (!config.tossSecretKey) throw new ApiError(503, 'billing_unavailable', 'Payments are not configured on this server');
  return new TossClient({ baseUrl: config.tossApiBase, secretKey: config.tossSecretKey });
}

// Toss codes that mean the buyer's card or account refused, not that our request was wrong.
const REFUSAL = /^(REJECT_|EXCEED_|INVALID_CARD|INVALID_STOPPED_CARD|INVALID_REJECT_CARD|NOT_AVAILABLE_PAYMENT|CARD_PROCESSING_ERROR|FDS_ERROR|BELOW_MINIMUM_AMOUNT)/;

/** True when Toss said no for the buyer's card or account (a decline the buyer can fix). */
export function isRefusal(err: TossApiError): boolean {
  return REFUSAL.test(err.code);
}

/**
 * How a Toss failure reaches our caller: refusals as 402 and other request errors as 400/404
 * with Toss's own code and message; Toss's or our configuration's trouble as 502, retryable.
 */
export function paymentFailure(err: unknown): unknown {
  if (err instanceof TossUnavailableError) {
    return new ApiError(502, 'payment_provider_unavailable', 'Toss Payments did not answer; retry: a retry never pays twice', { 'Retry-After': '2' });
  }
  if (!(err instanceof TossApiError)) return err;
  if (err.code === 'IDEMPOTENT_REQUEST_PROCESSING') return new ApiError(409, err.code, err.message, { 'Retry-After': '2' });
  if (err.status >= 500) return new ApiError(502, err.code, err.message, { 'Retry-After': '2' });
  // Our secret key is wrong: not something the buyer can act on, and not Toss's words to show.
  if (err.status === 401 || err.status === 403) return new ApiError(502, 'payment_provider_error', 'Payments are misconfigured on this server');
  if (err.status === 404) return new ApiError(404, err.code, err.message);
  return new ApiError(isRefusal(err) ? 402 : 400, err.code, err.message);
}

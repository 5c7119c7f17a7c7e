import { BillingBook } from './billing';
import { Clock } from './clock';
import { IdempotencyStore } from './idempotency';
import { PaymentBook } from './payments';
import { WebhookSender } from './webhooks';

/** Everything one fake server instance remembers; tests reset it between cases. */
export class FakeState {
  /** This server's own URL (receipt links, the script's fallback base); set once listening. */
  selfUrl = '';
  /** Added to every `/v1` call so tests can overlap two requests (idempotency races). */
  latencyMs = 0;
  readonly clock = new Clock();
  readonly payments = new PaymentBook(this.clock, () => this.selfUrl);
  readonly billing = new BillingBook(this.clock, this.payments);
  readonly idempotency = new IdempotencyStore(this.clock);
  readonly webhooks: WebhookSender;
  /** `/v1` requests received, by `METHOD path`: tests count what the merchant asked Toss. */
  readonly apiCalls = new Map<string, number>();

  /** `secretKey`: the exact key to accept; null accepts any `test_sk_…` key. */
  constructor(
    readonly secretKey: string | null,
    webhookUrl: string | null,
  ) {
    this.webhooks = new WebhookSender(webhookUrl);
  }

  /** Forgets payments, keys, deliveries and the clock offset; keeps configuration (webhook URL, latency). */
  reset(): void {
    this.payments.reset();
    this.billing.reset();
    this.idempotency.reset();
    this.webhooks.reset();
    this.clock.reset();
    this.apiCalls.clear();
  }

  countApiCall(method: string, path: string): void {
    const key = `${method} ${path}`;
    this.apiCalls.set(key, (this.apiCalls.get(key) ?? 0) + 1);
  }
}

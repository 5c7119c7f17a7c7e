import { kstWebhookTime } from './clock';
import type { Payment } from './payments';

export type WebhookEvent = {
  eventType: 'PAYMENT_STATUS_CHANGED' | 'DEPOSIT_CALLBACK';
  body: Record<string, unknown>;
};

export type DeliveryAttempt = { at: string; status: number | null; error: string | null };

export type Delivery = {
  id: number;
  eventType: WebhookEvent['eventType'];
  url: string;
  body: Record<string, unknown>;
  attempts: DeliveryAttempt[];
  delivered: boolean;
};

/** Toss retries for days (1 min … 4096 min); a test fake retries within a second. */
export const RETRY_DELAYS_MS: readonly number[] = [50, 150, 400];
const ATTEMPT_TIMEOUT_MS = 5000;

/** A snapshot, so later changes to the payment do not rewrite what was sent. */
export function paymentStatusChanged(payment: Payment, nowMs: number): WebhookEvent {
  return {
    eventType: 'PAYMENT_STATUS_CHANGED',
    body: { eventType: 'PAYMENT_STATUS_CHANGED', createdAt: kstWebhookTime(nowMs), data: structuredClone(payment) },
  };
}

/** Virtual-account events carry the payment's `secret` so the receiver can tell them from forgeries. */
export function depositCallback(payment: Payment, nowMs: number): WebhookEvent {
  return {
    eventType: 'DEPOSIT_CALLBACK',
    body: {
      createdAt: kstWebhookTime(nowMs),
      secret: payment.secret,
      status: payment.status,
      transactionKey: payment.lastTransactionKey,
      orderId: payment.orderId,
    },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Posts events to the configured URL, retrying anything but 200, and records every attempt. */
export class WebhookSender {
  private deliveries: Delivery[] = [];
  private readonly inFlight = new Set<Promise<Delivery[]>>();
  private nextId = 1;

  constructor(public url: string | null) {}

  /** Sends in order (a deposit callback before the status change it explains); resolves when all attempts end. */
  send(events: WebhookEvent[]): Promise<Delivery[]> {
    const url = this.url;
    if (url === null || events.length === 0) return Promise.resolve([]);
    const run = (async () => {
      const done: Delivery[] = [];
      for (const event of events) done.push(await this.deliver(url, event));
      return done;
    })();
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
    return run;
  }

  private async deliver(url: string, event: WebhookEvent): Promise<Delivery> {
    const delivery: Delivery = {
      id: this.nextId++,
      eventType: event.eventType,
      url,
      body: event.body,
      attempts: [],
      delivered: false,
    };
    this.deliveries.push(delivery);
    for (let attempt = 0; ; attempt++) {
      const record: DeliveryAttempt = { at: new Date().toISOString(), status: null, error: null };
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(event.body),
          signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
        });
        await res.arrayBuffer();
        record.status = res.status;
      } catch (err) {
        record.error = err instanceof Error ? err.message : String(err);
      }
      delivery.attempts.push(record);
      if (record.status === 200) {
        delivery.delivered = true;
        return delivery;
      }
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined) return delivery;
      await sleep(delay);
    }
  }

  /** Waits for deliveries already under way, so tests can read a settled log. */
  async settled(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  list(): Delivery[] {
    return this.deliveries;
  }

  reset(): void {
    this.deliveries = [];
  }
}

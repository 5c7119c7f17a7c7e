import { kstIso, type Clock } from './clock';
import { notMatchesCustomerKey, TossError } from './errors';
import { newAuthKey, newBillingKey } from './ids';
import { APPROVING_CARD, DECLINING_CARD, MID, type CardInfo, type Outcome, type PaymentBook } from './payments';
import {
  asObject,
  optionalString,
  ORDER_NAME_MAX,
  requireAmount,
  requireCustomerKey,
  requireOrderId,
  requireString,
} from './validate';

export type Billing = {
  mId: string;
  customerKey: string;
  authenticatedAt: string;
  method: '카드';
  billingKey: string;
  card: CardInfo;
  cardCompany: string;
  cardNumber: string;
};

/** Per billing key: how often it was charged, to prove a retried charge did not bill twice. */
export type ChargeCount = { customerKey: string; approved: number; declined: number; orderIds: string[] };

type AuthRecord = { customerKey: string; declines: boolean };
type BillingRecord = { billing: Billing; declines: boolean; count: ChargeCount };

const CARD_COMPANY: Record<string, string> = { '41': '신한', '61': '현대' };

/** Card registration for recurring payments: authKey (from the window) → billingKey → charges. */
export class BillingBook {
  private auths = new Map<string, AuthRecord>();
  private keys = new Map<string, BillingRecord>();

  constructor(
    private readonly clock: Clock,
    private readonly payments: PaymentBook,
  ) {}

  /** The window registered a card; `declines` marks a card whose charges will fail. */
  createAuth(customerKey: string, declines: boolean): string {
    const authKey = newAuthKey();
    this.auths.set(authKey, { customerKey, declines });
    return authKey;
  }

  issue(raw: unknown): Billing {
    const fields = asObject(raw);
    const authKey = requireString(fields, 'authKey', 300);
    const customerKey = requireCustomerKey(fields);
    const auth = this.auths.get(authKey);
    if (!auth) throw new TossError(400, 'INVALID_AUTHORIZE_AUTH', '유효하지 않은 인증 키(authKey) 입니다.');
    if (auth.customerKey !== customerKey) throw notMatchesCustomerKey();
    // An authKey is good for one billing key only.
    this.auths.delete(authKey);
    const card = auth.declines ? DECLINING_CARD : APPROVING_CARD;
    const billing: Billing = {
      mId: MID,
      customerKey,
      authenticatedAt: kstIso(this.clock.now()),
      method: '카드',
      billingKey: newBillingKey(),
      card: { ...card },
      cardCompany: CARD_COMPANY[card.issuerCode] ?? '기타',
      cardNumber: card.number,
    };
    this.keys.set(billing.billingKey, {
      billing,
      declines: auth.declines,
      count: { customerKey, approved: 0, declined: 0, orderIds: [] },
    });
    return billing;
  }

  charge(billingKey: string, raw: unknown): Outcome {
    const record = this.keys.get(billingKey);
    if (!record) throw new TossError(404, 'NOT_FOUND_BILLING', '존재하지 않는 빌링키 입니다.');
    const fields = asObject(raw);
    const amount = requireAmount(fields, 'amount');
    const customerKey = requireCustomerKey(fields);
    const orderId = requireOrderId(fields);
    const orderName = requireString(fields, 'orderName', ORDER_NAME_MAX);
    // Checked like Toss does, though the fake sends no receipt mail.
    optionalString(fields, 'customerEmail', 100);
    optionalString(fields, 'customerName', 100);
    if (customerKey !== record.billing.customerKey) throw notMatchesCustomerKey();
    this.payments.assertOrderIdFree(orderId);
    try {
      const outcome = this.payments.recordBillingCharge({
        orderId,
        orderName,
        amount,
        customerKey,
        card: record.billing.card,
        declines: record.declines,
      });
      record.count.approved++;
      record.count.orderIds.push(orderId);
      return outcome;
    } catch (err) {
      record.count.declined++;
      throw err;
    }
  }

  /** Lets a test make a registered card start or stop declining (dunning). */
  setDecline(billingKey: string, declines: boolean): boolean {
    const record = this.keys.get(billingKey);
    if (!record) return false;
    record.declines = declines;
    return true;
  }

  charges(): Record<string, ChargeCount> {
    return Object.fromEntries([...this.keys].map(([key, record]) => [key, record.count]));
  }

  reset(): void {
    this.auths = new Map();
    this.keys = new Map();
  }
}

import { kstIso, type Clock } from './clock';
import {
  alreadyProcessed,
  duplicatedOrderId,
  invalidRequest,
  notFoundPayment,
  notFoundPaymentSession,
  rejectCard,
  TossError,
} from './errors';
import { newAccountNumber, newApproveNo, newPaymentKey, newTransactionKey, newVirtualAccountSecret } from './ids';
import { asObject, optionalString, ORDER_NAME_MAX, requireAmount, requireOrderId, requireString } from './validate';
import { depositCallback, paymentStatusChanged, type WebhookEvent } from './webhooks';

/** What the buyer picked in the window; CARD_DECLINE approves in the window but fails at confirm. */
export type MethodKind = 'CARD' | 'CARD_DECLINE' | 'VIRTUAL_ACCOUNT' | 'EASY_PAY';
export const METHOD_KINDS: readonly MethodKind[] = ['CARD', 'CARD_DECLINE', 'VIRTUAL_ACCOUNT', 'EASY_PAY'];

export type PaymentStatus =
  | 'READY'
  | 'IN_PROGRESS'
  | 'WAITING_FOR_DEPOSIT'
  | 'DONE'
  | 'CANCELED'
  | 'PARTIAL_CANCELED'
  | 'ABORTED'
  | 'EXPIRED';

export type CardInfo = {
  issuerCode: string;
  acquirerCode: string;
  number: string;
  cardType: '신용' | '체크';
  ownerType: '개인' | '법인';
};

export type PaymentCard = CardInfo & {
  amount: number;
  installmentPlanMonths: number;
  isInterestFree: boolean;
  interestPayer: null;
  approveNo: string;
  useCardPoint: boolean;
  acquireStatus: 'READY';
};

export type VirtualAccount = {
  accountType: '일반';
  accountNumber: string;
  bankCode: string;
  customerName: string;
  dueDate: string;
  refundStatus: 'NONE' | 'COMPLETED';
  expired: boolean;
  settlementStatus: 'INCOMPLETED' | 'COMPLETED';
  refundReceiveAccount: { bankCode: string; accountNumber: string; holderName: string } | null;
};

export type CancelEntry = {
  transactionKey: string;
  cancelReason: string;
  taxExemptionAmount: number;
  canceledAt: string;
  transferDiscountAmount: number;
  easyPayDiscountAmount: number;
  receiptKey: string | null;
  cancelAmount: number;
  taxFreeAmount: number;
  refundableAmount: number;
  cancelStatus: 'DONE';
  cancelRequestId: null;
};

/** The Payment object of API version 2022-11-16 (fields the fake cannot vary are fixed). */
export type Payment = {
  mId: string;
  lastTransactionKey: string | null;
  paymentKey: string;
  orderId: string;
  orderName: string;
  taxExemptionAmount: number;
  status: PaymentStatus;
  requestedAt: string;
  approvedAt: string | null;
  useEscrow: boolean;
  cultureExpense: boolean;
  card: PaymentCard | null;
  virtualAccount: VirtualAccount | null;
  transfer: null;
  mobilePhone: null;
  giftCertificate: null;
  cashReceipt: null;
  cashReceipts: null;
  discount: null;
  cancels: CancelEntry[] | null;
  secret: string | null;
  type: 'NORMAL' | 'BILLING';
  easyPay: { provider: string; amount: number; discountAmount: number } | null;
  country: 'KR';
  failure: { code: string; message: string } | null;
  isPartialCancelable: boolean;
  receipt: { url: string } | null;
  checkout: { url: string } | null;
  currency: 'KRW';
  totalAmount: number;
  balanceAmount: number;
  suppliedAmount: number;
  vat: number;
  taxFreeAmount: number;
  metadata: null;
  method: '카드' | '가상계좌' | '간편결제';
  version: '2022-11-16';
};

export type Outcome = { payment: Payment; events: WebhookEvent[] };

export type SessionInput = {
  orderId: string;
  orderName: string;
  amount: number;
  kind: MethodKind;
  customerKey: string | null;
  customerName: string | null;
};

type PaymentRecord = {
  payment: Payment;
  kind: MethodKind;
  customerKey: string | null;
  customerName: string | null;
  createdAtMs: number;
};

/** What `/__fake/payments` lists: the wire object plus what only the fake knows. */
export type PaymentView = { kind: MethodKind; customerKey: string | null; payment: Payment };

const SESSION_WINDOW_MS = 10 * 60 * 1000;
const DEPOSIT_DAYS = 7;
export const MID = 'tosspayments';

export const APPROVING_CARD: CardInfo = {
  issuerCode: '41',
  acquirerCode: '41',
  number: '43301234****123*',
  cardType: '신용',
  ownerType: '개인',
};
export const DECLINING_CARD: CardInfo = {
  issuerCode: '61',
  acquirerCode: '61',
  number: '94906300****402*',
  cardType: '신용',
  ownerType: '개인',
};

const METHOD_LABEL: Record<MethodKind, Payment['method']> = {
  CARD: '카드',
  CARD_DECLINE: '카드',
  VIRTUAL_ACCOUNT: '가상계좌',
  EASY_PAY: '간편결제',
};

/** Statuses after a successful approval: the orderId is then spent. */
const APPROVED: ReadonlySet<PaymentStatus> = new Set(['WAITING_FOR_DEPOSIT', 'DONE', 'CANCELED', 'PARTIAL_CANCELED']);

const vatOf = (amount: number) => Math.round(amount / 11);

export function cardFor(info: CardInfo, amount: number): PaymentCard {
  return {
    ...info,
    amount,
    installmentPlanMonths: 0,
    isInterestFree: false,
    interestPayer: null,
    approveNo: newApproveNo(),
    useCardPoint: false,
    acquireStatus: 'READY',
  };
}

/**
 * Every payment the fake knows: READY sessions from the window, confirmed ones
 * and billing charges. Methods throw TossError for the answers Toss gives.
 */
export class PaymentBook {
  private records = new Map<string, PaymentRecord>();

  constructor(
    private readonly clock: Clock,
    private readonly baseUrl: () => string,
  ) {}

  private blank(input: {
    type: Payment['type'];
    orderId: string;
    orderName: string;
    amount: number;
    method: Payment['method'];
  }): Payment {
    const paymentKey = newPaymentKey();
    const base = this.baseUrl();
    return {
      mId: MID,
      lastTransactionKey: null,
      paymentKey,
      orderId: input.orderId,
      orderName: input.orderName,
      taxExemptionAmount: 0,
      status: 'READY',
      requestedAt: kstIso(this.clock.now()),
      approvedAt: null,
      useEscrow: false,
      cultureExpense: false,
      card: null,
      virtualAccount: null,
      transfer: null,
      mobilePhone: null,
      giftCertificate: null,
      cashReceipt: null,
      cashReceipts: null,
      discount: null,
      cancels: null,
      secret: null,
      type: input.type,
      easyPay: null,
      country: 'KR',
      failure: null,
      isPartialCancelable: true,
      receipt: { url: `${base}/receipt/${paymentKey}` },
      checkout: { url: `${base}/checkout/${paymentKey}` },
      currency: 'KRW',
      totalAmount: input.amount,
      balanceAmount: input.amount,
      suppliedAmount: input.amount - vatOf(input.amount),
      vat: vatOf(input.amount),
      taxFreeAmount: 0,
      metadata: null,
      method: input.method,
      version: '2022-11-16',
    };
  }

  /** A buyer finished the window: the payment waits (READY) for the server's confirm. */
  createSession(input: SessionInput): Payment {
    const payment = this.blank({ ...input, type: 'NORMAL', method: METHOD_LABEL[input.kind] });
    this.records.set(payment.paymentKey, {
      payment,
      kind: input.kind,
      customerKey: input.customerKey,
      customerName: input.customerName,
      createdAtMs: this.clock.now(),
    });
    return payment;
  }

  /** An orderId can be tried many times but approved only once. */
  assertOrderIdFree(orderId: string): void {
    for (const { payment } of this.records.values()) {
      if (payment.orderId === orderId && APPROVED.has(payment.status)) throw duplicatedOrderId();
    }
  }

  confirm(raw: unknown): Outcome {
    const fields = asObject(raw);
    const paymentKey = requireString(fields, 'paymentKey', 200);
    const orderId = requireOrderId(fields);
    const amount = requireAmount(fields, 'amount');

    const record = this.records.get(paymentKey);
    if (!record || record.payment.type !== 'NORMAL' || record.payment.status === 'EXPIRED') throw notFoundPaymentSession();
    const { payment } = record;
    if (payment.status !== 'READY') throw alreadyProcessed();
    if (this.clock.now() - record.createdAtMs > SESSION_WINDOW_MS) {
      payment.status = 'EXPIRED';
      throw notFoundPaymentSession();
    }
    if (payment.orderId !== orderId) throw invalidRequest('요청한 주문번호(orderId)가 결제 정보와 일치하지 않습니다.');
    if (payment.totalAmount !== amount) throw invalidRequest('요청한 결제 금액(amount)이 결제 정보와 일치하지 않습니다.');
    this.assertOrderIdFree(orderId);

    const now = this.clock.now();
    payment.lastTransactionKey = newTransactionKey();
    switch (record.kind) {
      case 'CARD_DECLINE': {
        const error = rejectCard();
        payment.status = 'ABORTED';
        payment.failure = error.body();
        throw error;
      }
      case 'CARD':
        payment.card = cardFor(APPROVING_CARD, amount);
        break;
      case 'EASY_PAY':
        payment.easyPay = { provider: '토스페이', amount, discountAmount: 0 };
        break;
      case 'VIRTUAL_ACCOUNT':
        payment.virtualAccount = {
          accountType: '일반',
          accountNumber: newAccountNumber(),
          bankCode: '20',
          customerName: record.customerName ?? '구매자',
          dueDate: kstIso(now + DEPOSIT_DAYS * 24 * 60 * 60 * 1000),
          refundStatus: 'NONE',
          expired: false,
          settlementStatus: 'INCOMPLETED',
          refundReceiveAccount: null,
        };
        payment.secret = newVirtualAccountSecret();
        payment.status = 'WAITING_FOR_DEPOSIT';
        return { payment, events: [depositCallback(payment, now), paymentStatusChanged(payment, now)] };
    }
    payment.status = 'DONE';
    payment.approvedAt = kstIso(now);
    return { payment, events: [paymentStatusChanged(payment, now)] };
  }

  /** Records a billing charge; the caller has already checked key, customer and orderId. */
  recordBillingCharge(input: {
    orderId: string;
    orderName: string;
    amount: number;
    customerKey: string;
    card: CardInfo;
    declines: boolean;
  }): Outcome {
    const payment = this.blank({ ...input, type: 'BILLING', method: '카드' });
    const now = this.clock.now();
    payment.lastTransactionKey = newTransactionKey();
    this.records.set(payment.paymentKey, {
      payment,
      kind: input.declines ? 'CARD_DECLINE' : 'CARD',
      customerKey: input.customerKey,
      customerName: null,
      createdAtMs: now,
    });
    if (input.declines) {
      const error = rejectCard();
      payment.status = 'ABORTED';
      payment.failure = error.body();
      throw error;
    }
    payment.card = cardFor(input.card, input.amount);
    payment.status = 'DONE';
    payment.approvedAt = kstIso(now);
    return { payment, events: [paymentStatusChanged(payment, now)] };
  }

  get(paymentKey: string): Payment {
    const record = this.records.get(paymentKey);
    if (!record) throw notFoundPayment();
    return record.payment;
  }

  /** Several attempts can share an orderId; the approved one is the order's payment. */
  byOrderId(orderId: string): Payment {
    let found: Payment | null = null;
    for (const { payment } of this.records.values()) {
      if (payment.orderId !== orderId) continue;
      if (APPROVED.has(payment.status)) return payment;
      found = payment;
    }
    if (!found) throw notFoundPayment();
    return found;
  }

  cancel(paymentKey: string, raw: unknown): Outcome {
    const payment = this.get(paymentKey);
    const fields = asObject(raw);
    const cancelReason = requireString(fields, 'cancelReason', 200);
    if (payment.status === 'CANCELED') throw new TossError(400, 'ALREADY_CANCELED_PAYMENT', '이미 취소된 결제 입니다.');
    if (!APPROVED.has(payment.status)) throw new TossError(400, 'NOT_CANCELABLE_PAYMENT', '취소 할 수 없는 결제 입니다.');
    const cancelAmount = fields.cancelAmount === undefined ? payment.balanceAmount : requireAmount(fields, 'cancelAmount');
    if (cancelAmount > payment.balanceAmount) throw new TossError(400, 'NOT_CANCELABLE_AMOUNT', '취소 할 수 없는 금액 입니다.');

    const account = payment.virtualAccount;
    if (account && payment.status === 'WAITING_FOR_DEPOSIT' && cancelAmount !== payment.balanceAmount) {
      throw new TossError(400, 'NOT_CANCELABLE_AMOUNT', '입금 전인 가상계좌 결제는 부분 취소할 수 없습니다.');
    }
    // Money already deposited to a virtual account has to go back to a real account.
    if (account && payment.status !== 'WAITING_FOR_DEPOSIT') {
      account.refundReceiveAccount = parseRefundAccount(fields.refundReceiveAccount);
      account.refundStatus = 'COMPLETED';
    }

    const now = this.clock.now();
    const transactionKey = newTransactionKey();
    payment.balanceAmount -= cancelAmount;
    payment.vat = vatOf(payment.balanceAmount);
    payment.suppliedAmount = payment.balanceAmount - payment.vat;
    payment.status = payment.balanceAmount === 0 ? 'CANCELED' : 'PARTIAL_CANCELED';
    payment.lastTransactionKey = transactionKey;
    payment.cancels = [
      ...(payment.cancels ?? []),
      {
        transactionKey,
        cancelReason,
        taxExemptionAmount: 0,
        canceledAt: kstIso(now),
        transferDiscountAmount: 0,
        easyPayDiscountAmount: 0,
        receiptKey: null,
        cancelAmount,
        taxFreeAmount: 0,
        refundableAmount: payment.balanceAmount,
        cancelStatus: 'DONE',
        cancelRequestId: null,
      },
    ];
    const events = [paymentStatusChanged(payment, now)];
    if (account) events.unshift(depositCallback(payment, now));
    return { payment, events };
  }

  /** The buyer paid into the virtual account issued for this order. */
  deposit(orderId: string): Outcome {
    const payment = [...this.records.values()]
      .map((r) => r.payment)
      .find((p) => p.orderId === orderId && p.virtualAccount !== null);
    if (!payment) throw notFoundPayment();
    if (payment.status !== 'WAITING_FOR_DEPOSIT' || !payment.virtualAccount) {
      throw new TossError(400, 'NOT_WAITING_FOR_DEPOSIT', '입금 대기 중인 가상계좌 결제가 아닙니다.');
    }
    const now = this.clock.now();
    payment.status = 'DONE';
    payment.approvedAt = kstIso(now);
    payment.lastTransactionKey = newTransactionKey();
    payment.virtualAccount.settlementStatus = 'COMPLETED';
    return { payment, events: [depositCallback(payment, now), paymentStatusChanged(payment, now)] };
  }

  all(): PaymentView[] {
    return [...this.records.values()].map(({ kind, customerKey, payment }) => ({ kind, customerKey, payment }));
  }

  reset(): void {
    this.records = new Map();
  }
}

function parseRefundAccount(raw: unknown): NonNullable<VirtualAccount['refundReceiveAccount']> {
  if (raw === undefined || raw === null) {
    throw invalidRequest('입금이 완료된 가상계좌 결제를 취소하려면 환불 받을 계좌 정보(refundReceiveAccount)가 필요합니다.');
  }
  const fields = asObject(raw);
  return {
    bankCode: requireString(fields, 'bank', 20),
    accountNumber: requireString(fields, 'accountNumber', 20),
    holderName: requireString(fields, 'holderName', 60),
  };
}

/** Reads the `/__fake/sessions` body: the same checks the window applies. */
export function parseSessionInput(raw: unknown): SessionInput {
  const fields = asObject(raw);
  const kind = fields.method;
  if (typeof kind !== 'string' || !(METHOD_KINDS as readonly string[]).includes(kind)) {
    throw invalidRequest(`method는 ${METHOD_KINDS.join(', ')} 중 하나여야 합니다.`);
  }
  return {
    orderId: requireOrderId(fields),
    orderName: requireString(fields, 'orderName', ORDER_NAME_MAX),
    amount: requireAmount(fields, 'amount'),
    kind: kind as MethodKind,
    customerKey: optionalString(fields, 'customerKey'),
    customerName: optionalString(fields, 'customerName', 100),
  };
}

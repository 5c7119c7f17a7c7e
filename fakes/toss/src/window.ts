import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BillingBook } from './billing';
import { TossError } from './errors';
import { escapeHtml, formatKrw, page } from './html';
import { decodeSegment, readForm, redirect, sendHtml, withQuery } from './http';
import type { MethodKind, Payment, PaymentBook } from './payments';
import { sdkScript } from './sdk';
import { CUSTOMER_KEY_PATTERN, isHttpUrl, ORDER_ID_PATTERN, ORDER_NAME_MAX } from './validate';

/**
 * The browser half of the fake: the SDK script and the pages it navigates to,
 * standing in for Toss's payment window. Pages post back to themselves and
 * answer with the same success/fail redirects the real window makes.
 */

type PaymentRequest = {
  clientKey: string;
  customerKey: string;
  method: string;
  amount: number;
  orderId: string;
  orderName: string;
  successUrl: string;
  failUrl: string;
  customerEmail: string;
  customerName: string;
  preset: string;
};

type BillingRequest = {
  clientKey: string;
  customerKey: string;
  successUrl: string;
  failUrl: string;
  customerEmail: string;
  customerName: string;
};

type Choice = { id: string; value: string; label: string };

const PAYMENT_CHOICES: readonly (Choice & { kind: MethodKind })[] = [
  { id: 'method-card', value: 'card', label: '카드 (승인)', kind: 'CARD' },
  { id: 'method-card-decline', value: 'card-decline', label: '거절되는 카드 (승인 요청 시 거절)', kind: 'CARD_DECLINE' },
  { id: 'method-virtual-account', value: 'virtual-account', label: '가상계좌', kind: 'VIRTUAL_ACCOUNT' },
  { id: 'method-easy-pay', value: 'easy-pay', label: '간편결제 (토스페이)', kind: 'EASY_PAY' },
];

const BILLING_CHOICES: readonly (Choice & { declines: boolean })[] = [
  { id: 'card-ok', value: 'ok', label: '정상 카드 (신한 4330-12**-****-123*)', declines: false },
  { id: 'card-decline', value: 'decline', label: '결제가 거절되는 카드 (현대 9490-63**-****-402*)', declines: true },
];

const CANCELED = { code: 'PAY_PROCESS_CANCELED', message: '사용자에 의해 결제가 취소되었습니다.' };

class WindowInputError extends Error {}

function field(params: URLSearchParams, name: string): string {
  return params.get(name) ?? '';
}

function checkCommon(clientKey: string, customerKey: string, successUrl: string, failUrl: string): void {
  if (!/^test_g?ck_/.test(clientKey)) {
    throw new WindowInputError('클라이언트 키(test_ck_… 또는 test_gck_…)가 필요합니다.');
  }
  if (!CUSTOMER_KEY_PATTERN.test(customerKey)) throw new WindowInputError('customerKey 형식이 올바르지 않습니다.');
  if (!isHttpUrl(successUrl)) throw new WindowInputError('successUrl은 http(s) 절대 URL이어야 합니다.');
  if (!isHttpUrl(failUrl)) throw new WindowInputError('failUrl은 http(s) 절대 URL이어야 합니다.');
}

function parsePaymentRequest(params: URLSearchParams): PaymentRequest {
  const request: PaymentRequest = {
    clientKey: field(params, 'clientKey'),
    customerKey: field(params, 'customerKey'),
    method: field(params, 'method'),
    amount: Number(field(params, 'amount')),
    orderId: field(params, 'orderId'),
    orderName: field(params, 'orderName'),
    successUrl: field(params, 'successUrl'),
    failUrl: field(params, 'failUrl'),
    customerEmail: field(params, 'customerEmail'),
    customerName: field(params, 'customerName'),
    preset: field(params, 'preset'),
  };
  checkCommon(request.clientKey, request.customerKey, request.successUrl, request.failUrl);
  if (request.method !== 'CARD' && request.method !== 'VIRTUAL_ACCOUNT') {
    throw new WindowInputError('method는 CARD 또는 VIRTUAL_ACCOUNT여야 합니다.');
  }
  if (!Number.isSafeInteger(request.amount) || request.amount <= 0) throw new WindowInputError('결제 금액은 0보다 큰 정수여야 합니다.');
  if (!ORDER_ID_PATTERN.test(request.orderId)) throw new WindowInputError('orderId 형식이 올바르지 않습니다.');
  if (request.orderName === '' || request.orderName.length > ORDER_NAME_MAX) {
    throw new WindowInputError(`orderName은 1자 이상 ${ORDER_NAME_MAX}자 이하여야 합니다.`);
  }
  return request;
}

function parseBillingRequest(params: URLSearchParams): BillingRequest {
  const request: BillingRequest = {
    clientKey: field(params, 'clientKey'),
    customerKey: field(params, 'customerKey'),
    successUrl: field(params, 'successUrl'),
    failUrl: field(params, 'failUrl'),
    customerEmail: field(params, 'customerEmail'),
    customerName: field(params, 'customerName'),
  };
  checkCommon(request.clientKey, request.customerKey, request.successUrl, request.failUrl);
  return request;
}

/** Carries the request through the form post unchanged. */
function hiddenFields(request: Record<string, string | number>): string {
  return Object.entries(request)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(String(value))}">`)
    .join('\n');
}

function radios(name: string, legend: string, choices: readonly Choice[], checked: string): string {
  const items = choices
    .map(
      (c) =>
        `<label for="${c.id}"><input type="radio" id="${c.id}" name="${name}" value="${c.value}"${c.value === checked ? ' checked' : ''}> ${escapeHtml(c.label)}</label>`,
    )
    .join('\n');
  return `<fieldset>\n<legend>${escapeHtml(legend)}</legend>\n${items}\n</fieldset>`;
}

function paymentPage(request: PaymentRequest): string {
  const preset = PAYMENT_CHOICES.some((c) => c.value === request.preset) ? request.preset : 'card';
  return page(
    `${request.orderName} 결제`,
    `<h1>결제하기</h1>
<dl>
  <dt>주문명</dt><dd id="order-name">${escapeHtml(request.orderName)}</dd>
  <dt>결제 금액</dt><dd id="amount">${escapeHtml(formatKrw(request.amount))}</dd>
  <dt>주문번호</dt><dd id="order-id">${escapeHtml(request.orderId)}</dd>
</dl>
<form method="post" action="/window/payment">
${hiddenFields(request)}
${radios('choice', '결제수단 선택', PAYMENT_CHOICES, preset)}
<div class="actions">
  <button type="submit" id="pay" name="action" value="pay">결제하기</button>
  <button type="submit" id="cancel" name="action" value="cancel" formnovalidate>취소</button>
</div>
</form>`,
  );
}

function billingPage(request: BillingRequest): string {
  return page(
    '카드 등록',
    `<h1>자동결제 카드 등록</h1>
<p>고객 키: <span id="customer-key">${escapeHtml(request.customerKey)}</span></p>
<form method="post" action="/window/billing">
${hiddenFields(request)}
${radios('card', '등록할 카드', BILLING_CHOICES, 'ok')}
<div class="actions">
  <button type="submit" id="register" name="action" value="register">카드 등록하기</button>
  <button type="submit" id="cancel" name="action" value="cancel" formnovalidate>취소</button>
</div>
</form>`,
  );
}

function errorPage(message: string): string {
  return page('결제 요청 오류', `<h1>결제 요청 오류</h1>\n<p role="alert">${escapeHtml(message)}</p>`);
}

function receiptPage(payment: Payment): string {
  return page(
    '매출전표',
    `<h1>매출전표</h1>
<dl>
  <dt>주문명</dt><dd>${escapeHtml(payment.orderName)}</dd>
  <dt>주문번호</dt><dd>${escapeHtml(payment.orderId)}</dd>
  <dt>결제수단</dt><dd>${escapeHtml(payment.method)}</dd>
  <dt>결제 금액</dt><dd>${escapeHtml(formatKrw(payment.totalAmount))}</dd>
  <dt>잔액</dt><dd>${escapeHtml(formatKrw(payment.balanceAmount))}</dd>
  <dt>상태</dt><dd>${escapeHtml(payment.status)}</dd>
</dl>`,
  );
}

export type WindowDeps = { payments: PaymentBook; billing: BillingBook; selfUrl: string };

/** Handles the browser-facing routes; returns false when the path is not one of them. */
export async function handleWindow(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  deps: WindowDeps,
): Promise<boolean> {
  const { method } = req;
  const path = url.pathname;
  try {
    if (method === 'GET' && path === '/v2/standard') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      res.end(sdkScript(deps.selfUrl));
      return true;
    }
    if (method === 'GET' && path === '/window/payment') {
      sendHtml(res, 200, paymentPage(parsePaymentRequest(url.searchParams)));
      return true;
    }
    if (method === 'POST' && path === '/window/payment') {
      const form = await readForm(req);
      const request = parsePaymentRequest(form);
      if (form.get('action') === 'cancel') {
        redirect(res, withQuery(request.failUrl, { ...CANCELED, orderId: request.orderId }));
        return true;
      }
      const choice = PAYMENT_CHOICES.find((c) => c.value === form.get('choice'));
      if (!choice) throw new WindowInputError('결제수단을 선택해 주세요.');
      const payment = deps.payments.createSession({
        orderId: request.orderId,
        orderName: request.orderName,
        amount: request.amount,
        kind: choice.kind,
        customerKey: request.customerKey,
        customerName: request.customerName || null,
      });
      redirect(
        res,
        withQuery(request.successUrl, {
          paymentType: 'NORMAL',
          orderId: payment.orderId,
          paymentKey: payment.paymentKey,
          amount: String(payment.totalAmount),
        }),
      );
      return true;
    }
    if (method === 'GET' && path === '/window/billing') {
      sendHtml(res, 200, billingPage(parseBillingRequest(url.searchParams)));
      return true;
    }
    if (method === 'POST' && path === '/window/billing') {
      const form = await readForm(req);
      const request = parseBillingRequest(form);
      if (form.get('action') === 'cancel') {
        redirect(res, withQuery(request.failUrl, CANCELED));
        return true;
      }
      const choice = BILLING_CHOICES.find((c) => c.value === form.get('card'));
      if (!choice) throw new WindowInputError('등록할 카드를 선택해 주세요.');
      const authKey = deps.billing.createAuth(request.customerKey, choice.declines);
      redirect(res, withQuery(request.successUrl, { customerKey: request.customerKey, authKey }));
      return true;
    }
    const receipt = /^\/(?:receipt|checkout)\/([^/]+)$/.exec(path);
    if (method === 'GET' && receipt?.[1]) {
      sendHtml(res, 200, receiptPage(deps.payments.get(decodeSegment(receipt[1]))));
      return true;
    }
    return false;
  } catch (err) {
    if (err instanceof WindowInputError) {
      sendHtml(res, 400, errorPage(err.message));
      return true;
    }
    if (err instanceof TossError) {
      sendHtml(res, err.status, errorPage(err.message));
      return true;
    }
    throw err;
  }
}

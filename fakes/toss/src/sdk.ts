import { CUSTOMER_KEY_PATTERN, ORDER_ID_PATTERN, ORDER_NAME_MAX } from './validate';

/**
 * The stand-in for `https://js.tosspayments.com/v2/standard`. `loadTossPayments`
 * from `@tosspayments/tosspayments-sdk` uses `window.TossPayments` when it exists,
 * so loading this script first (or pointing the SDK's `src` here) routes the
 * browser to this fake's window pages. It is plain ES5 served as text, so it
 * runs in any page without a build step.
 *
 * The script finds the fake through its own `src` (right even behind proxies and
 * port mappings, and when loaded from another origin); `fallbackBase`, the
 * server's listening URL, is only for when `document.currentScript` is unset.
 */
export function sdkScript(fallbackBase: string): string {
  return `/* Fake Toss Payments SDK v2 stand-in: for local development and tests only. */
(function () {
  'use strict';
  var current = document.currentScript;
  var BASE = current && current.src ? current.src.replace(/\\/v2\\/standard(?:[?#].*)?$/, '') : ${JSON.stringify(fallbackBase)};
  var ORDER_ID = ${ORDER_ID_PATTERN.toString()};
  var CUSTOMER_KEY = ${CUSTOMER_KEY_PATTERN.toString()};
  var ORDER_NAME_MAX = ${ORDER_NAME_MAX};

  function fail(code, message) {
    var error = new Error(message);
    error.name = 'TossPaymentsError';
    error.code = code;
    throw error;
  }

  // The real SDK reports bad input as a rejected promise, not a synchronous throw.
  function attempt(run) {
    try {
      return run();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  function checkUrl(name, value) {
    var ok = false;
    try {
      var protocol = new URL(value).protocol;
      ok = protocol === 'http:' || protocol === 'https:';
    } catch (e) {
      ok = false;
    }
    if (!ok) fail('INVALID_URL', name + '은(는) http(s)로 시작하는 절대 URL이어야 합니다.');
  }

  function checkCustomerKey(customerKey) {
    if (typeof customerKey !== 'string' || !CUSTOMER_KEY.test(customerKey)) {
      fail('INVALID_CUSTOMER_KEY', 'customerKey는 영문 대소문자, 숫자, 특수문자(-, _, =, ., @, ,)로 이루어진 2자 이상 300자 이하의 문자열이어야 합니다.');
    }
  }

  // Leaves for the window page; the promise never settles because the page unloads.
  function open(path, params) {
    var query = new URLSearchParams();
    Object.keys(params).forEach(function (name) {
      var value = params[name];
      if (value !== undefined && value !== null && value !== '') query.set(name, String(value));
    });
    window.location.assign(BASE + path + '?' + query.toString());
    return new Promise(function () {});
  }

  function requestPayment(clientKey, customerKey, p) {
    p = p || {};
    if (p.method !== 'CARD' && p.method !== 'VIRTUAL_ACCOUNT') {
      fail('INVALID_METHOD', '지원하지 않는 결제수단입니다. 이 테스트 결제창은 CARD, VIRTUAL_ACCOUNT만 지원합니다.');
    }
    var amount = p.amount || {};
    if (amount.currency !== 'KRW') fail('INVALID_CURRENCY', 'amount.currency는 KRW여야 합니다.');
    if (typeof amount.value !== 'number' || !Number.isInteger(amount.value) || amount.value <= 0) {
      fail('INVALID_AMOUNT_VALUE', 'amount.value는 0보다 큰 정수여야 합니다.');
    }
    if (typeof p.orderId !== 'string' || !ORDER_ID.test(p.orderId)) {
      fail('INVALID_ORDER_ID', 'orderId는 영문 대소문자, 숫자, 특수문자(-, _, .)로 이루어진 6자 이상 64자 이하의 문자열이어야 합니다.');
    }
    if (typeof p.orderName !== 'string' || p.orderName === '' || p.orderName.length > ORDER_NAME_MAX) {
      fail('INVALID_ORDER_NAME', 'orderName은 1자 이상 ' + ORDER_NAME_MAX + '자 이하의 문자열이어야 합니다.');
    }
    checkUrl('successUrl', p.successUrl);
    checkUrl('failUrl', p.failUrl);
    var easyPay = (p.card && p.card.easyPay) || p.easyPay;
    return open('/window/payment', {
      clientKey: clientKey,
      customerKey: customerKey,
      method: p.method,
      amount: amount.value,
      orderId: p.orderId,
      orderName: p.orderName,
      successUrl: p.successUrl,
      failUrl: p.failUrl,
      customerEmail: p.customerEmail,
      customerName: p.customerName,
      preset: p.method === 'VIRTUAL_ACCOUNT' ? 'virtual-account' : easyPay ? 'easy-pay' : 'card'
    });
  }

  function requestBillingAuth(clientKey, customerKey, p) {
    p = p || {};
    if (p.method !== 'CARD' && p.method !== '카드') fail('INVALID_METHOD', '자동결제(빌링) 인증은 CARD만 지원합니다.');
    checkCustomerKey(customerKey);
    checkUrl('successUrl', p.successUrl);
    checkUrl('failUrl', p.failUrl);
    return open('/window/billing', {
      clientKey: clientKey,
      customerKey: customerKey,
      successUrl: p.successUrl,
      failUrl: p.failUrl,
      customerEmail: p.customerEmail,
      customerName: p.customerName
    });
  }

  // Called with or without \`new\`: it returns a plain object either way.
  function TossPayments(clientKey) {
    if (typeof clientKey !== 'string' || !/^test_g?ck_/.test(clientKey)) {
      fail('INVALID_CLIENT_KEY', '클라이언트 키(test_ck_… 또는 test_gck_…)가 필요합니다. 시크릿 키를 브라우저에 넣지 마세요.');
    }
    return {
      payment: function (options) {
        var customerKey = options && options.customerKey;
        checkCustomerKey(customerKey);
        return {
          requestPayment: function (p) {
            return attempt(function () { return requestPayment(clientKey, customerKey, p); });
          },
          requestBillingAuth: function (p) {
            return attempt(function () { return requestBillingAuth(clientKey, customerKey, p); });
          }
        };
      },
      // v1 style: tossPayments.requestBillingAuth('카드', { customerKey, successUrl, failUrl })
      requestBillingAuth: function (method, p) {
        return attempt(function () {
          var params = p || {};
          return requestBillingAuth(clientKey, params.customerKey, {
            method: method,
            successUrl: params.successUrl,
            failUrl: params.failUrl,
            customerEmail: params.customerEmail,
            customerName: params.customerName
          });
        });
      }
    };
  }
  TossPayments.ANONYMOUS = '@@ANONYMOUS';
  window.TossPayments = TossPayments;
})();
`;
}

import { invalidRequest } from './errors';

/** Toss's own input rules; the SDK stand-in script reuses the same patterns. */
export const ORDER_ID_PATTERN = /^[A-Za-z0-9_.-]{6,64}$/;
export const CUSTOMER_KEY_PATTERN = /^[A-Za-z0-9_=.,@-]{2,300}$/;
export const ORDER_NAME_MAX = 100;

export type Fields = Record<string, unknown>;

export function asObject(raw: unknown): Fields {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidRequest('요청 본문은 JSON 객체여야 합니다.');
  return raw as Fields;
}

export function requireString(fields: Fields, name: string, max = 300): string {
  const value = fields[name];
  if (typeof value !== 'string' || value === '') throw invalidRequest(`${name}은(는) 필수 값입니다.`);
  if (value.length > max) throw invalidRequest(`${name}은(는) 최대 ${max}자까지 입력할 수 있습니다.`);
  return value;
}

export function optionalString(fields: Fields, name: string, max = 300): string | null {
  if (fields[name] === undefined || fields[name] === null) return null;
  return requireString(fields, name, max);
}

export function requireAmount(fields: Fields, name: string): number {
  const value = fields[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw invalidRequest(`${name}은(는) 0보다 큰 정수여야 합니다.`);
  }
  return value;
}

export function requireOrderId(fields: Fields): string {
  const orderId = requireString(fields, 'orderId', 64);
  if (!ORDER_ID_PATTERN.test(orderId)) {
    throw invalidRequest('orderId는 영문 대소문자, 숫자, 특수문자(-, _, .)로 이루어진 6자 이상 64자 이하의 문자열이어야 합니다.');
  }
  return orderId;
}

export function requireCustomerKey(fields: Fields): string {
  const customerKey = requireString(fields, 'customerKey', 300);
  if (!CUSTOMER_KEY_PATTERN.test(customerKey)) {
    throw invalidRequest('customerKey는 영문 대소문자, 숫자, 특수문자(-, _, =, ., @, ,)로 이루어진 2자 이상 300자 이하의 문자열이어야 합니다.');
  }
  return customerKey;
}

export function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

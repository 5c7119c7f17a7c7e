/**
 * Toss answers every failure as `{code, message}` with a Korean message; the
 * fake throws these from anywhere and the HTTP layer turns them into responses.
 */
export type ErrorBody = { code: string; message: string };

export class TossError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }

  body(): ErrorBody {
    return { code: this.code, message: this.message };
  }
}

export const unauthorizedKey = () =>
  new TossError(401, 'UNAUTHORIZED_KEY', '인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다.');

export const invalidRequest = (message = '잘못된 요청입니다.') => new TossError(400, 'INVALID_REQUEST', message);

export const notFoundPayment = () => new TossError(404, 'NOT_FOUND_PAYMENT', '존재하지 않는 결제 정보 입니다.');

export const notFoundPaymentSession = () =>
  new TossError(404, 'NOT_FOUND_PAYMENT_SESSION', '결제 시간이 만료되어 결제 진행 데이터가 존재하지 않습니다.');

export const alreadyProcessed = () => new TossError(400, 'ALREADY_PROCESSED_PAYMENT', '이미 처리된 결제 입니다.');

export const rejectCard = () =>
  new TossError(400, 'REJECT_CARD_PAYMENT', '한도초과 혹은 잔액부족으로 결제에 실패했습니다.');

export const duplicatedOrderId = () =>
  new TossError(400, 'DUPLICATED_ORDER_ID', '이미 승인 및 취소가 진행된 중복된 주문번호 입니다. 다른 주문번호로 진행해주세요.');

export const notMatchesCustomerKey = () =>
  new TossError(400, 'NOT_MATCHES_CUSTOMER_KEY', '빌링 인증 고객키와 결제 요청 고객키가 일치하지 않습니다.');

export const idempotentProcessing = () =>
  new TossError(409, 'IDEMPOTENT_REQUEST_PROCESSING', '이전 멱등 요청이 처리중 입니다. 잠시 후 다시 시도해주세요.');

export const internalError = () =>
  new TossError(500, 'FAILED_INTERNAL_SYSTEM_PROCESSING', '내부 시스템 처리 작업이 실패했습니다. 잠시 후 다시 시도해주세요.');

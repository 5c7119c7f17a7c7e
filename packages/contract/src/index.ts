import type { Error as ErrorSchema } from './api';

/**
 * Facts the web app, the Worker and the signer must agree on (contract sections 3 and 5),
 * written once. The wire shapes themselves are generated from the Worker's OpenAPI
 * document into `@chat/contract/api`.
 */

/** The header that carries a request's trace id, both ways. */
export const TRACE_HEADER = 'X-Trace-Id';

/**
 * A trace id a caller may choose. Long enough to be unique, short and plain enough that
 * nobody can smuggle log-breaking or header-breaking characters through it.
 */
export const TRACE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/;

/** Longest message a user may send, in characters: the composer stops there, the Worker refuses beyond. */
export const MAX_MESSAGE_CHARS = 32_000;

/** Longest custom instructions a user may set, in characters: the settings form stops there, the Worker refuses beyond. */
export const MAX_INSTRUCTIONS_CHARS = 1_500;

/** Languages a user may ask answers to be written in; without one, answers follow the language the user writes in. */
export const ANSWER_LANGUAGES = ['ko', 'en', 'ja', 'zh', 'es', 'fr', 'de'] as const;
export type AnswerLanguage = (typeof ANSWER_LANGUAGES)[number];

/** Longest lifetime a token may have (contract: at most 60 minutes); the Worker rejects longer ones. */
export const MAX_TOKEN_LIFETIME_S = 3600;

/** Clock skew the Worker tolerates on `exp`, `nbf` and `iat`. */
export const CLOCK_SKEW_S = 30;

/** `iss` of the web app's tokens unless JWT_ISSUER says otherwise. */
export const DEFAULT_JWT_ISSUER = 'chat-web';

/** `aud` of the web app's tokens unless JWT_AUDIENCE says otherwise. */
export const DEFAULT_JWT_AUDIENCE = 'chat-api';

/**
 * The Toss customerKey of a user. Derived from the user id rather than taken from the
 * browser, so nobody can name someone else's card registrations: the Worker accepts a
 * billing-key registration only for this key.
 *
 * @example customerKeyFor('usr_0mf3k2x1a7') // "cus_usr_0mf3k2x1a7"
 */
export function customerKeyFor(userId: string): string {
  return `cus_${userId}`;
}

/** The contract's error body: every error response of the Worker and the BFF. */
export type ErrorBody = ErrorSchema;

/**
 * The `error` of a contract error body, or null for anything else (an HTML error page, a
 * proxy's plain text, JSON of another shape). A missing trace id reads as ''.
 */
export function readErrorBody(value: unknown): ErrorBody['error'] | null {
  if (typeof value !== 'object' || value === null || !('error' in value)) return null;
  const error: unknown = value.error;
  if (typeof error !== 'object' || error === null) return null;
  const { code, message, traceId } = error as Record<string, unknown>;
  if (typeof code !== 'string' || typeof message !== 'string') return null;
  return { code, message, traceId: typeof traceId === 'string' ? traceId : '' };
}

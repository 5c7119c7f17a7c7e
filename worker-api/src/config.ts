import { z } from 'zod';
import type { Bindings } from './env';
import { ApiError } from './http/errors';
import { log } from './log';

/** A whole number of milliseconds or seconds, given as a var string. */
const count = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);
/** An interval that must not be zero: a zero heartbeat or upstream timeout would fire without pause. */
const interval = (fallback: number) => z.coerce.number().int().positive().default(fallback);
/** A cap on what a user may keep: at least 1. */
const cap = (fallback: number) => z.coerce.number().int().min(1).default(fallback);
/** A secret: unset and empty both mean "not configured". */
const secret = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s === '' ? undefined : s));

/**
 * KRW per unit of each price currency, for the margin report: a JSON object like
 * `{"USD":1400}`. A currency left out is shown unconverted, never dropped.
 */
const fxRatesKrw = z
  .string()
  .default('{}')
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object like {"USD":1400}' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code like USD'), z.number().positive()));

/** The Worker's vars and secrets (wrangler.toml `[vars]`, `.dev.vars`, `wrangler secret put`), each default given once here. */
const ConfigSchema = z
  .object({
    JWT_ISSUER: z.string().min(1).default('chat-web'),
    JWT_AUDIENCE: z.string().min(1).default('chat-api'),
    JWKS_CACHE_TTL_S: count(300),
    HEARTBEAT_MS: interval(15_000),
    /** How long the upstream may stay silent, before its first byte or between chunks. */
    UPSTREAM_TIMEOUT_MS: interval(30_000),
    /**
     * Time an answer may spend on retries and their waits before its first token, shared by
     * the model and its fallbacks (src/providers/retry-policy.ts); 0: each is tried once.
     */
    UPSTREAM_RETRY_BUDGET_MS: count(8_000),
    OPENAI_BASE_URL: z.url().default('https://api.openai.com/v1'),
    OPENAI_API_KEY: secret,
    TOSS_API_BASE: z.url().default('https://api.tosspayments.com'),
    TOSS_SECRET_KEY: secret,
    BILLING_KEY_SECRET: secret,
    ADMIN_EMAILS: z.string().default(''),
    /** Caps per user (issue 17): each refusal is its own 409 code (src/policy/caps.ts). */
    MAX_CONVERSATIONS_PER_USER: cap(2_000),
    MAX_MESSAGES_PER_CONVERSATION: cap(5_000),
    /** UTF-8 bytes of every message a user has stored, answers included. */
    MAX_STORED_BYTES_PER_USER: cap(50 * 1024 * 1024),
    /** One-time orders still waiting for payment, opened within the last day. */
    MAX_OPEN_ORDERS_PER_USER: cap(10),
    /** Answers a user may start in any minute (src/policy/stream-starts.ts); past it, 429 `rate_limited`. */
    STREAM_STARTS_PER_MINUTE: cap(20),
    FX_RATES_KRW: fxRatesKrw,
  })
  .transform((v) => ({
    jwtIssuer: v.JWT_ISSUER,
    jwtAudience: v.JWT_AUDIENCE,
    jwksCacheTtlS: v.JWKS_CACHE_TTL_S,
    heartbeatMs: v.HEARTBEAT_MS,
    upstreamTimeoutMs: v.UPSTREAM_TIMEOUT_MS,
    upstreamRetryBudgetMs: v.UPSTREAM_RETRY_BUDGET_MS,
    openaiBaseUrl: v.OPENAI_BASE_URL,
    openaiApiKey: v.OPENAI_API_KEY,
    tossApiBase: v.TOSS_API_BASE,
    tossSecretKey: v.TOSS_SECRET_KEY,
    billingKeySecret: v.BILLING_KEY_SECRET,
    /** Comma-separated, any case, blanks ignored: lower-cased emails that get the admin role at sign-in. */
    adminEmails: v.ADMIN_EMAILS.split(',')
      .map((e) => e.trim().toLowerCase())
      .filter((e) => e.length > 0),
    caps: {
      conversationsPerUser: v.MAX_CONVERSATIONS_PER_USER,
      messagesPerConversation: v.MAX_MESSAGES_PER_CONVERSATION,
      storedBytesPerUser: v.MAX_STORED_BYTES_PER_USER,
      openOrdersPerUser: v.MAX_OPEN_ORDERS_PER_USER,
    },
    streamStartsPerMinute: v.STREAM_STARTS_PER_MINUTE,
    fxRatesKrw: v.FX_RATES_KRW,
  }));

export type Config = z.output<typeof ConfigSchema>;

// Bindings are one object per isolate in practice, so this parses once; a test's own env gets its own entry.
const parsed = new WeakMap<object, Config>();

/**
 * The Worker's configuration, parsed and defaulted once per env object. A var with a bad
 * value is logged by name and every request answers 500 `config_invalid` saying which,
 * rather than failing somewhere deep with a stack.
 *
 * @example const { jwtIssuer, jwtAudience } = readConfig(c.env)
 */
export function readConfig(env: Bindings): Config {
  let config = parsed.get(env);
  if (!config) {
    const result = ConfigSchema.safeParse(env);
    if (!result.success) {
      const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      log('error', 'config_invalid', { problems });
      throw new ApiError(500, 'config_invalid', `The server is misconfigured: ${problems}`);
    }
    config = result.data;
    parsed.set(env, config);
  }
  return config;
}

import type { AuthContext } from './auth/claims';
import type { AccountState } from './auth/suspension';

/**
 * The Worker's bindings: vars and bindings come from wrangler.toml (generated into
 * worker-configuration.d.ts by `npm run types -w @chat/worker-api`); secrets are set with
 * `wrangler secret put` or .dev.vars and may be absent.
 */
export type Bindings = Cloudflare.Env & {
  OPENAI_API_KEY?: string;
  TOSS_SECRET_KEY?: string;
  /** Encrypts Toss billing keys at rest (AES-GCM); billing-key routes answer 503 without it. */
  BILLING_KEY_SECRET?: string;
  /** Comma-separated emails that get the admin role when they sign in (wrangler.toml [vars]). */
  ADMIN_EMAILS?: string;
  /** How long the upstream may stay silent (ms), before its first byte or between chunks (default 30000). */
  UPSTREAM_TIMEOUT_MS?: string;
};

/** Per-request values set by middleware and read with `c.get(...)`. */
export type Variables = {
  traceId: string;
  auth: AuthContext;
  /** The caller's row in D1, loaded on first use by `accountOf`. */
  account: Promise<AccountState | null> | undefined;
};

export type AppEnv = { Bindings: Bindings; Variables: Variables };

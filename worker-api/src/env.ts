/**
 * The Worker's bindings: vars and bindings come from wrangler.toml (generated into
 * worker-configuration.d.ts by `npm run types -w @chat/worker-api`); secrets are set with
 * `wrangler secret put` or .dev.vars and may be absent. Code reads them through `readConfig`.
 */
export type Bindings = Cloudflare.Env & {
  OPENAI_API_KEY?: string;
  TOSS_SECRET_KEY?: string;
  /** Encrypts Toss billing keys at rest (AES-GCM); billing-key routes answer 503 without it. */
  BILLING_KEY_SECRET?: string;
};

/** Who is calling, as verified from the bearer token; read with `c.get('auth')`. */
export type AuthContext = {
  sub: string;
  jti: string;
  roles: readonly string[];
  scopes: readonly string[];
  onboarded: boolean;
  /** epoch seconds */
  expiresAt: number;
  /** `svc:*` subjects are services (the web app), not users. */
  isService: boolean;
};

/** What D1 says about the caller now, as opposed to what their token said when it was signed. */
export type AccountState = { roles: string[]; suspendedAt: number | null };

/** Per-request values set by middleware and read with `c.get(...)`. */
export type Variables = {
  traceId: string;
  /** The X-Trace-Id the caller sent when well-formed (then equal to `traceId`), else null. */
  clientTraceId: string | null;
  auth: AuthContext;
  /** The caller's row in D1, loaded on first use by `accountOf`. */
  account: Promise<AccountState | null> | undefined;
};

export type AppEnv = { Bindings: Bindings; Variables: Variables };

/** Keeps wrangler, Next and Vercel from phoning home: the local stack runs offline. */
export const OFFLINE_ENV = {
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  NEXT_TELEMETRY_DISABLED: '1',
  VERCEL_TELEMETRY_DISABLED: '1',
} as const;

/** What a command run to completion gets on top: no prompt may wait for a terminal (wrangler asks before applying migrations). */
export const NON_INTERACTIVE_ENV = { ...OFFLINE_ENV, CI: 'true' } as const;

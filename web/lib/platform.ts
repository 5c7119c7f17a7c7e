import { getOptionalRequestContext } from '@cloudflare/next-on-pages';

/**
 * The only module that knows it runs on Cloudflare Pages: bindings and per-request
 * environment come from here, so another adapter means editing this file alone.
 */

/** The Cloudflare bindings the app uses; each may be absent (tests, misconfiguration). */
export type PlatformBindings = {
  authKeys: KVNamespace | undefined;
  api: Fetcher | undefined;
};

function cloudflareEnv(): CloudflareEnv | undefined {
  return getOptionalRequestContext()?.env;
}

/** The bindings of the current request. */
export function getBindings(): PlatformBindings {
  const env = cloudflareEnv();
  return { authKeys: env?.AUTH_KEYS, api: env?.API };
}

/**
 * A configuration value. On Pages, vars and secrets are bindings and next-on-pages copies
 * them into `process.env` per request; `next dev` only has them as platform-proxy bindings,
 * so both places are read, bindings first. Empty strings count as unset.
 *
 * @example const base = readEnv('KAKAO_AUTH_BASE') ?? 'https://kauth.kakao.com'
 */
export function readEnv(name: string): string | undefined {
  const fromBinding: unknown = (cloudflareEnv() as Record<string, unknown> | undefined)?.[name];
  const value = typeof fromBinding === 'string' ? fromBinding : process.env[name];
  return value ? value : undefined;
}

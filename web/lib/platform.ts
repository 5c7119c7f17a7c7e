import { getCloudflareContext } from '@opennextjs/cloudflare';

/**
 * The only module that knows it runs on Cloudflare (Workers, through OpenNext): bindings
 * and per-request environment come from here, so another adapter means editing this file alone.
 */

/** The Cloudflare bindings the app uses; each may be absent (tests, misconfiguration). */
export type PlatformBindings = {
  authKeys: KVNamespace | undefined;
  api: Fetcher | undefined;
};

/**
 * The Worker's environment of the current request (or `next dev`'s platform proxy). Outside a
 * request (unit tests, prerendering at build time) there is none: OpenNext throws, which here
 * means "no bindings".
 */
function cloudflareEnv(): CloudflareEnv | undefined {
  try {
    return getCloudflareContext().env;
  } catch {
    return undefined;
  }
}

/** The bindings of the current request. */
export function getBindings(): PlatformBindings {
  const env = cloudflareEnv();
  return { authKeys: env?.AUTH_KEYS, api: env?.API };
}

/**
 * A configuration value. Vars and secrets are bindings, which OpenNext also copies into
 * `process.env` per request; the wiring `npm run dev` passes to `next dev` is only in
 * `process.env`. So both places are read, bindings first. Empty strings count as unset.
 *
 * @example const base = readEnv('KAKAO_AUTH_BASE') ?? 'https://kauth.kakao.com'
 */
export function readEnv(name: string): string | undefined {
  const fromBinding: unknown = (cloudflareEnv() as Record<string, unknown> | undefined)?.[name];
  const value = typeof fromBinding === 'string' ? fromBinding : process.env[name];
  return value ? value : undefined;
}

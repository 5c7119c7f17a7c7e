import { readEnv } from './platform';

/**
 * What the browser needs to open Toss's payment window: the public client key, and the SDK
 * script's address when it is not Toss's own (the local fake's `/v2/standard` in dev and tests).
 * Null when payments are not configured here.
 */
export type TossConfig = { clientKey: string; sdkUrl: string | null };

export function tossConfig(): TossConfig | null {
  const clientKey = readEnv('TOSS_CLIENT_KEY');
  if (!clientKey) return null;
  return { clientKey, sdkUrl: readEnv('TOSS_SDK_URL') ?? null };
}

/** Where Toss's own SDK (`https://js.tosspayments.com/v2/standard`) loads from, and the hosts its payment window frames and calls. */
const TOSS_SCRIPT_ORIGIN = 'https://js.tosspayments.com';
const TOSS_WINDOW_SOURCES = ['https://*.tosspayments.com', 'https://*.toss.im'];

/**
 * The origins the page's Content-Security-Policy lets the payment window use: the SDK's (a
 * local fake's when TOSS_SDK_URL points at one) and Toss's window and API hosts.
 */
export function tossSources(): { script: string; window: string[] } {
  const sdkUrl = readEnv('TOSS_SDK_URL');
  const script = sdkUrl ? new URL(sdkUrl).origin : TOSS_SCRIPT_ORIGIN;
  return { script, window: [...new Set([script, ...TOSS_WINDOW_SOURCES])] };
}

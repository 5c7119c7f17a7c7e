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

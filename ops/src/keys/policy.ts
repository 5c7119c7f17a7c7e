import { CLOCK_SKEW_S, DEFAULT_ACTIVE_KID_CACHE_MS, MAX_TOKEN_LIFETIME_S } from '@chat/keys';
import type { KeyRecord } from './inventory';

/** The Worker's default JWKS_CACHE_TTL_S. */
export const DEFAULT_JWKS_TTL_S = 300;
/**
 * `createdAt` is stamped before the key is written and published, and the wrangler round
 * trips in between take seconds (remote ones longer): count publication from a bit later.
 */
export const PUBLISH_MARGIN_S = 30;
/**
 * After deactivation a key's tokens stay valid for their lifetime plus skew, and signers
 * that cached the old active kid keep using it for their cache window.
 */
export const LIVE_TOKEN_WINDOW_S = MAX_TOKEN_LIFETIME_S + CLOCK_SKEW_S + DEFAULT_ACTIVE_KID_CACHE_MS / 1000;

/** When every verifier has surely seen the key: publication plus the JWKS cache TTL. */
export function activatableAt(createdAt: string, jwksTtlS: number): Date {
  return new Date(Date.parse(createdAt) + (jwksTtlS + PUBLISH_MARGIN_S) * 1000);
}

/** Why `retire` must not remove a key; `safeAt` is when waiting will have lifted the block. */
export type RetireBlock = { forceable: boolean; reason: string; safeAt?: Date };

/** Applies the retirement rule: never the active key; otherwise only once no token it signed can be live. */
export function retireBlock(record: KeyRecord, activeKid: string | null, now: Date): RetireBlock | null {
  if (record.kid === activeKid) return { forceable: false, reason: 'it is the active signing key; activate another key first' };
  if (!record.meta) {
    return { forceable: true, reason: 'there is no readable private key envelope, so when it last signed is unknown' };
  }
  const { deactivatedAt } = record.meta;
  if (deactivatedAt === undefined) {
    return { forceable: true, reason: 'it has no deactivation stamp, so it may have signed tokens that are still live (if it was never active, --force is safe)' };
  }
  const safeAt = new Date(Date.parse(deactivatedAt) + LIVE_TOKEN_WINDOW_S * 1000);
  if (safeAt > now) {
    const waitS = Math.ceil((safeAt.getTime() - now.getTime()) / 1000);
    return {
      forceable: true,
      reason: `it was deactivated at ${deactivatedAt}; tokens it signed may be live until ${safeAt.toISOString()} (${waitS} s from now)`,
      safeAt,
    };
  }
  return null;
}

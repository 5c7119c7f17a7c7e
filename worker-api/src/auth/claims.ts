import { z } from 'zod';

/** Longest lifetime a token may claim (contract: at most 60 minutes). */
export const MAX_TOKEN_LIFETIME_S = 3600;
/** Clock skew tolerated on `exp`, `nbf` and `iat`. */
export const CLOCK_SKEW_S = 30;

/** The claims our tokens carry beyond the registered ones. */
export const AccessClaimsSchema = z.object({
  sub: z.string().min(1).max(128),
  jti: z.string().min(1).max(128),
  iat: z.number().int(),
  exp: z.number().int(),
  roles: z.array(z.string().max(64)).max(32).default([]),
  scopes: z.array(z.string().max(64)).max(64).default([]),
  onboarded: z.boolean().default(false),
});

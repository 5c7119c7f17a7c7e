import { z } from 'zod';

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

import { createRoute, z } from '@hono/zod-openapi';
import { promoteListedAdmin } from '../admin/first-admin';
import { requireScopes, requireService } from '../auth/guards';
import { DEFAULT_ROLES, scopesForRoles } from '../auth/entitlements';
import { requireAuth } from '../auth/verify';
import { readConfig } from '../config';
import { getDb } from '../db/client';
import { provisionUser } from '../db/queries/users';
import { createRouter } from '../http/app';
import { bearer, errors } from '../http/schemas';

const ProvisionBody = z
  .object({
    provider: z.string().regex(/^[a-z][a-z0-9-]{1,31}$/, 'must be a provider id like "kakao"'),
    providerAccountId: z.string().min(1).max(128),
    email: z.email().max(320).nullish(),
    emailVerified: z.boolean().nullish().openapi({ description: "The provider's word that `email` is the person's (Kakao: `kakao_account.is_email_verified`); absent counts as not verified, and ADMIN_EMAILS promotes only a verified address" }),
    name: z.string().trim().min(1).max(100).nullish(),
    image: z.url({ protocol: /^https?$/ }).max(2048).nullish(),
  })
  .openapi('ProvisionRequest');

const ProvisionedUser = z
  .object({
    id: z.string(),
    roles: z.array(z.string()),
    scopes: z.array(z.string()),
    onboarded: z.boolean(),
    created: z.boolean(),
    sessionVersion: z.number().int().openapi({ description: 'Carried in the web session; a sign-out bumps it, and a session with an older one ends at its next claims refresh' }),
    // Present only for a suspended user, so an active user's answer keeps its original shape.
    suspendedAt: z.string().optional().openapi({ format: 'date-time', description: 'Set when an operator suspended the user: their API requests are refused' }),
    suspendedReason: z.string().nullable().optional(),
  })
  .openapi('ProvisionedUser');

const provision = createRoute({
  method: 'post',
  path: '/internal/users/provision',
  tags: ['internal'],
  summary: 'Find or create the user of a login-provider identity (service token with users:provision); a verified email in ADMIN_EMAILS gets the admin role, once per address and never again after a demotion',
  security: bearer,
  middleware: [requireAuth, requireService, requireScopes('users:provision')] as const,
  request: { body: { required: true, content: { 'application/json': { schema: ProvisionBody } } } },
  responses: {
    200: { description: 'The user (existing or new)', content: { 'application/json': { schema: ProvisionedUser } } },
    ...errors(400, 401, 403),
  },
});

export const internalRoutes = createRouter().openapi(provision, async (c) => {
  const db = getDb(c.env.DB);
  const provisioned = await provisionUser(db, c.req.valid('json'), DEFAULT_ROLES);
  const user = await promoteListedAdmin(db, provisioned.user, readConfig(c.env).adminEmails);
  const suspension = user.suspendedAt === null ? {} : { suspendedAt: new Date(user.suspendedAt).toISOString(), suspendedReason: user.suspendedReason };
  return c.json({ id: user.id, roles: user.roles, scopes: scopesForRoles(user.roles), onboarded: user.onboarded, created: provisioned.created, sessionVersion: user.sessionVersion, ...suspension }, 200);
});

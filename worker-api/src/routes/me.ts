import { createRoute, z } from '@hono/zod-openapi';
import { scopesForRoles } from '../auth/entitlements';
import { requireAuth } from '../auth/verify';
import { getDb, type Db } from '../db/client';
import { bumpSessionVersion, completeOnboarding } from '../db/queries/users';
import type { PlanRow, UserRow } from '../db/schema';
import { createRouter } from '../http/app';
import { ApiError } from '../http/errors';
import { bearer, errors } from '../http/schemas';
import { getEntitled } from '../policy/plans';
import { quotaStatus, type WindowStatus } from '../policy/quota';

const QuotaWindowSchema = z
  .object({
    limit: z.number().int(),
    used: z.number().int(),
    reserved: z.number().int().openapi({ description: 'Held by answers still streaming' }),
    remaining: z.number().int(),
    resetAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('QuotaWindow');

const Profile = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    image: z.string().nullable(),
    roles: z.array(z.string()),
    scopes: z.array(z.string()),
    onboarded: z.boolean(),
    sessionVersion: z.number().int().openapi({ description: 'Bumped by a sign-out: a web session minted under another version is over' }),
    locale: z.string().nullable(),
    createdAt: z.string().openapi({ format: 'date-time' }),
    plan: z.object({
      id: z.string(),
      name: z.string(),
      models: z.array(z.string()),
      maxTokensPerRequest: z.number().int(),
      concurrentStreams: z.number().int(),
      priceKrw: z.number().int(),
    }),
    quota: z.object({ daily: QuotaWindowSchema, monthly: QuotaWindowSchema }),
  })
  .openapi('Profile');

const OnboardingBody = z
  .object({
    name: z.string().trim().min(1).max(50),
    acceptTerms: z.literal(true, { error: 'must be true: the terms have to be accepted' }),
    locale: z.enum(['ko', 'en']).optional(),
  })
  .openapi('OnboardingRequest');

function toWindow({ limit, used, reserved, remaining, resetAt }: WindowStatus) {
  return { limit, used, reserved, remaining, resetAt };
}

async function profile(db: Db, user: UserRow, plan: PlanRow) {
  const [daily, monthly] = await quotaStatus(db, user.id, plan);
  if (!daily || !monthly) throw new Error('quota windows missing');
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    image: user.image,
    roles: user.roles,
    scopes: scopesForRoles(user.roles),
    onboarded: user.onboarded,
    sessionVersion: user.sessionVersion,
    locale: user.locale,
    createdAt: new Date(user.createdAt).toISOString(),
    plan: {
      id: plan.id,
      name: plan.name,
      models: plan.models,
      maxTokensPerRequest: plan.maxTokensPerRequest,
      concurrentStreams: plan.concurrentStreams,
      priceKrw: plan.priceKrw,
    },
    quota: { daily: toWindow(daily), monthly: toWindow(monthly) },
  };
}

function userNotFound(): ApiError {
  return new ApiError(404, 'not_found', 'No user for this token: sign in again');
}

const getMe = createRoute({
  method: 'get',
  path: '/me',
  tags: ['me'],
  summary: "The caller's profile",
  security: bearer,
  middleware: [requireAuth] as const,
  responses: {
    200: { description: 'Profile', content: { 'application/json': { schema: Profile } } },
    ...errors(401, 404),
  },
});

const postOnboarding = createRoute({
  method: 'post',
  path: '/me/onboarding',
  tags: ['me'],
  summary: 'Complete onboarding (name, accepted terms)',
  security: bearer,
  middleware: [requireAuth] as const,
  request: { body: { required: true, content: { 'application/json': { schema: OnboardingBody } } } },
  responses: {
    200: { description: 'Updated profile', content: { 'application/json': { schema: Profile } } },
    ...errors(400, 401, 404),
  },
});

const postEndSessions = createRoute({
  method: 'post',
  path: '/me/sessions/end',
  tags: ['me'],
  summary: "End every web session of the caller's account (sign out everywhere)",
  security: bearer,
  middleware: [requireAuth] as const,
  responses: {
    200: { description: 'The new session version', content: { 'application/json': { schema: z.object({ sessionVersion: z.number().int() }).openapi('EndedSessions') } } },
    ...errors(401, 403, 404, 429),
  },
});

export const meRoutes = createRouter()
  .openapi(getMe, async (c) => {
    const db = getDb(c.env.DB);
    const { user, plan } = await getEntitled(db, c.get('auth').sub);
    return c.json(await profile(db, user, plan), 200);
  })
  .openapi(postOnboarding, async (c) => {
    const db = getDb(c.env.DB);
    const user = await completeOnboarding(db, c.get('auth').sub, c.req.valid('json'));
    if (!user) throw userNotFound();
    const { plan } = await getEntitled(db, user.id);
    return c.json(await profile(db, user, plan), 200);
  })
  .openapi(postEndSessions, async (c) => {
    const sessionVersion = await bumpSessionVersion(getDb(c.env.DB), c.get('auth').sub);
    if (sessionVersion === undefined) throw userNotFound();
    return c.json({ sessionVersion }, 200);
  });

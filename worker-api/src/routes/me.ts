import { createRoute, z } from '@hono/zod-openapi';
import { scopesForRoles } from '../auth/entitlements';
import { requireAuth } from '../auth/verify';
import { getDb } from '../db/client';
import { completeOnboarding, getUserById } from '../db/queries/users';
import type { UserRow } from '../db/schema';
import { createRouter } from '../http/app';
import { ApiError } from '../http/errors';
import { bearer, errors } from '../http/schemas';

const Profile = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    image: z.string().nullable(),
    roles: z.array(z.string()),
    scopes: z.array(z.string()),
    onboarded: z.boolean(),
    locale: z.string().nullable(),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Profile');

const OnboardingBody = z
  .object({
    name: z.string().trim().min(1).max(50),
    acceptTerms: z.literal(true, { error: 'must be true: the terms have to be accepted' }),
    locale: z.enum(['ko', 'en']).optional(),
  })
  .openapi('OnboardingRequest');

function toProfile(user: UserRow) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    image: user.image,
    roles: user.roles,
    scopes: scopesForRoles(user.roles),
    onboarded: user.onboarded,
    locale: user.locale,
    createdAt: new Date(user.createdAt).toISOString(),
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

export const meRoutes = createRouter()
  .openapi(getMe, async (c) => {
    const user = await getUserById(getDb(c.env.DB), c.get('auth').sub);
    if (!user) throw userNotFound();
    return c.json(toProfile(user), 200);
  })
  .openapi(postOnboarding, async (c) => {
    const user = await completeOnboarding(getDb(c.env.DB), c.get('auth').sub, c.req.valid('json'));
    if (!user) throw userNotFound();
    return c.json(toProfile(user), 200);
  });

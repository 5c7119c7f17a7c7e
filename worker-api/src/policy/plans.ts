import { eq, sql } from 'drizzle-orm';
import { accountSuspended } from '../auth/suspension';
import type { Db } from '../db/client';
import { plans, users, type PlanRow, type UserRow } from '../db/schema';
import { ApiError } from '../http/errors';

/** A user together with the plan whose limits apply to them. */
export type Entitled = { user: UserRow; plan: PlanRow };

/** The plan everyone has without paying, and falls back to when a paid plan lapses. */
export const FREE_PLAN_ID = 'free';

/**
 * The user and the plan in force in one round trip, or undefined when there is no such user.
 * A paid plan past its `plan_expires_at` counts as free here, whether or not the renewal cron
 * has run. Plans are read from D1 every time, so an operator's edit applies to the next request.
 */
export async function findEntitled(db: Db, userId: string, now = Date.now()): Promise<Entitled | undefined> {
  const planInForce = sql`CASE WHEN ${users.planExpiresAt} <= ${now} THEN ${FREE_PLAN_ID} ELSE ${users.planId} END`;
  const rows = await db.select({ user: users, plan: plans }).from(users).innerJoin(plans, eq(plans.id, planInForce)).where(eq(users.id, userId)).limit(1);
  return rows[0];
}

/**
 * The caller and the plan in force; 404 when the token's user is gone, 403 `account_suspended`
 * when an operator suspended them. Routes that start with this need no separate suspension
 * check (see `auth/suspension.ts`).
 */
export async function getEntitled(db: Db, userId: string, now = Date.now()): Promise<Entitled> {
  const row = await findEntitled(db, userId, now);
  if (!row) throw new ApiError(404, 'not_found', 'No user for this token: sign in again');
  if (row.user.suspendedAt !== null) throw accountSuspended();
  return row;
}

/** Every plan, cheapest first. */
export async function listPlans(db: Db): Promise<PlanRow[]> {
  return db.select().from(plans).orderBy(plans.sortOrder, plans.priceKrw);
}

/** The model to use: the one asked for if the plan allows it, else the plan's default. */
export function resolveModel(plan: PlanRow, requested: string | undefined): string {
  const fallback = plan.models[0];
  if (!fallback) throw new ApiError(403, 'model_not_allowed', `The ${plan.name} plan allows no models`);
  if (requested === undefined) return fallback;
  if (!plan.models.includes(requested)) {
    throw new ApiError(403, 'model_not_allowed', `The ${plan.name} plan does not include ${requested}; it allows ${plan.models.join(', ')}`);
  }
  return requested;
}

import { accountSuspended } from '../auth/suspension';
import { getUserWithPlanInForce, type UserWithPlan } from '../db/queries/users';
import type { Db } from '../db/client';
import type { PlanRow } from '../db/schema';
import { ApiError } from '../http/errors';

/** A user together with the plan whose limits apply to them. */
export type Entitled = UserWithPlan;

/**
 * The caller and the plan in force; 404 when the token's user is gone, 403 `account_suspended`
 * when an operator suspended them. Routes that start with this need no separate suspension
 * check (see `auth/suspension.ts`).
 */
export async function getEntitled(db: Db, userId: string, now = Date.now()): Promise<Entitled> {
  const row = await getUserWithPlanInForce(db, userId, now);
  if (!row) throw new ApiError(404, 'not_found', 'No user for this token: sign in again');
  if (row.user.suspendedAt !== null) throw accountSuspended();
  return row;
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

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

/** The plan's models the registry can serve now (enabled, with an enabled provider), the plan's order kept. */
export function servableModels(plan: PlanRow, available: ReadonlySet<string>): string[] {
  return plan.models.filter((id) => available.has(id));
}

/**
 * The model to use: the one asked for if the plan allows it and the registry can serve it,
 * else the plan's first one that it can. A model the plan names but the registry lacks (or
 * disabled) is not allowed, like one the plan does not name.
 */
export function resolveModel(plan: PlanRow, available: ReadonlySet<string>, requested: string | undefined): string {
  const servable = servableModels(plan, available);
  const fallback = servable[0];
  if (!fallback) throw new ApiError(403, 'model_not_allowed', `No model of the ${plan.name} plan is available right now`);
  if (requested === undefined) return fallback;
  if (!plan.models.includes(requested)) {
    throw new ApiError(403, 'model_not_allowed', `The ${plan.name} plan does not include ${requested}; it allows ${servable.join(', ')}`);
  }
  if (!available.has(requested)) throw new ApiError(403, 'model_not_allowed', `${requested} is not available right now; the ${plan.name} plan also allows ${servable.join(', ')}`);
  return requested;
}

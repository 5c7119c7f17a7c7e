import { runBatch, type Db } from '../db/client';
import { adminActionInsert } from '../db/queries/admin-actions';
import { getPlanById } from '../db/queries/plans';
import { listGrants } from '../db/queries/quota-grants';
import { recentUsage } from '../db/queries/usage-events';
import { getUserById, getUserWithPlanInForce, userUpdate, type UserChanges } from '../db/queries/users';
import type { UserRow } from '../db/schema';
import { ApiError } from '../http/errors';
import { quotaStatus, type WindowStatus } from '../policy/quota';
import { toAdminUser, toGrant, toPlan, toUsageRow, type AdminUser, type Grant, type PlanView, type UsageRow } from './views';

/** Grants and usage rows the detail view shows; older ones stay stored. */
export const GRANTS_SHOWN = 50;
export const RECENT_USAGE_SHOWN = 50;

/** The roles an operator can give; everyone keeps `user`. */
export const ASSIGNABLE_ROLES = ['user', 'admin'] as const;
export type Role = (typeof ASSIGNABLE_ROLES)[number];

type QuotaWindowView = Omit<WindowStatus, 'window'>;

export type UserDetail = {
  user: AdminUser;
  /** The plan in force: free once `planExpiresAt` has passed, whatever `planId` says. */
  plan: PlanView;
  quota: { daily: QuotaWindowView; monthly: QuotaWindowView };
  grants: Grant[];
  recent: UsageRow[];
};

export type UserPatch = { planId?: string | undefined; planExpiresAt?: number | null | undefined; roles?: Role[] | undefined };

export function userNotFound(): ApiError {
  return new ApiError(404, 'not_found', 'No user with that id');
}

function conflict(message: string): ApiError {
  return new ApiError(409, 'conflict', message);
}

function toWindow({ limit, used, reserved, remaining, resetAt }: WindowStatus): QuotaWindowView {
  return { limit, used, reserved, remaining, resetAt };
}

/** Everything an operator looks at for one user; a suspended user is shown like any other. */
export async function userDetail(db: Db, userId: string, now = Date.now()): Promise<UserDetail> {
  const [entitled, grants, recent] = await Promise.all([getUserWithPlanInForce(db, userId, now), listGrants(db, userId, GRANTS_SHOWN), recentUsage(db, userId, RECENT_USAGE_SHOWN)]);
  if (!entitled) throw userNotFound();
  const [daily, monthly] = await quotaStatus(db, userId, entitled.plan, now);
  if (!daily || !monthly) throw new Error('quota windows missing');
  return {
    user: toAdminUser(entitled.user),
    plan: toPlan(entitled.plan),
    quota: { daily: toWindow(daily), monthly: toWindow(monthly) },
    grants: grants.map(toGrant),
    recent: recent.map(toUsageRow),
  };
}

async function existingUser(db: Db, userId: string): Promise<UserRow> {
  const user = await getUserById(db, userId);
  if (!user) throw userNotFound();
  return user;
}

/** The changed fields of a user, as the API shows them, for the audit row. */
function pick(user: AdminUser, keys: readonly (keyof AdminUser)[]): Partial<AdminUser> {
  return Object.fromEntries(keys.map((k) => [k, user[k]]));
}

/** Writes the change and its audit row in one batch (a transaction). */
async function applyUserChange(db: Db, actorId: string, action: string, user: UserRow, changes: UserChanges, now: number): Promise<void> {
  const keys = (Object.keys(changes) as (keyof UserChanges)[]).filter((k) => changes[k] !== undefined);
  const before = pick(toAdminUser(user), keys);
  const after = pick(toAdminUser({ ...user, ...changes }), keys);
  await runBatch(db, userUpdate(db, user.id, changes, now), adminActionInsert(db, { actorId, action, targetType: 'user', targetId: user.id, before, after }, now));
}

/**
 * Changes a user's plan or roles. A plan set without an end date has none: `getEntitled`
 * would otherwise drop the user to free at an end date left over from a lapsed purchase.
 */
export async function updateUser(db: Db, actorId: string, userId: string, patch: UserPatch, now = Date.now()): Promise<UserDetail> {
  const user = await existingUser(db, userId);
  const changes: UserChanges = {};
  if (patch.planId !== undefined) {
    if (!(await getPlanById(db, patch.planId))) throw new ApiError(400, 'invalid_request', `body.planId: there is no plan ${patch.planId}`);
    changes.planId = patch.planId;
    changes.planExpiresAt = patch.planExpiresAt ?? null;
  } else if (patch.planExpiresAt !== undefined) {
    changes.planExpiresAt = patch.planExpiresAt;
  }
  if (patch.roles !== undefined) {
    // Locking oneself out would leave the admin API with one admin fewer and nobody to notice.
    if (userId === actorId && !patch.roles.includes('admin')) throw conflict('You cannot remove your own admin role; ask another admin');
    changes.roles = ASSIGNABLE_ROLES.filter((r) => patch.roles?.includes(r));
  }
  await applyUserChange(db, actorId, 'user.update', user, changes, now);
  return userDetail(db, userId, now);
}

/** Suspends a user: their next request is refused. Suspending again only replaces the reason. */
export async function suspendUser(db: Db, actorId: string, userId: string, reason: string, now = Date.now()): Promise<UserDetail> {
  const user = await existingUser(db, userId);
  if (userId === actorId) throw conflict('You cannot suspend yourself');
  await applyUserChange(db, actorId, 'user.suspend', user, { suspendedAt: user.suspendedAt ?? now, suspendedReason: reason }, now);
  return userDetail(db, userId, now);
}

export async function unsuspendUser(db: Db, actorId: string, userId: string, now = Date.now()): Promise<UserDetail> {
  const user = await existingUser(db, userId);
  await applyUserChange(db, actorId, 'user.unsuspend', user, { suspendedAt: null, suspendedReason: null }, now);
  return userDetail(db, userId, now);
}

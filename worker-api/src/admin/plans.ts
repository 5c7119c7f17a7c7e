import { runBatch, type Db } from '../db/client';
import { adminActionInsert } from '../db/queries/admin-actions';
import { getPlanById, listPlans, planInsert, planUpdate, type NewPlan, type PlanChanges } from '../db/queries/plans';
import { ApiError } from '../http/errors';
import { toAdminPlan, type AdminPlan } from './views';

function planNotFound(): ApiError {
  return new ApiError(404, 'not_found', 'No plan with that id');
}

/** drizzle wraps D1's error, so the constraint that failed is found down the `cause` chain. */
function isDuplicateKey(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e.message.includes('UNIQUE constraint failed: plans.id')) return true;
  }
  return false;
}

async function readBack(db: Db, id: string): Promise<AdminPlan> {
  const plan = await getPlanById(db, id);
  if (!plan) throw planNotFound();
  return toAdminPlan(plan);
}

/** Every plan, in the order the price page shows them. */
export async function listAdminPlans(db: Db): Promise<AdminPlan[]> {
  return (await listPlans(db)).map(toAdminPlan);
}

/** Adds a plan; 409 `conflict` when the id is taken. */
export async function createPlan(db: Db, actorId: string, plan: NewPlan, now = Date.now()): Promise<AdminPlan> {
  const after = toAdminPlan({ ...plan, createdAt: now, updatedAt: now });
  try {
    await runBatch(db, planInsert(db, plan, now), adminActionInsert(db, { actorId, action: 'plan.create', targetType: 'plan', targetId: plan.id, before: null, after }, now));
  } catch (err) {
    if (isDuplicateKey(err)) throw new ApiError(409, 'conflict', `A plan with the id ${plan.id} already exists`);
    throw err;
  }
  return readBack(db, plan.id);
}

/**
 * Edits a plan. Nothing caches plans (each request reads its plan with the user), so the
 * change applies to the next request of everyone on it.
 */
export async function updatePlan(db: Db, actorId: string, id: string, changes: PlanChanges, now = Date.now()): Promise<AdminPlan> {
  const current = await getPlanById(db, id);
  if (!current) throw planNotFound();
  const keys = (Object.keys(changes) as (keyof PlanChanges)[]).filter((k) => changes[k] !== undefined);
  const before = Object.fromEntries(keys.map((k) => [k, current[k]]));
  const after = Object.fromEntries(keys.map((k) => [k, changes[k]]));
  await runBatch(db, planUpdate(db, id, changes, now), adminActionInsert(db, { actorId, action: 'plan.update', targetType: 'plan', targetId: id, before, after }, now));
  return readBack(db, id);
}

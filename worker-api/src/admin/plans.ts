import { runBatch, violatesUnique, type Db } from '../db/client';
import { adminActionInsert } from '../db/queries/admin-actions';
import { existingModelIds } from '../db/queries/models';
import { getPlanById, listPlans, planInsert, planUpdate, type NewPlan, type PlanChanges } from '../db/queries/plans';
import { ApiError } from '../http/errors';
import { beforeAfter } from './audit-diff';
import { toAdminPlan, type AdminPlan } from './views';

function planNotFound(): ApiError {
  return new ApiError(404, 'not_found', 'No plan with that id');
}

/**
 * Plans keep naming the models they allow, so each must be in the registry (enabled or not:
 * a disabled model is refused per request, and enabling it again restores the plan).
 */
async function requireKnownModels(db: Db, ids: readonly string[] | undefined): Promise<void> {
  if (ids === undefined) return;
  const known = await existingModelIds(db, ids);
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new ApiError(400, 'invalid_request', `body.models: not in the model registry: ${unknown.join(', ')}`);
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
  await requireKnownModels(db, plan.models);
  const after = toAdminPlan({ ...plan, createdAt: now, updatedAt: now });
  try {
    await runBatch(db, planInsert(db, plan, now), adminActionInsert(db, { actorId, action: 'plan.create', targetType: 'plan', targetId: plan.id, before: null, after }, now));
  } catch (err) {
    if (violatesUnique(err, 'plans.id')) throw new ApiError(409, 'conflict', `A plan with the id ${plan.id} already exists`);
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
  await requireKnownModels(db, changes.models);
  const { before, after } = beforeAfter(current, changes);
  await runBatch(db, planUpdate(db, id, changes, now), adminActionInsert(db, { actorId, action: 'plan.update', targetType: 'plan', targetId: id, before, after }, now));
  return readBack(db, id);
}

import { runBatch, violatesUnique, type Db } from '../db/client';
import { adminActionInsert } from '../db/queries/admin-actions';
import { existingModelIds, getModelById, listModels, modelInsert, modelUpdate, type ModelChanges, type NewModel } from '../db/queries/models';
import { getProviderById } from '../db/queries/providers';
import type { ModelRow } from '../db/schema';
import { ApiError } from '../http/errors';
import { beforeAfter, editAction } from './audit-diff';
import { toAdminModel, type AdminModel } from './views';

function modelNotFound(): ApiError {
  return new ApiError(404, 'not_found', 'No model with that id');
}

function invalid(message: string): ApiError {
  return new ApiError(400, 'invalid_request', message);
}

async function readBack(db: Db, id: string): Promise<AdminModel> {
  const model = await getModelById(db, id);
  if (!model) throw modelNotFound();
  return toAdminModel(model);
}

/**
 * What a model must be once the change applies: served by a provider that exists, no bigger
 * an answer than its window, and falling back only to other models the registry holds, each once.
 */
async function requireConsistent(db: Db, model: Pick<ModelRow, 'id' | 'providerId' | 'contextWindow' | 'maxOutputTokens' | 'fallbacks'>): Promise<void> {
  if (model.maxOutputTokens > model.contextWindow) throw invalid(`body.maxOutputTokens: must not exceed contextWindow (${model.contextWindow})`);
  if (model.fallbacks.includes(model.id)) throw invalid('body.fallbacks: a model cannot fall back to itself');
  const [provider, known] = await Promise.all([getProviderById(db, model.providerId), existingModelIds(db, model.fallbacks)]);
  if (!provider) throw invalid(`body.providerId: there is no provider ${model.providerId}`);
  const unknown = model.fallbacks.filter((id) => !known.has(id));
  if (unknown.length > 0) throw invalid(`body.fallbacks: not in the model registry: ${unknown.join(', ')}`);
}

/** Every model in the registry, enabled or not. */
export async function listAdminModels(db: Db): Promise<AdminModel[]> {
  return (await listModels(db)).map(toAdminModel);
}

/** Adds a model; 409 `conflict` when the id is taken. */
export async function createModel(db: Db, actorId: string, model: NewModel, now = Date.now()): Promise<AdminModel> {
  await requireConsistent(db, model);
  const after = toAdminModel({ ...model, createdAt: now, updatedAt: now });
  try {
    await runBatch(db, modelInsert(db, model, now), adminActionInsert(db, { actorId, action: 'model.create', targetType: 'model', targetId: model.id, before: null, after }, now));
  } catch (err) {
    if (violatesUnique(err, 'models.id')) throw new ApiError(409, 'conflict', `A model with the id ${model.id} already exists`);
    throw err;
  }
  return readBack(db, model.id);
}

/**
 * Edits a model: its provider, limits, prices, fallbacks or whether it is enabled. The registry
 * is read per request, so a new price is what the next answer is charged at.
 */
export async function updateModel(db: Db, actorId: string, id: string, changes: ModelChanges, now = Date.now()): Promise<AdminModel> {
  const current = await getModelById(db, id);
  if (!current) throw modelNotFound();
  const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as ModelChanges;
  await requireConsistent(db, { ...current, ...defined });
  const { before, after } = beforeAfter(current, changes);
  await runBatch(db, modelUpdate(db, id, changes, now), adminActionInsert(db, { actorId, action: editAction('model', current.enabled, changes.enabled), targetType: 'model', targetId: id, before, after }, now));
  return readBack(db, id);
}

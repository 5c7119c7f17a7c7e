import { runBatch, violatesUnique, type Db } from '../db/client';
import { adminActionInsert } from '../db/queries/admin-actions';
import { getProviderById, listProviders, providerInsert, providerUpdate, type NewProvider, type ProviderChanges } from '../db/queries/providers';
import { ApiError } from '../http/errors';
import { beforeAfter, editAction } from './audit-diff';
import { toAdminProvider, type AdminProvider } from './views';

function providerNotFound(): ApiError {
  return new ApiError(404, 'not_found', 'No provider with that id');
}

async function readBack(db: Db, id: string): Promise<AdminProvider> {
  const provider = await getProviderById(db, id);
  if (!provider) throw providerNotFound();
  return toAdminProvider(provider);
}

/** Every provider. What they hold is a secret's name, never a key, so they can be shown whole. */
export async function listAdminProviders(db: Db): Promise<AdminProvider[]> {
  return (await listProviders(db)).map(toAdminProvider);
}

/** Adds a provider; 409 `conflict` when the id is taken. */
export async function createProvider(db: Db, actorId: string, provider: NewProvider, now = Date.now()): Promise<AdminProvider> {
  const after = toAdminProvider({ ...provider, createdAt: now, updatedAt: now });
  try {
    await runBatch(db, providerInsert(db, provider, now), adminActionInsert(db, { actorId, action: 'provider.create', targetType: 'provider', targetId: provider.id, before: null, after }, now));
  } catch (err) {
    if (violatesUnique(err, 'providers.id')) throw new ApiError(409, 'conflict', `A provider with the id ${provider.id} already exists`);
    throw err;
  }
  return readBack(db, provider.id);
}

/**
 * Edits a provider, disabling it included. Nothing caches the registry (each answer reads it
 * in its admission batch), so the change applies to the next request.
 */
export async function updateProvider(db: Db, actorId: string, id: string, changes: ProviderChanges, now = Date.now()): Promise<AdminProvider> {
  const current = await getProviderById(db, id);
  if (!current) throw providerNotFound();
  const { before, after } = beforeAfter(current, changes);
  const action = editAction('provider', current.enabled, changes.enabled);
  await runBatch(db, providerUpdate(db, id, changes, now), adminActionInsert(db, { actorId, action, targetType: 'provider', targetId: id, before, after }, now));
  return readBack(db, id);
}

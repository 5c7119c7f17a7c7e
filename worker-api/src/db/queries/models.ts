import { eq, inArray } from 'drizzle-orm';
import type { Db, Statement } from '../client';
import { models, type ModelRow } from '../schema';

export type NewModel = Omit<ModelRow, 'createdAt' | 'updatedAt'>;
export type ModelChanges = Partial<Omit<ModelRow, 'id' | 'createdAt' | 'updatedAt'>>;

export async function getModelById(db: Db, id: string): Promise<ModelRow | undefined> {
  return db.query.models.findFirst({ where: eq(models.id, id) });
}

/** Every model, by provider then id. */
export async function listModels(db: Db): Promise<ModelRow[]> {
  return db.select().from(models).orderBy(models.providerId, models.id);
}

/** Which of `ids` the registry holds, enabled or not. */
export async function existingModelIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.select({ id: models.id }).from(models).where(inArray(models.id, [...ids]));
  return new Set(rows.map((r) => r.id));
}

/** Adds a model; an id already taken fails the batch on the primary key. */
export function modelInsert(db: Db, model: NewModel, now: number): Statement {
  return db.insert(models).values({ ...model, createdAt: now, updatedAt: now });
}

/** Edits a model; fields left undefined keep their value. */
export function modelUpdate(db: Db, id: string, changes: ModelChanges, now: number): Statement {
  return db
    .update(models)
    .set({ ...changes, updatedAt: now })
    .where(eq(models.id, id));
}

import { eq } from 'drizzle-orm';
import type { Db } from '../client';
import { plans, type PlanRow } from '../schema';
import type { Statement } from './billing';

export type NewPlan = Omit<PlanRow, 'createdAt' | 'updatedAt'>;
export type PlanChanges = Partial<Omit<PlanRow, 'id' | 'createdAt' | 'updatedAt'>>;

/** Adds a plan; an id already taken fails the batch on the primary key. */
export function planInsert(db: Db, plan: NewPlan, now: number): Statement {
  return db.insert(plans).values({ ...plan, createdAt: now, updatedAt: now });
}

/** Edits a plan; fields left undefined keep their value. */
export function planUpdate(db: Db, id: string, changes: PlanChanges, now: number): Statement {
  return db
    .update(plans)
    .set({ ...changes, updatedAt: now })
    .where(eq(plans.id, id));
}

import { eq } from 'drizzle-orm';
import type { Db, Statement } from '../client';
import { plans, type PlanRow } from '../schema';

/** The plan everyone has without paying (seeded by the migrations), and falls back to when a paid plan lapses. */
export const FREE_PLAN_ID = 'free';

export type NewPlan = Omit<PlanRow, 'createdAt' | 'updatedAt'>;
export type PlanChanges = Partial<Omit<PlanRow, 'id' | 'createdAt' | 'updatedAt'>>;

export async function getPlanById(db: Db, id: string): Promise<PlanRow | undefined> {
  return db.query.plans.findFirst({ where: eq(plans.id, id) });
}

/** Every plan, cheapest first (the price page's order). */
export async function listPlans(db: Db): Promise<PlanRow[]> {
  return db.select().from(plans).orderBy(plans.sortOrder, plans.priceKrw);
}

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

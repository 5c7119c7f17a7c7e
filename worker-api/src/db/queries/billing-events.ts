import { eq } from 'drizzle-orm';
import type { Db, Statement } from '../client';
import { billingEvents } from '../schema';

export async function billingEventSeen(db: Db, eventKey: string): Promise<boolean> {
  const row = await db.query.billingEvents.findFirst({ columns: { eventKey: true }, where: eq(billingEvents.eventKey, eventKey) });
  return row !== undefined;
}

/** Logs an applied event; goes in the batch of the change it made, and a second copy is a no-op. */
export function billingEventInsert(db: Db, values: typeof billingEvents.$inferInsert): Statement {
  return db.insert(billingEvents).values(values).onConflictDoNothing();
}

import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import type { BatchItem } from 'drizzle-orm/batch';
import * as schema from './schema';

/** The one database handle every query takes; its D1 binding is `db.$client` for raw SQL. */
export type Db = DrizzleD1Database<typeof schema> & { $client: D1Database };

/** A drizzle handle over the D1 binding; cheap, so made per request. */
export function getDb(d1: D1Database): Db {
  return drizzle(d1, { schema });
}

/** One statement of a D1 batch. */
export type Statement = BatchItem<'sqlite'>;

/** Runs statements as one D1 batch: a transaction, so all of them apply or none does. */
export async function runBatch(db: Db, first: Statement, ...rest: Statement[]): Promise<void> {
  await db.batch([first, ...rest]);
}

/**
 * Whether a write failed on a foreign key: a token outlives its user by up to its lifetime,
 * and writing for a deleted user breaks one. drizzle wraps D1's error, so the reason is
 * found down the `cause` chain.
 */
export function isForeignKeyFailure(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e.message.includes('FOREIGN KEY constraint failed')) return true;
  }
  return false;
}

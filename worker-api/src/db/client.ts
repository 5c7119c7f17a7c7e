import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import type { BatchItem, BatchResponse } from 'drizzle-orm/batch';
import * as schema from './schema';

/** The one database handle every query takes; its D1 binding is `db.$client` for raw SQL. */
export type Db = DrizzleD1Database<typeof schema> & { $client: D1Database };

/** A drizzle handle over the D1 binding; cheap, so made per request. */
export function getDb(d1: D1Database): Db {
  return drizzle(d1, { schema });
}

/** One statement of a D1 batch. */
export type Statement = BatchItem<'sqlite'>;

/**
 * Runs statements as one D1 batch: a transaction, so all of them apply or none does.
 * Returns what the first statement gave (the rows of its `returning`, if it has one).
 */
export async function runBatch<First extends Statement>(db: Db, first: First, ...rest: Statement[]): Promise<BatchResponse<[First]>[0]> {
  const [result] = await db.batch([first, ...rest]);
  return result;
}

import type { SQL } from 'drizzle-orm';
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import type { BatchItem, BatchResponse } from 'drizzle-orm/batch';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import * as schema from './schema';

/** The one database handle every query takes; its D1 binding is `db.$client` for raw SQL. */
export type Db = DrizzleD1Database<typeof schema> & { $client: D1Database };

// drizzle reads the whole schema's relations each time a handle is made (a measurable share
// of a short request under load), and a binding outlives the request: one handle per binding.
const handles = new WeakMap<D1Database, Db>();

/** The drizzle handle over the D1 binding, made once per binding. */
export function getDb(d1: D1Database): Db {
  let db = handles.get(d1);
  if (!db) {
    db = drizzle(d1, { schema });
    handles.set(d1, db);
  }
  return db;
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

/**
 * Whether a write failed on the unique key `column` (e.g. `plans.id`): an id already taken.
 * drizzle wraps D1's error, so the constraint is found down the `cause` chain.
 */
export function violatesUnique(err: unknown, column: string): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e.message.includes(`UNIQUE constraint failed: ${column}`)) return true;
  }
  return false;
}

const dialect = new SQLiteAsyncDialect();

/** A statement as drizzle renders it: raw SQL, or a query builder. */
export type Renderable = SQL | { toSQL(): { sql: string; params: unknown[] } };

/**
 * A D1 statement from drizzle's SQL, for batches of raw statements and builders together,
 * run with `db.$client.batch` (drizzle's own batch cannot bind a raw `db.all(sql)` on D1).
 */
export function d1Statement(db: Db, query: Renderable): D1PreparedStatement {
  const { sql, params } = 'toSQL' in query ? query.toSQL() : dialect.sqlToQuery(query);
  return db.$client.prepare(sql).bind(...params);
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

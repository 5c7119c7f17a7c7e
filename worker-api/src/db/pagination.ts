import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { TimeCursor } from '../http/cursor';

/** A newest-first page: `next` is set only when more rows follow. */
export type Page<T> = { items: T[]; next?: TimeCursor };

/**
 * The condition for rows after `cursor` in (time, id) descending order. A row-value
 * comparison, unlike the equivalent OR, lets SQLite seek an index on (time, id) instead of
 * scanning every newer row.
 */
export function olderThan(cursor: TimeCursor | undefined, at: AnyColumn, id: AnyColumn): SQL | undefined {
  return cursor ? sql`(${at}, ${id}) < (${cursor.at}, ${cursor.id})` : undefined;
}

/** Cuts the `limit + 1` rows a page query fetched to `limit`; `next` is set only when more follow. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => TimeCursor): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  if (rows.length <= limit || last === undefined) return { items };
  return { items, next: keyOf(last) };
}

import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/** Where a newest-first page ends: the last row's time (epoch ms, maybe fractional) and id, exclusive. */
import type { TimeCursor } from '../../http/cursor';

export type { TimeCursor };

/**
 * The condition for rows after `cursor` in (time, id) descending order. A row-value
 * comparison lets SQLite seek an index on (time, id) instead of scanning newer rows.
 */
export function olderThan(cursor: TimeCursor | undefined, at: AnyColumn, id: AnyColumn): SQL | undefined {
  return cursor ? sql`(${at}, ${id}) < (${cursor.at}, ${cursor.id})` : undefined;
}

/** Cuts the `limit + 1` rows a page query fetched to `limit`; `next` is set only when more follow. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => TimeCursor): { items: T[]; next?: TimeCursor } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  if (rows.length <= limit || last === undefined) return { items };
  return { items, next: keyOf(last) };
}

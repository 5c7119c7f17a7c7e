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

/** A bound on a page's size as well as its length: rows stop once their sizes pass `max` (the first row always fits). */
export type PageBudget<T> = { sizeOf: (row: T) => number; max: number };

/**
 * Cuts the `limit + 1` rows a page query fetched to `limit`, and with `budget` to the rows
 * that fit it; `next` is set only when more follow.
 */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => TimeCursor, budget?: PageBudget<T>): Page<T> {
  let items = rows.slice(0, limit);
  if (budget) {
    let used = 0;
    const over = items.findIndex((row) => (used += budget.sizeOf(row)) > budget.max);
    if (over !== -1) items = items.slice(0, Math.max(over, 1));
  }
  const last = items.at(-1);
  if (items.length === rows.length || last === undefined) return { items };
  return { items, next: keyOf(last) };
}

import { and, desc, eq, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { usageEvents, users, type UsageEventRow, type UserRow } from '../schema';
import { olderThan, toPage, type TimeCursor } from './admin-pagination';
import type { Statement } from './billing';

/** `q` as a LIKE pattern for "contains", with LIKE's own wildcards taken literally. */
function containsPattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

function matching(q: string): SQL | undefined {
  const pattern = containsPattern(q);
  return or(eq(users.id, q), sql`lower(${users.email}) LIKE ${pattern} ESCAPE '\\'`, sql`lower(${users.name}) LIKE ${pattern} ESCAPE '\\'`);
}

/**
 * One page of users, newest first. `q` matches an exact id, or a substring of the email or
 * name regardless of case (SQLite folds ASCII letters only; Hangul has no case).
 */
export async function searchUsers(
  db: Db,
  opts: { q?: string | undefined; limit: number; cursor?: TimeCursor | undefined },
): Promise<{ items: UserRow[]; next?: TimeCursor }> {
  const match = opts.q === undefined ? undefined : matching(opts.q);
  const rows = await db
    .select()
    .from(users)
    .where(and(match, olderThan(opts.cursor, users.createdAt, users.id)))
    .orderBy(desc(users.createdAt), desc(users.id))
    .limit(opts.limit + 1);
  return toPage(rows, opts.limit, (r) => ({ at: r.createdAt, id: r.id }));
}

/** The user's newest usage rows, newest first. */
export async function recentUsage(db: Db, userId: string, limit: number): Promise<UsageEventRow[]> {
  return db
    .select()
    .from(usageEvents)
    .where(eq(usageEvents.userId, userId))
    .orderBy(desc(usageEvents.createdAt), desc(usageEvents.id))
    .limit(limit);
}

export type UserChanges = Partial<Pick<UserRow, 'planId' | 'planExpiresAt' | 'roles' | 'suspendedAt' | 'suspendedReason'>>;

/** Applies an operator's change to a user; fields left undefined keep their value. */
export function userUpdate(db: Db, id: string, changes: UserChanges, now: number): Statement {
  return db
    .update(users)
    .set({ ...changes, updatedAt: now })
    .where(eq(users.id, id));
}

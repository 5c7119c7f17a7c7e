import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db, Statement } from '../client';
import { newId } from '../ids';
import { adminActions, users, type AdminActionRow } from '../schema';
import type { TimeCursor } from '../../http/cursor';
import { olderThan, toPage, type Page } from '../pagination';

/** What an admin change can be about, for inputs checked outside db/ (the schema module stays here). */
export { ADMIN_TARGET_TYPES } from '../schema';

export type AdminActionInput = {
  actorId: string;
  action: string;
  targetType: AdminActionRow['targetType'];
  targetId: string;
  before: unknown;
  after: unknown;
};

/** The audit row of one admin change; it goes in the same batch as the change, so neither lands alone. */
export function adminActionInsert(db: Db, input: AdminActionInput, now: number): Statement {
  return db.insert(adminActions).values({ id: newId('act'), ...input, before: input.before ?? null, after: input.after ?? null, createdAt: now });
}

/** Some audit row shows `actorId` promoting a user by the address `email` (lower case): the one it names now or the one it had then. */
function promotedByEmail(actorId: string, email: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${adminActions} WHERE ${adminActions.actorId} = ${actorId} AND ${adminActions.action} = 'user.promote'
    AND (json_extract(${adminActions.after}, '$.email') = ${email}
      OR ${adminActions.targetId} IN (SELECT ${users.id} FROM ${users} WHERE lower(${users.email}) = ${email})))`;
}

/** Some audit row shows the admin role taken from `userId` (in before, not in after). */
function adminRoleEverRemoved(userId: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${adminActions} WHERE ${adminActions.targetType} = 'user' AND ${adminActions.targetId} = ${userId}
    AND EXISTS (SELECT 1 FROM json_each(${adminActions.before}, '$.roles') WHERE value = 'admin')
    AND NOT EXISTS (SELECT 1 FROM json_each(${adminActions.after}, '$.roles') WHERE value = 'admin'))`;
}

/**
 * The audit row of a promotion by a configured address, written only when that address has
 * never promoted anyone (in any case: the first provider account to claim it keeps it) and no
 * admin ever took the admin role from the user. The audit trail is the record of both, and
 * one guarded INSERT inside the promotion's batch keeps the check and the write together, so
 * two sign-ins at once cannot both claim the address. The promotion itself is written by
 * `userRolesSetIfAudited` with the returned id.
 */
export function configPromotionInsert(db: Db, input: Omit<AdminActionInput, 'after'> & { after: Record<string, unknown>; email: string }, now: number): { id: string; statement: Statement } {
  const id = newId('act');
  const { email, ...action } = input;
  // INSERT … SELECT lists every column in the table's order: id, actor, action, target, before, after, time.
  const row = [id, action.actorId, action.action, action.targetType, action.targetId, JSON.stringify(action.before ?? null), JSON.stringify({ ...action.after, email }), now];
  const statement = db.insert(adminActions).select(
    sql`SELECT ${sql.join(
      row.map((v) => sql`${v}`),
      sql`, `,
    )} WHERE NOT ${promotedByEmail(action.actorId, email)} AND NOT ${adminRoleEverRemoved(action.targetId)}`,
  );
  return { id, statement };
}

/** One page of admin actions, newest first, optionally only those on one target. */
export async function listAdminActions(
  db: Db,
  opts: { limit: number; cursor?: TimeCursor | undefined; targetId?: string | undefined },
): Promise<Page<AdminActionRow>> {
  const rows = await db
    .select()
    .from(adminActions)
    .where(and(opts.targetId === undefined ? undefined : eq(adminActions.targetId, opts.targetId), olderThan(opts.cursor, adminActions.createdAt, adminActions.id)))
    .orderBy(desc(adminActions.createdAt), desc(adminActions.id))
    .limit(opts.limit + 1);
  return toPage(rows, opts.limit, (r) => ({ at: r.createdAt, id: r.id }));
}

import { and, desc, eq } from 'drizzle-orm';
import type { Db, Statement } from '../client';
import { newId } from '../ids';
import { adminActions, type AdminActionRow } from '../schema';
import type { TimeCursor } from '../../http/cursor';
import { olderThan, toPage, type Page } from '../pagination';

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

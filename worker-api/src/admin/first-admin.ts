import { getDb } from '../db/client';
import { adminActionInsert } from '../db/queries/admin-actions';
import { userUpdate } from '../db/queries/admin-users';
import { runBatch } from '../db/queries/billing';
import type { UserRow } from '../db/schema';

/** Who the audit log says promoted a user listed in `ADMIN_EMAILS`. */
export const ADMIN_EMAILS_ACTOR = 'config:ADMIN_EMAILS';

/** `ADMIN_EMAILS` (comma-separated, any case, blanks ignored) as a set of lower-case emails. */
export function parseAdminEmails(raw: string | undefined): ReadonlySet<string> {
  return new Set(
    (raw ?? '')
      .split(',')
      .map((e) => e.trim().toLowerCase())
      .filter((e) => e.length > 0),
  );
}

/**
 * Gives the admin role to a signing-in user whose email `ADMIN_EMAILS` lists: how the first
 * admin comes to be, with no admin yet to grant it. The promotion is audited like any other.
 */
export async function promoteListedAdmin(d1: D1Database, user: UserRow, adminEmails: string | undefined, now = Date.now()): Promise<UserRow> {
  if (!user.email || user.roles.includes('admin') || !parseAdminEmails(adminEmails).has(user.email.toLowerCase())) return user;
  const db = getDb(d1);
  const roles = [...user.roles, 'admin'];
  await runBatch(
    db,
    userUpdate(db, user.id, { roles }, now),
    adminActionInsert(db, { actorId: ADMIN_EMAILS_ACTOR, action: 'user.promote', targetType: 'user', targetId: user.id, before: { roles: user.roles }, after: { roles } }, now),
  );
  return { ...user, roles };
}

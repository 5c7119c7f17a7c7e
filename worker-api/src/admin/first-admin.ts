import { runBatch, type Db } from '../db/client';
import { adminActionInsert } from '../db/queries/admin-actions';
import { userUpdate } from '../db/queries/users';
import type { UserRow } from '../db/schema';

/** Who the audit log says promoted a user listed in `ADMIN_EMAILS`. */
export const ADMIN_EMAILS_ACTOR = 'config:ADMIN_EMAILS';

/**
 * Gives the admin role to a signing-in user whose email `ADMIN_EMAILS` lists: how the first
 * admin comes to be, with no admin yet to grant it. The promotion is audited like any other.
 */
export async function promoteListedAdmin(db: Db, user: UserRow, adminEmails: readonly string[], now = Date.now()): Promise<UserRow> {
  if (!user.email || user.roles.includes('admin') || !adminEmails.includes(user.email.toLowerCase())) return user;
  const roles = [...user.roles, 'admin'];
  await runBatch(
    db,
    userUpdate(db, user.id, { roles }, now),
    adminActionInsert(db, { actorId: ADMIN_EMAILS_ACTOR, action: 'user.promote', targetType: 'user', targetId: user.id, before: { roles: user.roles }, after: { roles } }, now),
  );
  return { ...user, roles };
}

import { runBatch, type Db } from '../db/client';
import { configPromotionInsert } from '../db/queries/admin-actions';
import { getUserById, userRolesSetIfAudited } from '../db/queries/users';
import type { UserRow } from '../db/schema';

/** Who the audit log says promoted a user listed in `ADMIN_EMAILS`. */
export const ADMIN_EMAILS_ACTOR = 'config:ADMIN_EMAILS';

/**
 * Gives the admin role to a signing-in user whose email `ADMIN_EMAILS` lists: how the first
 * admin comes to be, with no admin yet to grant it. The promotion is audited like any other.
 *
 * An email is only a claim, so the rule is narrow: the provider must have verified the address
 * (anyone can type one in), a listed address promotes one provider account only, in whatever
 * case it arrives (a second account with `ALICE@…` is not Alice), and a user an admin demoted
 * stays demoted (the audit trail records the demotion; re-promoting at every sign-in would make
 * demotion meaningless). The last two are checked against `admin_actions` inside the write.
 */
export async function promoteListedAdmin(db: Db, user: UserRow, adminEmails: readonly string[], now = Date.now()): Promise<UserRow> {
  if (!user.email || !user.emailVerified || user.roles.includes('admin')) return user;
  const email = user.email.toLowerCase();
  if (!adminEmails.includes(email)) return user;
  const roles = [...user.roles, 'admin'];
  const audit = configPromotionInsert(
    db,
    { actorId: ADMIN_EMAILS_ACTOR, action: 'user.promote', targetType: 'user', targetId: user.id, before: { roles: user.roles }, after: { roles }, email },
    now,
  );
  await runBatch(db, audit.statement, userRolesSetIfAudited(db, user.id, roles, audit.id, now));
  return (await getUserById(db, user.id)) ?? user;
}

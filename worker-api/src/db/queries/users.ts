import { and, desc, eq, or, sql, type SQL } from 'drizzle-orm';
import type { AccountState } from '../../env';
import type { TimeCursor } from '../../http/cursor';
import type { Db, Statement } from '../client';
import { newId } from '../ids';
import { olderThan, toPage, type Page } from '../pagination';
import { adminActions, orders, plans, providerAccounts, subscriptions, users, type PlanRow, type UserRow } from '../schema';
import { FREE_PLAN_ID } from './plans';

export type ProvisionInput = {
  provider: string;
  providerAccountId: string;
  email?: string | null | undefined;
  /** The provider's word that `email` is the person's; absent counts as not verified. */
  emailVerified?: boolean | null | undefined;
  name?: string | null | undefined;
  image?: string | null | undefined;
};

/** The user linked to a provider identity, if any. */
export async function getUserByProviderAccount(db: Db, provider: string, providerAccountId: string): Promise<UserRow | undefined> {
  const rows = await db
    .select({ user: users })
    .from(providerAccounts)
    .innerJoin(users, eq(users.id, providerAccounts.userId))
    .where(and(eq(providerAccounts.provider, provider), eq(providerAccounts.providerAccountId, providerAccountId)))
    .limit(1);
  return rows[0]?.user;
}

/** One user by id. */
export async function getUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.query.users.findFirst({ where: eq(users.id, id) });
}

/** The caller's roles and suspension as D1 has them now. */
export async function getAccountState(db: Db, userId: string): Promise<AccountState | null> {
  const [row] = await db.select({ roles: users.roles, suspendedAt: users.suspendedAt }).from(users).where(eq(users.id, userId)).limit(1);
  return row ?? null;
}

/**
 * The id of the plan in force for the `users` row in scope: a paid plan past its
 * `plan_expires_at` counts as free, whether or not the renewal cron has run.
 */
export function planInForceId(now: number): SQL {
  return sql`CASE WHEN ${users.planExpiresAt} <= ${now} THEN ${FREE_PLAN_ID} ELSE ${users.planId} END`;
}

/** A user together with the plan whose limits apply to them. */
export type UserWithPlan = { user: UserRow; plan: PlanRow };

/**
 * The user and the plan in force in one round trip, or undefined when there is no such user.
 * A paid plan past its `plan_expires_at` counts as free here, whether or not the renewal cron
 * has run. Plans are read from D1 every time, so an operator's edit applies to the next request.
 */
export async function getUserWithPlanInForce(db: Db, userId: string, now: number): Promise<UserWithPlan | undefined> {
  const rows = await db.select({ user: users, plan: plans }).from(users).innerJoin(plans, eq(plans.id, planInForceId(now))).where(eq(users.id, userId)).limit(1);
  return rows[0];
}

/**
 * The user for a provider identity, created on first sight, with `roles`. Idempotent: the user row and
 * the link are written in one batch (a transaction), so two concurrent first sign-ins
 * cannot make two users — the loser's batch fails on the link's primary key and it reads
 * the winner's user instead. Later calls refresh email and picture from the provider.
 */
export async function provisionUser(db: Db, input: ProvisionInput, roles: readonly string[]): Promise<{ user: UserRow; created: boolean }> {
  const existing = await getUserByProviderAccount(db, input.provider, input.providerAccountId);
  if (existing) return { user: await refreshProfile(db, existing, input), created: false };

  const id = newId('usr');
  try {
    await db.batch([
      db.insert(users).values({
        id,
        email: input.email ?? null,
        emailVerified: emailVerifiedOf(input),
        name: input.name ?? null,
        image: input.image ?? null,
        roles: [...roles],
      }),
      db.insert(providerAccounts).values({ provider: input.provider, providerAccountId: input.providerAccountId, userId: id }),
    ]);
  } catch (err) {
    const winner = await getUserByProviderAccount(db, input.provider, input.providerAccountId);
    if (winner) return { user: winner, created: false };
    throw err;
  }
  const user = await getUserById(db, id);
  if (!user) throw new Error(`provisioned user ${id} vanished`);
  return { user, created: true };
}

/** Verification belongs to the address it came with: an email sent without it is unverified. */
function emailVerifiedOf(input: ProvisionInput): boolean {
  return input.email ? input.emailVerified === true : false;
}

async function refreshProfile(db: Db, user: UserRow, input: ProvisionInput): Promise<UserRow> {
  // A sign-in that reports no email leaves the stored address and its verification as they were.
  const email = input.email ?? user.email;
  const emailVerified = input.email ? emailVerifiedOf(input) : user.emailVerified;
  const image = input.image ?? user.image;
  if (email === user.email && emailVerified === user.emailVerified && image === user.image) return user;
  const [updated] = await db
    .update(users)
    .set({ email, emailVerified, image, updatedAt: Date.now() })
    .where(eq(users.id, user.id))
    .returning();
  return updated ?? user;
}

/** Marks onboarding done with the name and locale the person chose. */
export async function completeOnboarding(
  db: Db,
  id: string,
  input: { name: string; locale?: string | undefined },
): Promise<UserRow | undefined> {
  const now = Date.now();
  const [updated] = await db
    .update(users)
    .set({ name: input.name, locale: input.locale ?? null, onboarded: true, termsAcceptedAt: now, updatedAt: now })
    .where(eq(users.id, id))
    .returning();
  return updated;
}

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
): Promise<Page<UserRow>> {
  const match = opts.q === undefined ? undefined : matching(opts.q);
  const rows = await db
    .select()
    .from(users)
    .where(and(match, olderThan(opts.cursor, users.createdAt, users.id)))
    .orderBy(desc(users.createdAt), desc(users.id))
    .limit(opts.limit + 1);
  return toPage(rows, opts.limit, (r) => ({ at: r.createdAt, id: r.id }));
}

export type UserChanges = Partial<Pick<UserRow, 'planId' | 'planExpiresAt' | 'roles' | 'suspendedAt' | 'suspendedReason'>>;

/** Applies an operator's change to a user; fields left undefined keep their value. */
export function userUpdate(db: Db, id: string, changes: UserChanges, now: number): Statement {
  return db
    .update(users)
    .set({ ...changes, updatedAt: now })
    .where(eq(users.id, id));
}

/**
 * Sets the user's roles only if the audit row `actionId` exists: the second half of a batch
 * whose first statement writes that row only when the change is allowed.
 */
export function userRolesSetIfAudited(db: Db, id: string, roles: readonly string[], actionId: string, now: number): Statement {
  return db
    .update(users)
    .set({ roles: [...roles], updatedAt: now })
    .where(and(eq(users.id, id), sql`EXISTS (SELECT 1 FROM ${adminActions} WHERE ${adminActions.id} = ${actionId})`));
}

type PlanTerm = { planId: string; expiresAt: number | null };

/** Puts the user on `plan`, only where every guard holds: a guard is what makes a grant apply once. */
function planSet(db: Db, userId: string, plan: PlanTerm, now: number, ...guards: SQL[]): Statement {
  return db
    .update(users)
    .set({ planId: plan.planId, planExpiresAt: plan.expiresAt, updatedAt: now })
    .where(and(eq(users.id, userId), ...guards));
}

/**
 * Grants an order's plan, only while the user's plan is still `from` (no other grant slipped
 * in) and the order is not yet activated: the half of a grant-once pair with `orderActivation`.
 */
export function userPlanGrantForOrder(db: Db, userId: string, from: PlanTerm, to: PlanTerm, orderId: string, now: number): Statement {
  return planSet(
    db,
    userId,
    to,
    now,
    eq(users.planId, from.planId),
    sql`${users.planExpiresAt} IS ${from.expiresAt}`,
    sql`EXISTS (SELECT 1 FROM ${orders} WHERE ${orders.id} = ${orderId} AND ${orders.activatedAt} IS NULL)`,
  );
}

/** Moves the end of the user's plan, only while they are still on `planId`. */
export function userPlanExpiryUpdate(db: Db, userId: string, planId: string, expiresAt: number, now: number): Statement {
  return db
    .update(users)
    .set({ planExpiresAt: expiresAt, updatedAt: now })
    .where(and(eq(users.id, userId), eq(users.planId, planId)));
}

/** Returns the user to free, only while they are on the subscription's plan and it has not ended yet. */
export function userPlanEndForSubscription(db: Db, userId: string, planId: string, subscriptionId: string, now: number): Statement {
  return planSet(
    db,
    userId,
    { planId: FREE_PLAN_ID, expiresAt: null },
    now,
    eq(users.planId, planId),
    sql`EXISTS (SELECT 1 FROM ${subscriptions} WHERE ${subscriptions.id} = ${subscriptionId} AND ${subscriptions.status} != 'canceled')`,
  );
}

/** Extends the user's plan for a renewed period, only while the subscription is still in `period` (once per period). */
export function userPlanRenewForSubscription(db: Db, userId: string, plan: PlanTerm, subscription: { id: string; period: number }, now: number): Statement {
  return planSet(
    db,
    userId,
    plan,
    now,
    sql`EXISTS (SELECT 1 FROM ${subscriptions} WHERE ${subscriptions.id} = ${subscription.id} AND ${subscriptions.period} = ${subscription.period})`,
  );
}

/** Ends every web session of the user: the new version no session cookie carries yet; undefined when there is no such user. */
export async function bumpSessionVersion(db: Db, userId: string): Promise<number | undefined> {
  const [row] = await db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(eq(users.id, userId))
    .returning({ sessionVersion: users.sessionVersion });
  return row?.sessionVersion;
}

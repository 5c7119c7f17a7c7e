import { and, eq } from 'drizzle-orm';
import { DEFAULT_ROLES } from '../../auth/entitlements';
import type { Db } from '../client';
import { newId } from '../ids';
import { providerAccounts, users, type UserRow } from '../schema';

export type ProvisionInput = {
  provider: string;
  providerAccountId: string;
  email?: string | null | undefined;
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

/**
 * The user for a provider identity, created on first sight. Idempotent: the user row and
 * the link are written in one batch (a transaction), so two concurrent first sign-ins
 * cannot make two users — the loser's batch fails on the link's primary key and it reads
 * the winner's user instead. Later calls refresh email and picture from the provider.
 */
export async function provisionUser(db: Db, input: ProvisionInput): Promise<{ user: UserRow; created: boolean }> {
  const existing = await getUserByProviderAccount(db, input.provider, input.providerAccountId);
  if (existing) return { user: await refreshProfile(db, existing, input), created: false };

  const id = newId('usr');
  try {
    await db.batch([
      db.insert(users).values({
        id,
        email: input.email ?? null,
        name: input.name ?? null,
        image: input.image ?? null,
        roles: [...DEFAULT_ROLES],
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

async function refreshProfile(db: Db, user: UserRow, input: ProvisionInput): Promise<UserRow> {
  const email = input.email ?? user.email;
  const image = input.image ?? user.image;
  if (email === user.email && image === user.image) return user;
  const [updated] = await db
    .update(users)
    .set({ email, image, updatedAt: Date.now() })
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

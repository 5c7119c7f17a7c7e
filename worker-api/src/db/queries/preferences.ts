import { eq } from 'drizzle-orm';
import type { Db } from '../client';
import { userPreferences, type UserPreferencesRow } from '../schema';

export type Preferences = Pick<UserPreferencesRow, 'instructions' | 'language'>;

/** What a user who never set preferences gets. */
export const DEFAULT_PREFERENCES: Preferences = { instructions: '', language: null };

/** The user's preferences, or the defaults when they set none. */
export async function getPreferences(db: Db, userId: string): Promise<Preferences> {
  const row = await db.query.userPreferences.findFirst({ columns: { instructions: true, language: true }, where: eq(userPreferences.userId, userId) });
  return row ?? DEFAULT_PREFERENCES;
}

/**
 * Replaces the user's preferences, with the token estimate of the system message they make
 * (`systemTokens`); for a user that no longer exists it fails on the foreign key (see `isForeignKeyFailure`).
 */
export async function putPreferences(db: Db, userId: string, prefs: Preferences, systemTokens: number, now = Date.now()): Promise<Preferences> {
  const [row] = await db
    .insert(userPreferences)
    .values({ userId, ...prefs, systemTokens, updatedAt: now })
    .onConflictDoUpdate({ target: userPreferences.userId, set: { ...prefs, systemTokens, updatedAt: now } })
    .returning({ instructions: userPreferences.instructions, language: userPreferences.language });
  if (!row) throw new Error('upserted preferences not returned');
  return row;
}

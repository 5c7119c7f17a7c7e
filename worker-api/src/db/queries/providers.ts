import { eq } from 'drizzle-orm';
import type { Db, Statement } from '../client';
import { providers, type ProviderRow } from '../schema';

/** The kinds of provider, for inputs checked outside db/ (the schema module stays here). */
export { PROVIDER_KINDS } from '../schema';

export type NewProvider = Omit<ProviderRow, 'createdAt' | 'updatedAt'>;
export type ProviderChanges = Partial<Omit<ProviderRow, 'id' | 'createdAt' | 'updatedAt'>>;

export async function getProviderById(db: Db, id: string): Promise<ProviderRow | undefined> {
  return db.query.providers.findFirst({ where: eq(providers.id, id) });
}

/** Every provider, by id. */
export async function listProviders(db: Db): Promise<ProviderRow[]> {
  return db.select().from(providers).orderBy(providers.id);
}

/** Adds a provider; an id already taken fails the batch on the primary key. */
export function providerInsert(db: Db, provider: NewProvider, now: number): Statement {
  return db.insert(providers).values({ ...provider, createdAt: now, updatedAt: now });
}

/** Edits a provider; fields left undefined keep their value. */
export function providerUpdate(db: Db, id: string, changes: ProviderChanges, now: number): Statement {
  return db
    .update(providers)
    .set({ ...changes, updatedAt: now })
    .where(eq(providers.id, id));
}

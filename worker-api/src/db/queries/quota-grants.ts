import { and, desc, eq } from 'drizzle-orm';
import type { Db, Statement } from '../client';
import { quotaGrants, type QuotaGrantRow } from '../schema';

/** The user's grants, live and expired, newest first. */
export async function listGrants(db: Db, userId: string, limit: number): Promise<QuotaGrantRow[]> {
  return db.query.quotaGrants.findMany({ where: eq(quotaGrants.userId, userId), orderBy: [desc(quotaGrants.createdAt), desc(quotaGrants.id)], limit });
}

/** A grant of that user; another user's grant is as missing as an unknown one. */
export async function getGrant(db: Db, userId: string, grantId: string): Promise<QuotaGrantRow | undefined> {
  return db.query.quotaGrants.findFirst({ where: and(eq(quotaGrants.id, grantId), eq(quotaGrants.userId, userId)) });
}

export function grantInsert(db: Db, row: QuotaGrantRow): Statement {
  return db.insert(quotaGrants).values(row);
}

export function grantDelete(db: Db, grantId: string): Statement {
  return db.delete(quotaGrants).where(eq(quotaGrants.id, grantId));
}

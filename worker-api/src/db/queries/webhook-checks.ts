import { sql } from 'drizzle-orm';
import type { Db } from '../client';
import { webhookChecks } from '../schema';

/**
 * Claims the right to verify `checkKey` now: true when it was never checked or last checked
 * at least `intervalMs` ago. One upsert decides, so concurrent calls cannot both win.
 */
export async function claimWebhookCheck(db: Db, checkKey: string, now: number, intervalMs: number): Promise<boolean> {
  const claimed = await db
    .insert(webhookChecks)
    .values({ checkKey, checkedAt: now })
    .onConflictDoUpdate({ target: webhookChecks.checkKey, set: { checkedAt: now }, setWhere: sql`${webhookChecks.checkedAt} <= ${now - intervalMs}` })
    .returning({ checkKey: webhookChecks.checkKey });
  return claimed.length > 0;
}

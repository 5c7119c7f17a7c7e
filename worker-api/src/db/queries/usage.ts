import { and, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { usageEvents } from '../schema';

export type DailyUsage = { date: string; requests: number; promptTokens: number; completionTokens: number; totalTokens: number };

/** The user's usage summed per UTC day over [fromMs, toMs), days without requests left out. */
export async function getDailyUsage(db: Db, userId: string, fromMs: number, toMs: number): Promise<DailyUsage[]> {
  const day = sql<string>`strftime('%Y-%m-%d', ${usageEvents.createdAt} / 1000, 'unixepoch')`;
  return db
    .select({
      date: day,
      requests: sql<number>`count(*)`,
      promptTokens: sql<number>`coalesce(sum(${usageEvents.promptTokens}), 0)`,
      completionTokens: sql<number>`coalesce(sum(${usageEvents.completionTokens}), 0)`,
      totalTokens: sql<number>`coalesce(sum(${usageEvents.totalTokens}), 0)`,
    })
    .from(usageEvents)
    .where(and(eq(usageEvents.userId, userId), gte(usageEvents.createdAt, fromMs), lt(usageEvents.createdAt, toMs)))
    .groupBy(day)
    .orderBy(day);
}

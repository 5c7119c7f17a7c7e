import { and, count, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { conversations, orders, users } from '../schema';

/** What a user holds now, as the per-user caps count it. */
export type Holdings = {
  /** UTF-8 bytes of all their messages (kept by triggers, migration 0012). */
  storedBytes: number;
  conversations: number;
  /** Messages of the conversation asked about; 0 when none was. */
  messages: number;
};

/**
 * The user's stored bytes, conversation count and the message count of `conversationId`
 * (0 unless it is theirs), in one round trip; undefined when there is no such user. Both
 * counts walk an index of at most a cap's worth of rows.
 */
export async function getHoldings(db: Db, userId: string, conversationId?: string): Promise<Holdings | undefined> {
  const messageCount =
    conversationId === undefined
      ? sql<number>`0`
      : // Aliased: drizzle writes a column inside sql`` without its table, which a join makes ambiguous.
        sql<number>`(SELECT count(*) FROM messages m INNER JOIN conversations c ON c.id = m.conversation_id WHERE m.conversation_id = ${conversationId} AND c.user_id = ${userId})`;
  const [row] = await db
    .select({
      storedBytes: users.storedBytes,
      conversations: sql<number>`(SELECT count(*) FROM ${conversations} WHERE ${conversations.userId} = ${userId})`,
      messages: messageCount,
    })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row;
}

/** The user's one-time orders still waiting for payment that were opened after `since` (epoch ms). */
export async function countOpenOrders(db: Db, userId: string, since: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(orders)
    .where(and(eq(orders.userId, userId), eq(orders.kind, 'one_time'), eq(orders.status, 'pending'), gt(orders.createdAt, since)));
  return row?.n ?? 0;
}

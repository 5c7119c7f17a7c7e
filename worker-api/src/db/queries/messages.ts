import { and, desc, eq } from 'drizzle-orm';
import type { TimeCursor } from '../../http/cursor';
import type { Db } from '../client';
import { newId } from '../ids';
import { olderThan, toPage, type Page } from '../pagination';
import { messages, type MessageRow } from '../schema';

/** A message's text with its token estimate, which is stored beside it. */
export type CostedContent = { content: string; contentTokens: number };

/** A user's turn in a conversation; the caller batches it with the conversation's write. */
export function userMessageInsert(db: Db, conversationId: string, turn: CostedContent, now: number) {
  return db.insert(messages).values({ id: newId('msg'), conversationId, role: 'user', ...turn, createdAt: now });
}

/** The answer to a turn, with what it cost and the request it came from; the caller batches it with the settle. */
export function assistantMessageInsert(
  db: Db,
  m: Pick<MessageRow, 'id' | 'conversationId' | 'content' | 'model' | 'finishReason' | 'promptTokens' | 'completionTokens' | 'traceId'> & CostedContent,
  now: number,
) {
  return db.insert(messages).values({ ...m, role: 'assistant', createdAt: now });
}

/** The newest `limit` messages of a conversation, oldest first (the order a transcript and a prompt read in). */
export async function getRecentMessages(db: Db, conversationId: string, limit: number): Promise<MessageRow[]> {
  const newestFirst = await db
    .select()
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(limit);
  return newestFirst.reverse();
}

const encoder = new TextEncoder();

/**
 * One page of a conversation's messages going back in time: the newest `limit` before
 * `before` (all of them when absent), cut to `maxBytes` of content, returned oldest first
 * (the order a transcript reads in); `next` names the page before it.
 */
export async function getMessagesPage(
  db: Db,
  conversationId: string,
  opts: { limit: number; maxBytes: number; before?: TimeCursor | undefined },
): Promise<Page<MessageRow>> {
  const rows = await db
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), olderThan(opts.before, messages.createdAt, messages.id)))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(opts.limit + 1);
  const page = toPage(rows, opts.limit, (m) => ({ at: m.createdAt, id: m.id }), { sizeOf: (m) => encoder.encode(m.content).byteLength, max: opts.maxBytes });
  return { ...page, items: page.items.reverse() };
}

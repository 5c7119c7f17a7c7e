import { and, desc, eq, sql } from 'drizzle-orm';
import type { TimeCursor } from '../../http/cursor';
import type { Db } from '../client';
import { newId } from '../ids';
import { olderThan, toPage, type Page } from '../pagination';
import { conversations, type ConversationRow, type MessageRow } from '../schema';
import { latestLeafUnder, userMessageInsert, type CostedContent } from './messages';

/** The title a conversation gets until someone names it. */
const DEFAULT_CONVERSATION_TITLE = 'New chat';

/**
 * One page of the user's conversations, most recently active first (`updatedAt`, then `id`,
 * both descending), starting after `cursor` (whose `at` is an `updatedAt`).
 *
 * @example const { items, next } = await listConversations(db, userId, { limit: 20 })
 */
export async function listConversations(db: Db, userId: string, opts: { limit: number; cursor?: TimeCursor | undefined }): Promise<Page<ConversationRow>> {
  const rows = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.userId, userId), olderThan(opts.cursor, conversations.updatedAt, conversations.id)))
    .orderBy(desc(conversations.updatedAt), desc(conversations.id))
    .limit(opts.limit + 1);
  return toPage(rows, opts.limit, (r) => ({ at: r.updatedAt, id: r.id }));
}

function insertConversation(db: Db, userId: string, input: { title?: string; model?: string | null }, now: number) {
  // Timestamps set here rather than by the column default, which is fractional
  // (`unixepoch('subsec') * 1000`) and would leak into cursors.
  return db
    .insert(conversations)
    .values({ id: newId('conv'), userId, title: input.title ?? DEFAULT_CONVERSATION_TITLE, model: input.model ?? null, createdAt: now, updatedAt: now });
}

/** Starts a conversation for the user; untitled ones are called "New chat". */
export async function createConversation(db: Db, userId: string, input: { title?: string; model?: string | null }): Promise<ConversationRow> {
  const [row] = await insertConversation(db, userId, input, Date.now()).returning();
  if (!row) throw new Error('inserted conversation not returned');
  return row;
}

/** The conversation if it exists and belongs to the user; a stranger's is indistinguishable from a missing one. */
export async function getConversationForUser(db: Db, userId: string, id: string): Promise<ConversationRow | undefined> {
  return db.query.conversations.findFirst({ where: and(eq(conversations.id, id), eq(conversations.userId, userId)) });
}

/** Renames the user's conversation or changes its model, and marks it active; undefined when it is not theirs. */
export async function updateConversation(
  db: Db,
  userId: string,
  id: string,
  patch: { title?: string; model?: string | null },
): Promise<ConversationRow | undefined> {
  // drizzle leaves fields that are undefined out of the SET, so absent ones keep their value.
  const [row] = await db
    .update(conversations)
    .set({ title: patch.title, model: patch.model, updatedAt: Date.now() })
    .where(and(eq(conversations.id, id), eq(conversations.userId, userId)))
    .returning();
  return row;
}

/** Deletes the user's conversation (its messages go by `ON DELETE CASCADE`); false when it is not theirs. */
export async function deleteConversation(db: Db, userId: string, id: string): Promise<boolean> {
  const deleted = await db
    .delete(conversations)
    .where(and(eq(conversations.id, id), eq(conversations.userId, userId)))
    .returning({ id: conversations.id });
  return deleted.length > 0;
}

/** Deletes every conversation of the user (their messages and generations go by cascade); how many there were. */
export async function deleteAllConversations(db: Db, userId: string): Promise<number> {
  const deleted = await db.delete(conversations).where(eq(conversations.userId, userId)).returning({ id: conversations.id });
  return deleted.length;
}

/**
 * Marks the conversation active; with `model` records the model that last answered in it,
 * and with `answer` selects that answer, unless the user has since selected another branch
 * than the turn it answers.
 */
export function touchConversation(db: Db, conversationId: string, now: number, model?: string, answer?: { id: string; parentId: string | null }) {
  // drizzle leaves undefined fields out of the SET, so a user's turn keeps the model and path there.
  const currentLeafId = answer && sql`CASE WHEN ${conversations.currentLeafId} IS ${answer.parentId} THEN ${answer.id} ELSE ${conversations.currentLeafId} END`;
  return db.update(conversations).set({ updatedAt: now, model, currentLeafId }).where(eq(conversations.id, conversationId));
}

/** Makes `leafId` the end of the conversation's path and marks it active, for the batch that stores that turn. */
function selectLeaf(db: Db, conversationId: string, leafId: string, now: number) {
  return db.update(conversations).set({ updatedAt: now, currentLeafId: leafId }).where(eq(conversations.id, conversationId));
}

/**
 * Switches the user's conversation to the branch of `messageId`: the path now runs through
 * it to its newest descendants. False when the conversation or the message is not theirs.
 */
export async function selectBranch(db: Db, userId: string, conversationId: string, messageId: string): Promise<boolean> {
  const updated = await db
    .update(conversations)
    .set({ currentLeafId: latestLeafUnder(conversationId, messageId) })
    .where(
      and(
        eq(conversations.id, conversationId),
        eq(conversations.userId, userId),
        sql`EXISTS (SELECT 1 FROM messages WHERE id = ${messageId} AND conversation_id = ${conversationId})`,
      ),
    )
    .returning({ id: conversations.id });
  return updated.length > 0;
}

/**
 * Stores a user turn at the end of the conversation's path and marks the conversation
 * active, in one batch (a transaction), so the list order never disagrees with the
 * messages. The caller has checked ownership.
 */
export async function addUserMessage(db: Db, conversation: Pick<ConversationRow, 'id' | 'currentLeafId'>, turn: CostedContent): Promise<MessageRow> {
  const now = Date.now();
  const id = newId('msg');
  const [inserted] = await db.batch([
    userMessageInsert(db, { id, conversationId: conversation.id, parentId: conversation.currentLeafId, ...turn }, now).returning(),
    selectLeaf(db, conversation.id, id, now),
  ]);
  const message = inserted[0];
  if (!message) throw new Error('inserted message not returned');
  return message;
}

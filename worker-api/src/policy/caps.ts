import type { Config } from '../config';
import type { Db } from '../db/client';
import { countOpenOrders, getHoldings } from '../db/queries/holdings';
import { ApiError } from '../http/errors';

type Caps = Config['caps'];

/** An order the payment window never came back for stops counting as open after this. */
export const OPEN_ORDER_WINDOW_MS = 24 * 3600_000;

const encoder = new TextEncoder();

function limitReached(code: string, message: string): ApiError {
  return new ApiError(409, code, message);
}

/** What a request is about to store for the user. */
export type Addition = {
  /** Starts a new conversation. */
  newConversation?: boolean;
  /** Adds a message to this existing conversation. */
  conversationId?: string;
  /** The text it stores (a user's message); an answer's size is not known in advance. */
  content?: string;
};

/**
 * Refuses, with its own 409 code, a request that would take the user past a cap: too many
 * conversations (`conversation_limit_reached`), messages in one conversation
 * (`message_limit_reached`) or bytes stored (`storage_limit_reached`). Read before the
 * write, so requests racing each other may pass a cap by a few; the write burst bounds how
 * many. A user that does not exist passes: the write then fails as it always has.
 *
 * @example await refuseOverCaps(db, readConfig(c.env).caps, userId, { conversationId, content })
 */
export async function refuseOverCaps(db: Db, caps: Caps, userId: string, add: Addition): Promise<void> {
  const held = await getHoldings(db, userId, add.conversationId);
  if (!held) return;
  if (add.newConversation && held.conversations >= caps.conversationsPerUser) {
    throw limitReached('conversation_limit_reached', `You have ${caps.conversationsPerUser} conversations, the most you can keep; delete some to start another`);
  }
  if (add.conversationId !== undefined && held.messages >= caps.messagesPerConversation) {
    throw limitReached('message_limit_reached', `This conversation has ${caps.messagesPerConversation} messages, the most one can hold; start a new conversation`);
  }
  const adding = add.content === undefined ? 0 : encoder.encode(add.content).byteLength;
  // An answer adds bytes nobody can count yet, so a full store refuses it too.
  if (held.storedBytes + adding > caps.storedBytesPerUser || held.storedBytes >= caps.storedBytesPerUser) {
    throw limitReached('storage_limit_reached', `Your conversations use all of the ${Math.floor(caps.storedBytesPerUser / (1024 * 1024))} MB you can store; delete some to write more`);
  }
}

/** Refuses a new one-time order (`open_orders_limit_reached`) while the user has too many waiting for payment. */
export async function refuseOverOpenOrders(db: Db, caps: Caps, userId: string, now = Date.now()): Promise<void> {
  const open = await countOpenOrders(db, userId, now - OPEN_ORDER_WINDOW_MS);
  if (open >= caps.openOrdersPerUser) {
    throw limitReached('open_orders_limit_reached', `You have ${caps.openOrdersPerUser} orders waiting for payment; finish or wait for one to lapse before opening another`);
  }
}

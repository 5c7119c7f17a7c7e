import { MAX_MESSAGE_CHARS } from '@chat/contract';

/** From this share of the limit on, the composer shows its counter. */
const COUNTER_FROM = 0.8;

export type MessageLength = {
  /** Characters that would be sent (the message is trimmed before sending), as the Worker counts them. */
  count: number;
  limit: number;
  /** Characters to remove before it can be sent; 0 when it fits. */
  over: number;
  showCounter: boolean;
};

/**
 * How a draft stands against the Worker's limit, counted as the Worker's schema does
 * (UTF-16 code units of the trimmed text), so the composer refuses exactly what it would.
 *
 * @example messageLength('a'.repeat(40_000)).over // 8000
 */
export function messageLength(text: string, limit: number = MAX_MESSAGE_CHARS): MessageLength {
  const count = text.trim().length;
  return { count, limit, over: Math.max(0, count - limit), showCounter: count >= limit * COUNTER_FROM };
}

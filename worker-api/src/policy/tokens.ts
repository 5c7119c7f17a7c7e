import type { CostedContent } from '../db/queries/messages';

/**
 * A cheap upper-leaning token estimate, for reservations and for streams whose upstream
 * never reported usage. ASCII runs at about four characters a token in OpenAI's
 * tokenizers; Hangul and other scripts at about one, so they count one each.
 */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 128) ascii++;
    else other++;
  }
  return Math.ceil(ascii / 4) + other;
}

/** Per-message framing overhead in chat prompts, plus the reply's priming. */
export const PER_MESSAGE_TOKENS = 4;
const PRIMING = 3;

/** Estimated prompt tokens of a chat request. */
export function estimatePromptTokens(messages: readonly { content: string }[]): number {
  return messages.reduce((sum, m) => sum + PER_MESSAGE_TOKENS + estimateTokens(m.content), PRIMING);
}

/** A message's text with the estimate stored beside it, so later prompts can be costed in SQL. */
export function costedContent(content: string): CostedContent {
  return { content, contentTokens: estimateTokens(content) };
}

import type { CostedContent } from '../db/queries/messages';
import type { MessageRow } from '../db/schema';
import { estimatePromptTokens, estimateTokens, PER_MESSAGE_TOKENS } from '../policy/tokens';

export type PromptMessage = { role: 'system' | 'user' | 'assistant'; content: string };

/** Prompt tokens of history we send at most; the newest turns win. */
export const CONTEXT_BUDGET_TOKENS = 6000;

const SYSTEM_PROMPT =
  'You are a helpful assistant. Answer in the language the user writes in. Use Markdown for structure and fenced code blocks for code.';

/**
 * The numbers the admission batch picks and costs the history with, in SQL
 * (`db/queries/admission.ts`): the system prompt and a new turn are spent first, then the
 * newest turns while they fit the budget, oldest first in the prompt. The turn answered is
 * always kept, whatever its size. Turns that ended in an error carry no useful content.
 */
export type PromptCosting = { basePromptTokens: number; spentBeforeHistory: number; historyBudget: number; perMessageTokens: number };

export function promptCosting(newTurn: CostedContent | null): PromptCosting {
  const leading = newTurn ? [{ content: SYSTEM_PROMPT }, newTurn] : [{ content: SYSTEM_PROMPT }];
  return {
    basePromptTokens: estimatePromptTokens(leading),
    spentBeforeHistory: estimateTokens(SYSTEM_PROMPT) + (newTurn ? newTurn.contentTokens + PER_MESSAGE_TOKENS : 0),
    historyBudget: CONTEXT_BUDGET_TOKENS,
    perMessageTokens: PER_MESSAGE_TOKENS,
  };
}

/** The prompt's estimated tokens: what the batch reserved for, from the history it picked. */
export function promptTokensOf(costing: PromptCosting, history: readonly { tokens: number }[]): number {
  return history.reduce((sum, m) => sum + m.tokens + costing.perMessageTokens, costing.basePromptTokens);
}

/** The messages to send upstream: the system prompt, the history picked (oldest first), then a new turn. */
export function buildPrompt(history: readonly Pick<MessageRow, 'role' | 'content'>[], newTurn: string | null): PromptMessage[] {
  const turns = history.map((m) => ({ role: m.role, content: m.content }));
  return [{ role: 'system', content: SYSTEM_PROMPT }, ...turns, ...(newTurn === null ? [] : [{ role: 'user' as const, content: newTurn }])];
}

import type { MessageRow } from '../db/schema';
import { estimateTokens } from '../policy/tokens';

export type PromptMessage = { role: 'system' | 'user' | 'assistant'; content: string };

/** Prompt tokens of history we send at most; the newest turns win. */
export const CONTEXT_BUDGET_TOKENS = 6000;

const SYSTEM_PROMPT =
  'You are a helpful assistant. Answer in the language the user writes in. Use Markdown for structure and fenced code blocks for code.';

/**
 * The messages to send upstream: the system prompt, then as many of the newest turns as
 * fit the budget, oldest first. The last turn is always kept, whatever its size, since it
 * is the question being answered. Turns that ended in an error carry no useful content.
 */
export function buildPrompt(history: readonly Pick<MessageRow, 'role' | 'content'>[], budget = CONTEXT_BUDGET_TOKENS): PromptMessage[] {
  const picked: PromptMessage[] = [];
  let spent = estimateTokens(SYSTEM_PROMPT);
  for (let i = history.length - 1; i >= 0; i--) {
    const m = history[i];
    if (!m || m.role === 'system' || (m.role === 'assistant' && m.content === '')) continue;
    const cost = estimateTokens(m.content) + 4;
    if (picked.length > 0 && spent + cost > budget) break;
    spent += cost;
    picked.push({ role: m.role, content: m.content });
  }
  return [{ role: 'system', content: SYSTEM_PROMPT }, ...picked.reverse()];
}

import type { AnswerLanguage } from '@chat/contract';
import type { Preferences } from '../db/queries/preferences';
import type { MessageRow } from '../db/schema';
import { estimateTokens } from '../policy/tokens';

export type PromptMessage = { role: 'system' | 'user' | 'assistant'; content: string };

/** Prompt tokens of history we send at most; the newest turns win. */
export const CONTEXT_BUDGET_TOKENS = 6000;

const ROLE = 'You are a helpful assistant.';
const FORMAT = 'Use Markdown for structure and fenced code blocks for code.';

/** Language names as the model reads them best, in English. */
const LANGUAGE_NAMES: Record<AnswerLanguage, string> = {
  ko: 'Korean',
  en: 'English',
  ja: 'Japanese',
  zh: 'Chinese',
  es: 'Spanish',
  fr: 'French',
  de: 'German',
};

/** The system message: ours, the answer language, then the user's own instructions, marked as theirs. */
export function systemMessage(preferences: Preferences): string {
  const language = preferences.language && LANGUAGE_NAMES[preferences.language];
  const ours = [ROLE, language ? `Always answer in ${language}.` : 'Answer in the language the user writes in.', FORMAT].join(' ');
  const instructions = preferences.instructions.trim();
  return instructions ? `${ours}\n\nThe user's instructions for every answer:\n${instructions}` : ours;
}

/**
 * The messages to send upstream: the system message (with the user's preferences), then as
 * many of the newest turns as fit the budget, oldest first. The last turn is always kept, whatever its size, since it
 * is the question being answered. Turns that ended in an error carry no useful content.
 */
export function buildPrompt(history: readonly Pick<MessageRow, 'role' | 'content'>[], preferences: Preferences, budget = CONTEXT_BUDGET_TOKENS): PromptMessage[] {
  const system = systemMessage(preferences);
  const picked: PromptMessage[] = [];
  let spent = estimateTokens(system);
  for (let i = history.length - 1; i >= 0; i--) {
    const m = history[i];
    if (!m || m.role === 'system' || (m.role === 'assistant' && m.content === '')) continue;
    const cost = estimateTokens(m.content) + 4;
    if (picked.length > 0 && spent + cost > budget) break;
    spent += cost;
    picked.push({ role: m.role, content: m.content });
  }
  return [{ role: 'system', content: system }, ...picked.reverse()];
}

import type { AnswerLanguage } from '@chat/contract';
import type { CostedContent } from '../db/queries/messages';
import { DEFAULT_PREFERENCES, type Preferences } from '../db/queries/preferences';
import type { MessageRow } from '../db/schema';
import { estimatePromptTokens, estimateTokens, PER_MESSAGE_TOKENS } from '../policy/tokens';

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
 * The system message's token estimate, stored beside the preferences so the admission batch
 * can cost it in SQL, in the same statement that reads the history.
 */
export function systemMessageTokens(preferences: Preferences): number {
  return estimateTokens(systemMessage(preferences));
}

/**
 * The numbers the admission batch picks and costs the history with, in SQL
 * (`db/queries/admission.ts`): the system message (its tokens read in SQL with the user's
 * preferences, `systemTokens`) and a new turn are spent first, then the newest turns while
 * they fit the budget, oldest first in the prompt. The turn answered is always kept, whatever
 * its size. Turns that ended in an error carry no useful content.
 */
export type PromptCosting = {
  /** The prompt's tokens before the history, less the system message's own text. */
  basePromptTokens: number;
  /** What the budget has spent before the history, less the system message's own text. */
  spentBeforeHistory: number;
  historyBudget: number;
  perMessageTokens: number;
  /** The system message's tokens for a user who set no preferences. */
  defaultSystemTokens: number;
};

export function promptCosting(newTurn: CostedContent | null): PromptCosting {
  // The system message's framing counts here, its text in SQL.
  const leading = newTurn ? [{ content: '' }, newTurn] : [{ content: '' }];
  return {
    basePromptTokens: estimatePromptTokens(leading),
    spentBeforeHistory: newTurn ? newTurn.contentTokens + PER_MESSAGE_TOKENS : 0,
    historyBudget: CONTEXT_BUDGET_TOKENS,
    perMessageTokens: PER_MESSAGE_TOKENS,
    defaultSystemTokens: systemMessageTokens(DEFAULT_PREFERENCES),
  };
}

/** The prompt's estimated tokens: what the batch reserved for, from the system message's and the history's it read. */
export function promptTokensOf(costing: PromptCosting, systemTokens: number, history: readonly { tokens: number }[]): number {
  return history.reduce((sum, m) => sum + m.tokens + costing.perMessageTokens, costing.basePromptTokens + systemTokens);
}

/** The messages to send upstream: the system message (with the user's preferences), the history picked (oldest first), then a new turn. */
export function buildPrompt(history: readonly Pick<MessageRow, 'role' | 'content'>[], newTurn: string | null, preferences: Preferences): PromptMessage[] {
  const turns = history.map((m) => ({ role: m.role, content: m.content }));
  return [{ role: 'system', content: systemMessage(preferences) }, ...turns, ...(newTurn === null ? [] : [{ role: 'user' as const, content: newTurn }])];
}

import type { PromptMessage } from '../chat/context';
import type { Config } from '../config';
import type { Candidate } from './candidates';
import type { UpstreamPlan } from './upstream';

/** What an admitted answer says about its upstream call. */
export type UpstreamTerms = { candidates: Candidate[]; prompt: PromptMessage[]; maxTokens: number; userId: string; traceId: string };

/**
 * The upstream plan of an admitted answer: its candidates and prompt, with the Worker's
 * default base URL, timeouts and retry budget, and its env for the keys (looked up by name
 * when an attempt is made, so a secret set since admission is used).
 */
export function upstreamPlan(terms: UpstreamTerms, config: Pick<Config, 'openaiBaseUrl' | 'upstreamTimeoutMs' | 'upstreamRetryBudgetMs'>, secrets: object): UpstreamPlan {
  return {
    candidates: terms.candidates,
    call: { prompt: terms.prompt, maxTokens: terms.maxTokens, defaultBaseUrl: config.openaiBaseUrl, secrets, metadata: { userId: terms.userId, traceId: terms.traceId } },
    timeoutMs: config.upstreamTimeoutMs,
    budgetMs: config.upstreamRetryBudgetMs,
  };
}

/**
 * The parts of OpenAI's chat completions wire format the Worker reads and writes; every
 * provider here speaks it (OpenAI, AI Gateway's `/openai` and `/compat` endpoints, the fake).
 */

/** Token counts of one answer, the stream's last chunk when `stream_options.include_usage` is set. */
export type CompletionUsage = { prompt_tokens: number; completion_tokens: number; total_tokens?: number };

/** One `data:` event of a streamed chat completion. */
export type ChatCompletionChunk = {
  choices: { index?: number; delta: { content?: string | null; role?: string }; finish_reason?: string | null }[];
  usage?: CompletionUsage | null;
};

/** The request body of a streamed chat completion. */
export type ChatCompletionRequest = {
  model: string;
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  stream: true;
  stream_options: { include_usage: true };
  max_completion_tokens: number;
};

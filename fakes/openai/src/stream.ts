import { randomBytes } from 'node:crypto';
import type { OpenAIErrorBody } from './errors';

export type FinishReason = 'stop' | 'length';
export type Usage = { prompt_tokens: number; completion_tokens: number; total_tokens: number };

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
} as const;

export const DONE_FRAME = 'data: [DONE]\n\n';

/** Lines an upstream proxy in trouble might send: `data:` frames the SDK cannot parse. */
export const GARBAGE_FRAMES = ['data: {"id": "chatcmpl-broken", "choices": [\n\n', 'data: <html><body>502 Bad Gateway</body></html>\n\n'];

/** A fixed fingerprint: real ones identify the backend build, which a fake does not have. */
export const SYSTEM_FINGERPRINT = 'fp_fake0001';

export function completionId(): string {
  return `chatcmpl-${randomBytes(18).toString('base64url')}`;
}

export function usage(promptTokens: number, completionTokens: number): Usage {
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

function frame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

export function errorFrame(body: OpenAIErrorBody): string {
  return frame(body);
}

/** The `data:` frames of one streamed `chat.completion.chunk` sequence; they share id, created and model. */
export class ChunkFramer {
  private readonly id = completionId();
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(
    private readonly model: string,
    private readonly includeUsage: boolean,
  ) {}

  role(): string {
    return this.chunk({ role: 'assistant', content: '' }, null);
  }

  content(text: string): string {
    return this.chunk({ content: text }, null);
  }

  finish(reason: FinishReason): string {
    return this.chunk({}, reason);
  }

  /** The closing usage chunk; only sent when the request asked for `include_usage`. */
  usage(value: Usage): string {
    return frame({ ...this.head(), choices: [], usage: value });
  }

  private head() {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, system_fingerprint: SYSTEM_FINGERPRINT };
  }

  private chunk(delta: Record<string, string>, finishReason: FinishReason | null): string {
    const choices = [{ index: 0, delta, logprobs: null, finish_reason: finishReason }];
    // With include_usage, OpenAI marks every chunk before the usage chunk as having none yet.
    return frame(this.includeUsage ? { ...this.head(), choices, usage: null } : { ...this.head(), choices });
  }
}

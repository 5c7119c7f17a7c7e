import type { PromptMessage } from '../chat/context';
import type { Candidate } from './candidates';
import { retryAfterMs, type AttemptFailure } from './retry-policy';
import type { ChatCompletionRequest } from './wire';

/** An attempt that got no answer to stream; `failure` says why. */
export class AttemptFailed extends Error {
  override readonly name = 'AttemptFailed';
  constructor(readonly failure: AttemptFailure) {
    super(`upstream attempt failed: ${failure.label}`);
  }
}

/** What one attempt sends, whichever candidate it goes to. */
export type CompletionCall = {
  prompt: PromptMessage[];
  /** The answer budget the reservation holds; a candidate with a smaller maximum gets that. */
  maxTokens: number;
  /** The Worker's `OPENAI_BASE_URL`: where a provider without a base URL is. */
  defaultBaseUrl: string;
  /** The Worker's env, where a provider's key is looked up by its secret's name. */
  secrets: object;
  /** Sent to AI Gateway as `cf-aig-metadata`, so its logs, analytics and guardrails work per user. */
  metadata: { userId: string; traceId: string };
};

/** The provider's key: a non-empty string under the name the provider row gives, else a `missing_secret` failure. */
function keyOf(c: Candidate, secrets: CompletionCall['secrets']): string {
  const key: unknown = Reflect.get(secrets, c.apiKeySecret);
  if (typeof key !== 'string' || key.trim() === '') throw new AttemptFailed({ kind: 'missing_secret', label: 'missing_secret', secret: c.apiKeySecret });
  return key;
}

/** The request to `candidate`: its base URL, key, extra headers and model name; AI Gateway also gets the user and trace. */
export function completionRequest(c: Candidate, call: CompletionCall): { url: string; init: RequestInit } {
  const key = keyOf(c, call.secrets);
  const headers = new Headers(c.extraHeaders);
  headers.set('Authorization', `Bearer ${key}`);
  headers.set('Content-Type', 'application/json');
  headers.set('Accept', 'text/event-stream');
  // Flat string values only: AI Gateway keeps up to five entries and no objects.
  if (c.kind === 'ai_gateway') headers.set('cf-aig-metadata', JSON.stringify({ userId: call.metadata.userId, traceId: call.metadata.traceId }));
  const body: ChatCompletionRequest = {
    model: c.upstreamModel,
    messages: call.prompt,
    stream: true,
    stream_options: { include_usage: true },
    max_completion_tokens: Math.min(call.maxTokens, c.maxOutputTokens),
  };
  const base = (c.baseUrl ?? call.defaultBaseUrl).replace(/\/+$/, '');
  return { url: `${base}/chat/completions`, init: { method: 'POST', headers, body: JSON.stringify(body) } };
}

/**
 * Sends one streamed chat completion to `candidate` and returns the response once its status
 * says the answer is coming (2xx). Throws `AttemptFailed` for a missing key, a connection
 * that failed, or an error status (its body is read and dropped: it may echo the key, masked
 * or not, and is never shown or logged). An abort of `signal` rejects with the runtime's abort error.
 */
export async function openCompletion(c: Candidate, call: CompletionCall, signal: AbortSignal): Promise<Response> {
  const { url, init } = completionRequest(c, call);
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal });
  } catch (err) {
    if (signal.aborted) throw err;
    throw new AttemptFailed({ kind: 'connect', label: 'connect' });
  }
  if (res.ok) return res;
  await res.body?.cancel().catch(() => undefined);
  throw new AttemptFailed({ kind: 'status', label: String(res.status), status: res.status, retryAfterMs: retryAfterMs(res.headers.get('retry-after'), Date.now()) });
}

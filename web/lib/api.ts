/**
 * The browser's client of the BFF (`/api/*`). Every answer is validated; every failure is an
 * `ApiError` carrying the contract's code and trace id, `network` when the request never
 * got an answer.
 */
import type { z } from 'zod/mini';
import { ApiError } from './errors';
import { ApiErrorBody, Confirmation, ConversationDetail, ConversationPage, Models, Order, Payments, Plans, Profile, StopResult, SubscriptionState, Usage } from './schemas';

export { ApiError };

/** True for an abort the user caused (stop button, navigation). */
export function isAbortError(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

export async function send(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('Accept', headers.get('Accept') ?? 'application/json');
  if (init.body !== undefined) headers.set('Content-Type', 'application/json');
  let res: Response;
  try {
    res = await fetch(`/api${path}`, { ...init, headers, credentials: 'same-origin', cache: 'no-store' });
  } catch (err) {
    if (isAbortError(err)) throw err;
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err), '');
  }
  if (!res.ok) throw await errorFrom(res);
  return res;
}

async function errorFrom(res: Response): Promise<ApiError> {
  const traceId = res.headers.get('X-Trace-Id') ?? '';
  const parsed = ApiErrorBody.safeParse(await res.json().catch(() => null));
  if (parsed.success) return new ApiError(res.status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.traceId || traceId);
  return new ApiError(res.status, 'unknown', `HTTP ${res.status}`, traceId);
}

export async function json<T>(path: string, schema: z.ZodMiniType<T>, init?: RequestInit): Promise<T> {
  const res = await send(path, init);
  return schema.parse(await res.json());
}

/** What starts an answer: a new message, or the last message of a conversation answered (again). */
export type StreamRequest =
  | { kind: 'send'; conversationId: string | null; content: string; model: string | null }
  | { kind: 'answer'; conversationId: string; model: string | null; regenerate: boolean };

export const api = {
  me: () => json('/me', Profile),
  models: () => json('/models', Models),
  usage: () => json('/usage', Usage),
  completeOnboarding: (input: { name: string; acceptTerms: true; locale: 'ko' | 'en' }) =>
    json('/me/onboarding', Profile, { method: 'POST', body: JSON.stringify(input) }),
  conversations: (cursor: string | null) => json(`/conversations?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, ConversationPage),
  conversation: (id: string) => json(`/conversations/${encodeURIComponent(id)}`, ConversationDetail),
  renameConversation: async (id: string, title: string) => {
    await send(`/conversations/${encodeURIComponent(id)}`, { method: 'PATCH', body: JSON.stringify({ title }) });
  },
  deleteConversation: async (id: string) => {
    await send(`/conversations/${encodeURIComponent(id)}`, { method: 'DELETE' });
  },
  plans: () => json('/billing/plans', Plans),
  subscription: () => json('/billing/subscription', SubscriptionState),
  payments: () => json('/billing/payments', Payments),
  createOrder: (planId: string) => json('/billing/orders', Order, { method: 'POST', body: JSON.stringify({ planId }) }),
  confirmPayment: (input: { paymentKey: string; orderId: string; amount: number }) =>
    json('/billing/confirm', Confirmation, { method: 'POST', body: JSON.stringify(input) }),
  startSubscription: (input: { authKey: string; customerKey: string; planId: string }) =>
    json('/billing/billing-key', SubscriptionState, { method: 'POST', body: JSON.stringify(input) }),
  cancelSubscription: () => json('/billing/subscription/cancel', SubscriptionState, { method: 'POST' }),
  /** Opens the answer's event stream: POST for a new message, GET (EventSource-style) to answer again. */
  openStream: (request: StreamRequest, signal: AbortSignal): Promise<Response> => {
    const init: RequestInit = { signal, headers: { Accept: 'text/event-stream' } };
    if (request.kind === 'send') {
      const body = { content: request.content, ...(request.conversationId ? { convId: request.conversationId } : {}), ...(request.model ? { model: request.model } : {}) };
      return send('/ai/stream', { ...init, method: 'POST', body: JSON.stringify(body) });
    }
    const query = new URLSearchParams({ convId: request.conversationId });
    if (request.model) query.set('model', request.model);
    if (request.regenerate) query.set('regenerate', '1');
    return send(`/ai/stream?${query}`, init);
  },
  /** Follows a generation: every event after seq `after`, then the live ones until its end. */
  followGeneration: (generationId: string, after: number, signal: AbortSignal): Promise<Response> =>
    send(`/ai/generations/${encodeURIComponent(generationId)}/stream`, { signal, headers: { Accept: 'text/event-stream', 'Last-Event-ID': String(after) } }),
  /** Ends a generation for every tab following it; its partial answer is kept. Idempotent. */
  stopGeneration: (generationId: string) => json(`/ai/generations/${encodeURIComponent(generationId)}/stop`, StopResult, { method: 'POST' }),
};

/**
 * The browser's client of the BFF (`/api/*`), typed from the Worker's OpenAPI document
 * (`@chat/contract/api`). Every failure is an `ApiError` carrying the contract's code and
 * trace id, `network` when the request never got an answer.
 */
import type { BillingKeyRequest, ConfirmRequest, OnboardingRequest, paths, Preferences } from '@chat/contract/api';
import createClient from 'openapi-fetch';
import { ApiError, apiErrorFrom, bodyOf, type PendingAnswer } from './errors';

export { ApiError };

/** True for an abort the user caused (stop button, navigation). */
export function isAbortError(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

async function fetchOrNetworkError(input: Request | string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch (err) {
    if (isAbortError(err)) throw err;
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err), '');
  }
}

const failure = (status: number) => ({ code: 'unknown', message: `HTTP ${status}` });

export async function send(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('Accept', headers.get('Accept') ?? 'application/json');
  if (init.body !== undefined) headers.set('Content-Type', 'application/json');
  const res = await fetchOrNetworkError(`/api${path}`, { ...init, headers, credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok) throw apiErrorFrom(res, await res.json().catch(() => null), failure(res.status));
  return res;
}

/** The BFF's routes are the Worker's, under `/api`. */
export const client = createClient<paths>({
  baseUrl: '/api',
  headers: { Accept: 'application/json' },
  credentials: 'same-origin',
  cache: 'no-store',
  fetch: (request) => fetchOrNetworkError(request),
});

/**
 * The body of a successful answer; a failed one throws its `ApiError`.
 *
 * @example const me = await answer(client.GET('/me'))
 */
export function answer<T>(pending: PendingAnswer<T>): Promise<T> {
  return bodyOf(pending, failure);
}

/** What starts an answer: a new message (with `editOf`, a new version of that user message), or the last message of a conversation answered (again). */
export type StreamRequest =
  | { kind: 'send'; conversationId: string | null; content: string; model: string | null; editOf?: string }
  | { kind: 'answer'; conversationId: string; model: string | null; regenerate: boolean };

const conversation = (id: string) => ({ params: { path: { id } } });

export const api = {
  me: () => answer(client.GET('/me')),
  models: () => answer(client.GET('/models')),
  usage: () => answer(client.GET('/usage')),
  completeOnboarding: (body: OnboardingRequest) => answer(client.POST('/me/onboarding', { body })),
  /** Ends every web session of the account (sign out everywhere). */
  endSessions: () => answer(client.POST('/me/sessions/end')),
  conversations: (cursor: string | null) => answer(client.GET('/conversations', { params: { query: { limit: 20, ...(cursor ? { cursor } : {}) } } })),
  /** The conversation with its newest page of messages, or with the page before `before` (an `olderCursor`). */
  conversation: (id: string, before?: string) => answer(client.GET('/conversations/{id}', { params: { path: { id }, query: before ? { before } : {} } })),
  renameConversation: async (id: string, title: string) => {
    await answer(client.PATCH('/conversations/{id}', { ...conversation(id), body: { title } }));
  },
  deleteConversation: async (id: string) => {
    await answer(client.DELETE('/conversations/{id}', conversation(id)));
  },
  /** Conversations whose title or messages contain every word of `q`, each with its matching snippet. */
  searchConversations: (q: string) => answer(client.GET('/conversations', { params: { query: { q, limit: 20 } } })),
  /** Switches the conversation to the version `messageId` (and its newest descendants); the conversation as it now reads. */
  selectVersion: (id: string, messageId: string) => answer(client.POST('/conversations/{id}/select', { ...conversation(id), body: { messageId } })),
  deleteAllConversations: () => answer(client.DELETE('/conversations', { params: { query: { all: 'true' } } })),
  /** Where the browser downloads a conversation's selected path (the Worker names the file). */
  exportUrl: (id: string, format: 'md' | 'json') => `/api/conversations/${encodeURIComponent(id)}/export?format=${format}`,
  preferences: () => answer(client.GET('/me/preferences')),
  savePreferences: (body: Preferences) => answer(client.PUT('/me/preferences', { body })),
  plans: () => answer(client.GET('/billing/plans')),
  subscription: () => answer(client.GET('/billing/subscription')),
  payments: () => answer(client.GET('/billing/payments')),
  createOrder: (planId: string) => answer(client.POST('/billing/orders', { body: { planId } })),
  confirmPayment: (body: ConfirmRequest) => answer(client.POST('/billing/confirm', { body })),
  startSubscription: (body: BillingKeyRequest) => answer(client.POST('/billing/billing-key', { body })),
  cancelSubscription: () => answer(client.POST('/billing/subscription/cancel')),
  /** Opens the answer's event stream: POST for a new message, GET (EventSource-style) to answer again. */
  openStream: (request: StreamRequest, signal: AbortSignal): Promise<Response> => {
    const init: RequestInit = { signal, headers: { Accept: 'text/event-stream' } };
    if (request.kind === 'send') {
      const body = {
        content: request.content,
        ...(request.conversationId ? { convId: request.conversationId } : {}),
        ...(request.model ? { model: request.model } : {}),
        ...(request.editOf ? { editOf: request.editOf } : {}),
      };
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
  stopGeneration: (generationId: string) => answer(client.POST('/ai/generations/{id}/stop', { params: { path: { id: generationId } } })),
};

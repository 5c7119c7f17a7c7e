import type { z } from 'zod/mini';
import { getBindings, readEnv } from './platform';
import { ApiError } from './errors';
import { ApiErrorBody } from './schemas';

/** Where the Worker listens when no service binding is there (`wrangler dev`'s default). */
const DEFAULT_WORKER_URL = 'http://127.0.0.1:8787';

/** `RequestInit` with the streaming-upload flag that DOM typings do not know yet. */
export type WorkerRequestInit = RequestInit & { duplex?: 'half' };

/**
 * Sends a request to the Worker: through the `API` service binding when deployed, else to
 * `WORKER_API_URL`. `path` includes the query string. The only way the app reaches the Worker.
 *
 * @example await callWorker('/me', { headers: { Authorization: `Bearer ${token}` } })
 */
export function callWorker(path: string, init: WorkerRequestInit): Promise<Response> {
  const binding = getBindings().api;
  if (binding) {
    // The host is ignored by a service binding; the path and query are what route.
    return binding.fetch(new Request(`https://api.internal${path}`, init));
  }
  const base = (readEnv('WORKER_API_URL') ?? DEFAULT_WORKER_URL).replace(/\/+$/, '');
  return fetch(`${base}${path}`, init);
}

/**
 * A server-side JSON call to the Worker with a bearer token, its answer validated.
 *
 * @example const me = await workerJson('/me', { token }, Profile)
 */
export async function workerJson<T>(
  path: string,
  request: { token: string; method?: string; body?: unknown },
  schema: z.ZodMiniType<T>,
): Promise<T> {
  const headers: Record<string, string> = { Authorization: `Bearer ${request.token}`, Accept: 'application/json' };
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await callWorker(path, {
    method: request.method ?? 'GET',
    headers,
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
  });
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const parsed = ApiErrorBody.safeParse(json);
    const traceId = res.headers.get('X-Trace-Id') ?? '';
    if (parsed.success) throw new ApiError(res.status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.traceId || traceId);
    throw new ApiError(res.status, 'upstream_error', `The API answered ${res.status}`, traceId);
  }
  return schema.parse(json);
}

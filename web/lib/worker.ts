import type { paths } from '@chat/contract/api';
import createClient from 'openapi-fetch';
import { bodyOf, type PendingAnswer } from './errors';
import { getBindings, readEnv } from './platform';

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

/** The host of the Worker's URLs; ignored, since `callWorker` routes by path and query. */
const WORKER_ORIGIN = 'https://api.internal';

/**
 * The Worker's API for server-side calls with a bearer token, typed from its OpenAPI
 * document (`@chat/contract/api`).
 *
 * @example const me = await workerAnswer(workerApi(token).GET('/me'))
 */
export function workerApi(token: string) {
  return createClient<paths>({
    baseUrl: WORKER_ORIGIN,
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    fetch: async (request) => {
      const url = new URL(request.url);
      const body = request.body === null ? undefined : await request.text();
      return callWorker(`${url.pathname}${url.search}`, { method: request.method, headers: request.headers, body });
    },
  });
}

/** The body of a successful Worker answer; a failed one throws its `ApiError`. */
export function workerAnswer<T>(pending: PendingAnswer<T>): Promise<T> {
  return bodyOf(pending, (status) => ({ code: 'upstream_error', message: `The API answered ${status}` }));
}

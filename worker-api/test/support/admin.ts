import { env, SELF } from 'cloudflare:test';
import { authed, sign, USER_SCOPES, type TestKey } from './tokens';
import { newUser } from './users';

export const ADMIN_SCOPES = ['admin:read', 'admin:write'];
const API = 'https://api.test';

/** A user whose D1 row and token both say admin. */
export async function newAdmin(key: TestKey): Promise<{ id: string; token: string }> {
  const { id } = await newUser(key);
  await env.DB.prepare(`UPDATE users SET roles = '["user","admin"]' WHERE id = ?`).bind(id).run();
  return { id, token: await sign(key, { sub: id, roles: ['user', 'admin'], scopes: [...USER_SCOPES, ...ADMIN_SCOPES] }) };
}

/** A request to the Worker as `token` (none when null), with a JSON body when given. */
export function call(token: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const init: RequestInit = { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
  if (body !== undefined) (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
  return SELF.fetch(`${API}${path}`, token ? authed(token, init) : init);
}

export type UsageInsert = {
  userId: string;
  createdAt: number;
  model?: string;
  promptTokens?: number;
  completionTokens?: number;
  status?: 'ok' | 'aborted' | 'error' | 'rejected';
  errorCode?: string | null;
  ttftMs?: number | null;
  traceId?: string;
  providerId?: string | null;
  costMicros?: number;
  costCurrency?: string | null;
};

let usageRows = 0;

/** A usage_events row as the stream would have settled it; returns its id. */
export async function insertUsage(row: UsageInsert): Promise<string> {
  const id = `req_t${Date.now().toString(36)}${(++usageRows).toString(36).padStart(6, '0')}`;
  const prompt = row.promptTokens ?? 0;
  const completion = row.completionTokens ?? 0;
  await env.DB.prepare(
    `INSERT INTO usage_events (id, user_id, trace_id, conversation_id, message_id, model, prompt_tokens, completion_tokens, total_tokens, estimated, status, error_code, ttft_ms, duration_ms, created_at, provider_id, cost_micros, cost_currency)
     VALUES (?, ?, ?, NULL, NULL, ?, ?, ?, ?, 0, ?, ?, ?, 100, ?, ?, ?, ?)`,
  )
    .bind(
      id,
      row.userId,
      row.traceId ?? `trace-${id}`,
      row.model ?? 'gpt-4o-mini',
      prompt,
      completion,
      prompt + completion,
      row.status ?? 'ok',
      row.errorCode ?? null,
      row.ttftMs ?? null,
      row.createdAt,
      row.providerId ?? null,
      row.costMicros ?? 0,
      row.costCurrency ?? null,
    )
    .run();
  return id;
}

let namedAccounts = 0;

/** A new user with an email and a name, provisioned as the web app would, with a user token. */
export async function newNamedUser(key: TestKey, email: string, name: string): Promise<{ id: string; token: string }> {
  const service = await sign(key, { sub: 'svc:web', scopes: ['users:provision'] });
  const res = await call(service, 'POST', '/internal/users/provision', { provider: 'kakao', providerAccountId: `named-${Date.now()}-${++namedAccounts}`, email, name });
  if (res.status !== 200) throw new Error(`provision failed: ${res.status} ${await res.text()}`);
  const { id } = await res.json<{ id: string }>();
  return { id, token: await sign(key, { sub: id }) };
}

/** A short random tag, to give each test its own emails and names. */
export function unique(): string {
  return crypto.randomUUID().replaceAll('-', '').slice(0, 10);
}

/** The JSON body of a response that must have `status`; anything else fails with the body. */
export async function ok<T>(res: Response, status = 200): Promise<T> {
  if (res.status !== status) throw new Error(`${res.status} instead of ${status}: ${await res.text()}`);
  return res.json<T>();
}

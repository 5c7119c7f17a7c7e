import { Agent, request } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { faultStack, SHORT, usersOf } from './support/fault-stack';

/**
 * Every route the Worker documents in GET /openapi.json, fed malformed JSON, wrong types,
 * bodies over the 256 KB limit, odd unicode, bad ids and bad query strings, with and
 * without a token (contract section 5: bad input is a 400 naming the field, never a 500).
 */
const stack = faultStack();
// An admin with every user scope, so probes reach each route's validation and handler.
const { token } = usersOf('fuzz')[0]!;

type Schema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  minLength?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};
type Parameter = { name: string; in: 'path' | 'query' | 'header' | 'cookie'; schema?: Schema };
type Operation = { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } };
type OpenApi = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };

type Probe = { label: string; method: string; path: string; body?: string; contentType?: string; auth: boolean };
type Seen = Probe & { status: number; snippet: string };

const HUGE = 'x'.repeat(300 * 1024);
const ODD_STRINGS = ['', ' ', '한글 메시지 😀', '\u0000\u0001', '\ud800', 'a'.repeat(70_000), "' OR 1=1 --", '<script>alert(1)</script>', '../../etc/passwd', '%00'];
const ODD_VALUES: unknown[] = SHORT
  ? [123, null, [], {}, true, '한글 😀', 'a'.repeat(70_000)]
  : [123, -1, 1e308, 0.5, true, null, [], {}, [1, 2], { nested: { deep: true } }, ...ODD_STRINGS];
const BAD_IDS = ['nope', 'x'.repeat(400), '%ZZ', '%00', encodeURIComponent('한글😀'), encodeURIComponent("' OR 1=1 --"), '..%2F..%2Fhealth', '-1'];
const BAD_QUERY_VALUES = ['', 'abc', '-1', '1e309', '99999999999999999999999', '%ZZ', encodeURIComponent('한글😀'), 'null', '[]', '2026-13-45'];
const RAW_BODIES = ['{', 'null', '[]', '"text"', '123', '{"a":', '\u0000', '{"__proto__":{"admin":true}}', `${'['.repeat(3000)}${']'.repeat(3000)}`, `{"content":"${HUGE}"}`];

const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
let spec: OpenApi;

beforeAll(async () => {
  spec = (await (await fetch(`${stack.workerUrl}/openapi.json`)).json()) as OpenApi;
});

function resolve(schema: Schema | undefined): Schema {
  if (!schema?.$ref) return schema ?? {};
  const name = schema.$ref.split('/').at(-1) ?? '';
  return resolve(spec.components?.schemas?.[name]);
}

/** A plausible valid value for a schema: the base each probe changes one field of. */
function example(raw: Schema | undefined, depth = 0): unknown {
  const schema = resolve(raw);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const choice = schema.anyOf ?? schema.oneOf;
  if (choice?.length) return example(choice.find((s) => resolve(s).type !== 'null') ?? choice[0], depth);
  if (schema.allOf?.length) return Object.assign({}, ...schema.allOf.map((s) => example(s, depth) as object));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      if (schema.format === 'email') return 'fuzz@example.com';
      if (schema.format === 'uri' || schema.format === 'url') return 'https://example.com/x';
      if (schema.format === 'date-time') return new Date().toISOString();
      return 'fuzz value'.padEnd(schema.minLength ?? 0, 'z');
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
    default: {
      if (depth > 4) return {};
      const out: Record<string, unknown> = {};
      for (const [name, prop] of Object.entries(schema.properties ?? {})) out[name] = example(prop, depth + 1);
      return out;
    }
  }
}

function probesFor(path: string, method: string, op: Operation): Probe[] {
  const upper = method.toUpperCase();
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const fill = (id: string) => path.replace(/\{[^}]+\}/g, id);
  const basePath = fill('nonexistent_fuzz');
  const baseQuery = queryParams.map((q) => `${q.name}=${encodeURIComponent(String(example(q.schema)))}`).join('&');
  const at = (p: string, query = baseQuery) => (query ? `${p}?${query}` : p);
  const jsonSchema = op.requestBody?.content?.['application/json']?.schema;
  const baseBody = jsonSchema ? (example(jsonSchema) as Record<string, unknown>) : undefined;
  const body = baseBody === undefined ? undefined : JSON.stringify(baseBody);
  const probes: Probe[] = [
    { label: 'as documented', method: upper, path: at(basePath), body, auth: true },
    { label: 'no token', method: upper, path: at(basePath), body, auth: false },
  ];
  for (const id of pathParams.length ? BAD_IDS : []) probes.push({ label: `path id ${id.slice(0, 20)}`, method: upper, path: at(fill(id)), body, auth: true });
  for (const q of queryParams) {
    for (const value of BAD_QUERY_VALUES) probes.push({ label: `query ${q.name}=${value.slice(0, 20)}`, method: upper, path: `${basePath}?${q.name}=${value}`, body, auth: true });
    probes.push({ label: `query ${q.name} twice`, method: upper, path: `${basePath}?${q.name}=1&${q.name}=2`, body, auth: true });
  }
  probes.push({ label: 'junk query string', method: upper, path: `${basePath}?%E0%A4%A=1&&=&[]=x&a[b]=c`, body, auth: true });
  if (baseBody !== undefined) {
    for (const raw of RAW_BODIES) probes.push({ label: `raw body ${raw.slice(0, 16)}`, method: upper, path: at(basePath), body: raw, auth: true });
    probes.push({ label: 'JSON as text/plain', method: upper, path: at(basePath), body, contentType: 'text/plain', auth: true });
    probes.push({ label: 'no content type', method: upper, path: at(basePath), body, contentType: '', auth: true });
    const fields = typeof baseBody === 'object' && baseBody !== null ? Object.keys(baseBody) : [];
    for (const field of fields) {
      for (const value of ODD_VALUES) probes.push({ label: `${field}=${JSON.stringify(value)?.slice(0, 20)}`, method: upper, path: at(basePath), body: JSON.stringify({ ...baseBody, [field]: value }), auth: true });
      const { [field]: _dropped, ...without } = baseBody;
      probes.push({ label: `without ${field}`, method: upper, path: at(basePath), body: JSON.stringify(without), auth: true });
    }
    probes.push({ label: 'unknown field', method: upper, path: at(basePath), body: JSON.stringify({ ...baseBody, unexpected: 'field' }), auth: true });
  }
  return probes;
}

/** One probe over a fresh connection (no keep-alive race to blame on the server); status 0 is a transport error. */
function send(probe: Probe): Promise<Seen> {
  const headers: Record<string, string> = {};
  if (probe.auth) headers.Authorization = `Bearer ${token}`;
  if (probe.body !== undefined && probe.contentType !== '') headers['Content-Type'] = probe.contentType ?? 'application/json';
  return new Promise((resolve) => {
    const req = request(`${stack.workerUrl}${probe.path}`, { method: probe.method, headers, agent, timeout: 30_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      // Streams (POST /ai/stream with a valid body) end on their own: the fake answers quickly.
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ ...probe, status: res.statusCode ?? 0, snippet: text.slice(0, 160) }));
      res.on('error', (err) => resolve({ ...probe, status: res.statusCode ?? 0, snippet: `response error: ${err.message}` }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer in 30 s')));
    req.on('error', (err) => resolve({ ...probe, status: 0, snippet: `transport error: ${err.message}` }));
    req.end(probe.body);
  });
}

describe('fuzzing every documented route', () => {
  it('never answers 500', async () => {
    const probes: Probe[] = [];
    for (const [path, methods] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        probes.push(...probesFor(path, method, op));
      }
      // A method the route does not have.
      const missing = ['PUT', 'DELETE', 'PATCH'].find((m) => !methods[m.toLowerCase()]);
      if (missing) probes.push({ label: `method ${missing}`, method: missing, path: path.replace(/\{[^}]+\}/g, 'x'), auth: true });
    }
    expect(Object.keys(spec.paths).length).toBeGreaterThan(10);

    const seen: Seen[] = [];
    const queue = [...probes];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let probe = queue.shift(); probe; probe = queue.shift()) seen.push(await send(probe));
      }),
    );
    const statuses = new Map<number, number>();
    for (const s of seen) statuses.set(s.status, (statuses.get(s.status) ?? 0) + 1);
    console.log(`route fuzz: ${seen.length} requests over ${Object.keys(spec.paths).length} paths; statuses ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')}`);

    const describeSeen = (s: Seen) => `${s.status} ${s.method} ${s.path.slice(0, 80)} (${s.label}): ${s.snippet}`;
    expect(seen.filter((s) => s.status >= 500).map(describeSeen)).toEqual([]);
    // Every probe gets an answer. A body over the limit may be cut off while it is still being
    // sent (the 413 goes out before the upload ends), so there a reset is an answer too.
    const huge = (s: Seen) => s.label.startsWith('raw body {"content"');
    expect(seen.filter((s) => s.status === 0 && !huge(s)).map(describeSeen)).toEqual([]);
    // Bodies over the limit are refused as such, not parsed.
    expect(seen.filter((s) => huge(s) && s.status !== 413 && s.status !== 0).map(describeSeen)).toEqual([]);
  });
});

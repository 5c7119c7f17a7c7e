import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export const SECRET = 'test_sk_fake_secret';
export const CLIENT_KEY = 'test_ck_fake_client';

export const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

type Json = Record<string, unknown>;

/** A call to the fake's `/v1` API with the test secret key. */
export async function api(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: basic(SECRET), 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

/** A call to a `/__fake` control. */
export async function control(base: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Json;
  if (!res.ok) throw new Error(`${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export async function session(
  base: string,
  input: { orderId: string; amount: number; method: string; orderName?: string; customerKey?: string },
): Promise<string> {
  const { paymentKey } = await control(base, 'POST', '/__fake/sessions', { orderName: '프로 요금제 1개월', ...input });
  return paymentKey as string;
}

export type Receiver = {
  url: string;
  received: Json[];
  /** Status to answer each next request with; 200 once the list is used up. */
  plan: number[];
  close(): Promise<void>;
};

/** A local webhook endpoint that records what it gets. */
export async function startReceiver(): Promise<Receiver> {
  const received: Json[] = [];
  const plan: number[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json);
      res.writeHead(plan.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/toss`,
    received,
    plan,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

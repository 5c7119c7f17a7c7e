import OpenAI from 'openai';
import { startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions } from '../src/server';

export const KEY = 'sk-test-key';

/** A fake on a free port with fast defaults; `lines` collects what it logs. */
export async function startFake(options: FakeOpenAIOptions = {}): Promise<{ fake: FakeOpenAI; client: OpenAI; lines: string[] }> {
  const lines: string[] = [];
  const fake = await startFakeOpenAI({ port: 0, ttftMs: 5, gapMs: 1, tokens: 6, log: (line) => lines.push(line), ...options });
  // No retries: a test that provokes a 429 or 500 wants to see it, not wait out the back-off.
  const client = new OpenAI({ apiKey: options.apiKey ?? KEY, baseURL: fake.url, maxRetries: 0, logLevel: 'off' });
  return { fake, client, lines };
}

export function chat(
  fake: FakeOpenAI,
  body: Record<string, unknown> = {},
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(`${fake.url}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }], stream: true, ...body }),
    signal,
  });
}

/** The payloads of an SSE body, checking every frame is exactly `data: …` followed by a blank line. */
export function sseData(text: string): string[] {
  if (!text.endsWith('\n\n')) throw new Error(`stream does not end with a blank line: ${JSON.stringify(text.slice(-40))}`);
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((frame) => {
      if (!frame.startsWith('data: ') || frame.includes('\n')) throw new Error(`not a data frame: ${JSON.stringify(frame)}`);
      return frame.slice('data: '.length);
    });
}

export type Chunk = {
  id: string;
  object: string;
  created: number;
  model: string;
  system_fingerprint: string;
  choices: { index: number; delta: Record<string, unknown>; logprobs: null; finish_reason: string | null }[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
};

export async function chunksOf(res: Response): Promise<{ chunks: Chunk[]; done: boolean }> {
  const data = sseData(await res.text());
  const done = data.at(-1) === '[DONE]';
  return { chunks: (done ? data.slice(0, -1) : data).map((d) => JSON.parse(d) as Chunk), done };
}

export async function control(fake: FakeOpenAI, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${new URL(fake.url).origin}/__fake/${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/** Polls until `check` passes: the fake learns about a client abort a moment after the client acts. */
export async function eventually(check: () => void, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

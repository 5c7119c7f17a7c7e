import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidRequest, OpenAIHttpError } from './errors';

/** Chat bodies in tests are small; a cap keeps a runaway client from filling memory. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** The request's JSON body, `undefined` when empty; anything unparsable is OpenAI's 400. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new OpenAIHttpError(413, 'invalid_request_error', null, `Request body over ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidRequest(
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
    );
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export function sendError(res: ServerResponse, error: OpenAIHttpError, headers: Record<string, string> = {}): void {
  sendJson(res, error.status, error.body(), { ...error.headers, ...headers });
}

import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { faultStack, usersOf } from './support/fault-stack';

/**
 * A refusal decided before the body is read must not leave the upload hanging: under
 * `wrangler dev`, a chunked upload over the body limit answered 413 and the next request,
 * anyone's, then waited about ten seconds.
 */
const stack = faultStack();
const { token } = usersOf('fuzz')[0]!;
// One socket, kept alive: the next request rides the connection the refused upload used.
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/**
 * Sends `chunks` of `chunk` as a chunked body, writing until the server answers, and resolves
 * with the status; or with 'reset' when the server closed the connection on the upload first.
 * A server that refuses a body it has not read closes the connection with the body unread,
 * and the kernel then answers the next chunk with a reset that can take the refusal's bytes
 * with it: under `wrangler dev` on a loaded machine a quarter of the uploads ended so, which
 * curl or a browser reports the same way. `auth`: the request's credentials (none, for a 401).
 * `declared`: send a `Content-Length` (the whole upload's) instead of chunked encoding.
 */
function chunkedUpload(path: string, chunk: string, chunks: number, auth: Record<string, string> = { Authorization: `Bearer ${token}` }, declared = false): Promise<number | 'reset'> {
  return new Promise((resolve, reject) => {
    let status: number | undefined;
    const req = request(
      `${stack.workerUrl}${path}`,
      { method: 'POST', agent, headers: { ...auth, 'Content-Type': 'application/json', ...(declared ? { 'Content-Length': String(chunk.length * chunks) } : {}) }, timeout: 30_000 },
      (res) => {
        status = res.statusCode ?? 0;
        res.resume();
        res.on('end', () => resolve(status ?? 0));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (status !== undefined) resolve(status);
      else if (err.code === 'EPIPE' || err.code === 'ECONNRESET') resolve('reset');
      else reject(err);
    });
    req.on('timeout', () => req.destroy(new Error('upload timed out')));
    // One chunk per turn of the event loop, so an answer that arrives mid-upload is read before the next write.
    let sent = 0;
    const write = () => {
      if (status !== undefined || sent === chunks) return void req.end();
      sent++;
      if (req.write(chunk)) setImmediate(write);
      else req.once('drain', write);
    };
    write();
  });
}

async function timed(path: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${stack.workerUrl}${path}`);
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - started };
}

describe('early refusals', () => {
  it('answer an oversized chunked upload 413 without holding the next request', async () => {
    const outcomes: (number | 'reset')[] = [];
    for (let round = 0; round < 10; round++) {
      outcomes.push(await chunkedUpload('/conversations', 'x'.repeat(64 * 1024), 16));
      const next = await timed('/health');
      expect(next.status).toBe(200);
      expect(next.ms).toBeLessThan(3_000);
    }
    // Refused every time: a 413 whenever its bytes arrived before the reset, and never anything else.
    expect(outcomes.filter((o) => o !== 413 && o !== 'reset')).toEqual([]);
    expect(outcomes).toContain(413);
  });

  it('answer an unauthenticated chunked upload 401 without holding the next request', async () => {
    const outcomes: (number | 'reset')[] = [];
    for (let round = 0; round < 5; round++) {
      const started = performance.now();
      outcomes.push(await chunkedUpload('/conversations', 'x'.repeat(200 * 1024), 1, {}));
      const next = await timed('/health');
      expect(next.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(5_000);
    }
    expect(outcomes.filter((o) => o !== 401 && o !== 'reset')).toEqual([]);
    expect(outcomes).toContain(401);
  });

  it('answer an unauthenticated upload of declared length 401 without holding the next request', async () => {
    const outcomes: (number | 'reset')[] = [];
    for (let round = 0; round < 5; round++) {
      const started = performance.now();
      outcomes.push(await chunkedUpload('/conversations', 'x'.repeat(64 * 1024), 3, {}, true));
      const next = await timed('/health');
      expect(next.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(5_000);
    }
    expect(outcomes.filter((o) => o !== 401 && o !== 'reset')).toEqual([]);
    expect(outcomes).toContain(401);
  });
});

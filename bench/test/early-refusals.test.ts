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

/** Sends `chunks` of `chunk` as a chunked body and resolves with the status once answered; keeps writing until the server answers. */
function chunkedUpload(path: string, chunk: string, chunks: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${stack.workerUrl}${path}`,
      { method: 'POST', agent, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, timeout: 30_000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('upload timed out')));
    let sent = 0;
    const write = () => {
      while (sent < chunks) {
        sent++;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      req.end();
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
    for (let round = 0; round < 3; round++) {
      expect(await chunkedUpload('/conversations', 'x'.repeat(64 * 1024), 16)).toBe(413);
      const next = await timed('/health');
      expect(next.status).toBe(200);
      expect(next.ms).toBeLessThan(3_000);
    }
  });

  it('answer an unauthenticated chunked upload 401 without holding the next request', async () => {
    const started = performance.now();
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${stack.workerUrl}/conversations`, { method: 'POST', agent, headers: { 'Content-Type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end('x'.repeat(200 * 1024));
    });
    expect(status).toBe(401);
    const next = await timed('/health');
    expect(next.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

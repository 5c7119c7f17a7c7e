import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ProcessSet, TSX, waitForHttp } from '@chat/ops/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, sql, startD1Host } from '../src/stack';
import { faultStack } from './support/fault-stack';

/**
 * `npm run bench -- --d1 process`: a Worker's D1 binding (workerd's own D1 API module) served
 * by the bench's D1 host in a process of its own, on the local D1 database the stack made.
 * A probe Worker under `run-worker.ts --d1-url` runs the calls the Worker makes: a batch in
 * one transaction, raw rows, a failed batch rolled back whole.
 */
const stack = faultStack();
const processes = new ProcessSet({ logDir: join(stack.logDir, 'd1-host-test') });
let probeUrl = '';

const PROBE = `
export default {
  async fetch(request, env) {
    if (request.method !== 'POST') return new Response('probe');
    const { statements, raw } = await request.json();
    try {
      if (raw) return Response.json(await env.DB.prepare(statements[0].sql).bind(...statements[0].params).raw({ columnNames: true }));
      const results = await env.DB.batch(statements.map((s) => env.DB.prepare(s.sql).bind(...s.params)));
      return Response.json(results.map((r) => ({ results: r.results, changes: r.meta.changes })));
    } catch (err) {
      return Response.json({ error: String(err) }, { status: 500 });
    }
  },
};`;

type Statement = { sql: string; params: unknown[] };

async function probe(statements: Statement[], raw = false): Promise<{ status: number; body: unknown }> {
  const res = await fetch(probeUrl, { method: 'POST', body: JSON.stringify({ statements, raw }) });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  const config = join(ROOT, 'wrangler.toml');
  const host = await startD1Host(processes, config, stack.persistTo);
  const dir = mkdtempSync(join(tmpdir(), 'chat-d1-probe-'));
  const database = /^\[\[d1_databases\]\][\s\S]*?^database_id = .*$/m.exec(readFileSync(config, 'utf8'))?.[0];
  if (!database) throw new Error('wrangler.toml binds no D1 database');
  writeFileSync(join(dir, 'wrangler.toml'), `name = "d1-probe"\nmain = "probe.js"\ncompatibility_date = "2026-08-15"\n\n${database}\n`);
  writeFileSync(join(dir, 'probe.js'), PROBE);
  const port = await freePort();
  const child = processes.start(
    'd1-probe',
    TSX,
    ['bench/src/run-worker.ts', '--name', 'd1-probe', '--config', join(dir, 'wrangler.toml'), '--script', join(dir, 'probe.js'), '--port', String(port), '--persist-to', join(dir, 'state'), '--d1-url', host.url],
    { cwd: ROOT },
  );
  probeUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(probeUrl, 90_000, child);
}, 120_000);
afterAll(() => processes.stopAll());

const INSERT_PLAN = `INSERT INTO plans (id, name, models, max_tokens_per_request, daily_token_quota, monthly_token_quota, concurrent_streams, price_krw, sort_order) VALUES (?, 'D1 host', '["gpt-4o-mini"]', 1, 1, 1, 1, 0, 99)`;

describe('a D1 binding over the bench D1 host', () => {
  it('runs a batch on the local D1 database, which wrangler d1 then reads', async () => {
    const { status, body } = await probe([
      { sql: INSERT_PLAN, params: ['d1-host-plan'] },
      { sql: 'SELECT id, name FROM plans WHERE id = ?', params: ['d1-host-plan'] },
    ]);
    expect(status).toBe(200);
    expect(body).toEqual([
      { results: [], changes: 1 },
      { results: [{ id: 'd1-host-plan', name: 'D1 host' }], changes: 0 },
    ]);
    expect(await sql(stack.persistTo, "SELECT name FROM plans WHERE id = 'd1-host-plan'")).toEqual([{ name: 'D1 host' }]);
  });

  it('gives raw rows with every column, also two of one name', async () => {
    const { body } = await probe([{ sql: 'SELECT id, name, 1 AS name FROM plans WHERE id = ?', params: ['d1-host-plan'] }], true);
    expect(body).toEqual([
      ['id', 'name', 'name'],
      ['d1-host-plan', 'D1 host', 1],
    ]);
  });

  it('rolls a failed batch back whole and says why', async () => {
    const { status, body } = await probe([
      { sql: "UPDATE plans SET name = 'changed' WHERE id = ?", params: ['d1-host-plan'] },
      { sql: INSERT_PLAN, params: ['d1-host-plan'] },
    ]);
    expect(status).toBe(500);
    expect(body).toEqual({ error: expect.stringMatching(/D1_ERROR.*UNIQUE constraint/) });
    expect((await probe([{ sql: 'SELECT name FROM plans WHERE id = ?', params: ['d1-host-plan'] }])).body).toEqual([{ results: [{ name: 'D1 host' }], changes: 0 }]);
  });
});

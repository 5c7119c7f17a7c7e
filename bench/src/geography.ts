/**
 * `npm run bench -- --d1-rtt 0,50,150,250`: simulated geography. On loopback a D1 round trip
 * costs a few milliseconds; for a user far from the database's primary each costs a full
 * network round trip, added to every time to first token. This runs the Worker from a
 * test-only entry (worker-api/test/support/d1-rtt-worker.ts) whose D1 binding waits the
 * chosen round-trip time before every call, and measures TTFT direct to the fake provider and
 * through the Worker, one stream at a time, for each round-trip time.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BundleTarget } from '@chat/ops/worker-bundle';
import { runLevel, type LevelRun } from './load';
import { prepareScenario } from './scenario';
import { streamAgent } from './sse-client';
import { ROOT, startBenchStack, type UpstreamPace, type WorkerRuntime } from './stack';

export type GeographyRow = { rttMs: number; direct: LevelRun; worker: LevelRun; addedP50: number; addedP99: number };

/**
 * The repository's wrangler.toml with the test-only entry as `main`, its relative paths made
 * absolute so the copy can live outside the repository.
 */
function farFromD1Target(): BundleTarget {
  const dir = mkdtempSync(join(tmpdir(), 'chat-bench-d1-rtt-'));
  const config = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8')
    .replace(/^main = .*$/m, `main = ${JSON.stringify(join(ROOT, 'worker-api/test/support/d1-rtt-worker.ts'))}`)
    .replace(/= "\.\/(.*)"$/gm, (_, rel: string) => `= ${JSON.stringify(join(ROOT, rel))}`)
    .replace(/^migrations_dir = .*$/m, `migrations_dir = ${JSON.stringify(join(ROOT, 'migrations'))}`);
  const path = join(dir, 'wrangler.toml');
  writeFileSync(path, config);
  return { config: path };
}

export async function runGeography(o: { rttsMs: number[]; pace: UpstreamPace; samples: number; workerRuntime: WorkerRuntime; say: (line: string) => void }): Promise<GeographyRow[]> {
  const rows: GeographyRow[] = [];
  const workerTarget = farFromD1Target();
  for (const rttMs of o.rttsMs) {
    o.say(`D1 round trip ${rttMs} ms: starting a stack`);
    const stack = await startBenchStack({ name: `bench-d1-${rttMs}`, pace: o.pace, withWeb: false, workerRuntime: o.workerRuntime, workerTarget, workerVars: { BENCH_D1_RTT_MS: String(rttMs) }, say: o.say });
    const agent = streamAgent();
    try {
      const scenario = await prepareScenario(stack, 4);
      const timeoutMs = 60_000 + o.pace.ttftMs + o.pace.gapMs * o.pace.tokens * 2 + 20 * rttMs;
      const level = async (path: 'direct' | 'worker', streams: number) =>
        runLevel({ path, concurrency: 1, streams, gapMs: o.pace.gapMs, agent, request: scenario.request(path, await scenario.credentials()), watch: {}, timeoutMs });
      // Warm-up, not measured: the isolate compiled, the JWKS cached.
      await level('worker', 5);
      const direct = await level('direct', o.samples);
      const worker = await level('worker', o.samples);
      const addedP50 = (worker.firstTokenMs?.p50 ?? NaN) - (direct.firstTokenMs?.p50 ?? NaN);
      const addedP99 = (worker.firstTokenMs?.p99 ?? NaN) - (direct.firstTokenMs?.p99 ?? NaN);
      rows.push({ rttMs, direct, worker, addedP50, addedP99 });
      o.say(`D1 round trip ${rttMs} ms: ${worker.completed}/${worker.streams} ok, +TTFT p50 ${addedP50.toFixed(1)} ms, p99 ${addedP99.toFixed(1)} ms`);
    } finally {
      agent.destroy();
      await stack.stop();
    }
  }
  return rows;
}

/**
 * Added TTFT per simulated D1 round-trip time, and how many round trips that is beyond the
 * Worker's own cost (the added TTFT at 0 ms): the answer path's D1 round trips before the
 * provider is called.
 */
export function geographyTable(rows: GeographyRow[]): string {
  const base = rows.find((r) => r.rttMs === 0)?.addedP50;
  const header = ['D1 RTT ms', 'direct TTFT p50', 'Worker TTFT p50', '+TTFT p50', '+TTFT p99', 'round trips'];
  const body = rows.map((r) => [
    String(r.rttMs),
    r.direct.firstTokenMs?.p50.toFixed(1) ?? '-',
    r.worker.firstTokenMs?.p50.toFixed(1) ?? '-',
    r.addedP50.toFixed(1),
    r.addedP99.toFixed(1),
    base === undefined || r.rttMs === 0 ? '-' : ((r.addedP50 - base) / r.rttMs).toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  const fit = slope(rows.map((r) => [r.rttMs, r.addedP50]));
  // One row's baseline is one noisy sample on a busy machine; the fit over every row is steadier.
  const summary = fit === null ? [] : [`\nleast-squares slope of +TTFT p50 over RTT: ${fit.toFixed(2)} round trips before the provider call`];
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), ...summary].join('\n');
}

function slope(points: readonly [number, number][]): number | null {
  if (points.length < 2) return null;
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const mx = mean(points.map(([x]) => x));
  const my = mean(points.map(([, y]) => y));
  const sxx = points.reduce((sum, [x]) => sum + (x - mx) ** 2, 0);
  return sxx === 0 ? null : points.reduce((sum, [x, y]) => sum + (x - mx) * (y - my), 0) / sxx;
}

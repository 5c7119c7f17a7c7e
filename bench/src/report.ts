import { workerMinified, type PageJs, type WorkerBundle } from './bundle';
import type { LevelRun, PathName } from './load';
import { added } from './stats';

const KIB = 1024;

/** The issue's targets; TTFT and drift ones are read at this many concurrent streams. */
export const TARGETS = {
  level: 100,
  workerAddedTtft: { p50: 1, p99: 5 },
  bffAddedTtft: { p50: 5, p99: 20 },
  gapDriftP99: 2,
  errorFreeLevel: 1000,
  workerGzipKiB: 250,
  chatFirstLoadGzipKiB: 180,
} as const;

export type TargetCheck = { target: string; measured: string; verdict: 'PASS' | 'MISS' | 'n/a' };

const ms = (n: number | undefined | null) => (n === undefined || n === null || Number.isNaN(n) ? '-' : n.toFixed(1));
const pair = (q: { p50: number; p99: number } | null) => (q ? `${ms(q.p50)}/${ms(q.p99)}` : '-');

function find(runs: LevelRun[], path: PathName, level: number): LevelRun | undefined {
  return runs.find((r) => r.path === path && r.concurrency === level);
}

/** TTFT a path adds over the direct stream at the same level (p50/p99 of each minus direct's). */
export function addedTtft(runs: LevelRun[], run: LevelRun): { p50: number; p99: number } | null {
  const direct = find(runs, 'direct', run.concurrency);
  return run.path === 'direct' || !direct ? null : added(run.firstTokenMs, direct.firstTokenMs);
}

/** Gap drift p99 a path adds over the direct stream's own (the fake's timer jitter as delivered on loopback). */
export function addedDrift(runs: LevelRun[], run: LevelRun): number | null {
  const direct = find(runs, 'direct', run.concurrency);
  if (run.path === 'direct' || !direct?.gapDriftMs || !run.gapDriftMs) return null;
  return run.gapDriftMs.p99 - direct.gapDriftMs.p99;
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
}

/** The per-level, per-path table (times in ms). */
export function levelTable(runs: LevelRun[]): string {
  const header = ['streams', 'path', 'ok/total', 'peak open', 'TTFB p50/p99', 'TTFT p50/p99', '+TTFT p50/p99', 'drift p50/p99', '+drift p99', 'tok/s', 'Worker RSS MiB', 'BFF RSS MiB', 'Worker CPU ms/str', 'BFF CPU ms/str', 'dev proxies CPU ms/str', 'client lag p99'];
  const sum = (r: LevelRun, names: string[], field: 'peakRssMiB' | 'cpuMsPerStream') => names.reduce((acc, n) => acc + (r.processes[n]?.[field] ?? 0), 0);
  const rows = runs.map((r) => [
    String(r.concurrency),
    r.path,
    `${r.completed}/${r.streams}`,
    String(r.peakOpen),
    pair(r.ttfbMs),
    pair(r.firstTokenMs),
    pair(addedTtft(runs, r)),
    pair(r.gapDriftMs),
    ms(addedDrift(runs, r)),
    r.tokensPerSec.toFixed(0),
    ms(sum(r, ['worker', 'workerProxy'], 'peakRssMiB')),
    r.processes.web ? ms(sum(r, ['web', 'webProxy'], 'peakRssMiB')) : '-',
    r.path === 'direct' ? '-' : ms(r.processes.worker?.cpuMsPerStream),
    r.path === 'bff' ? ms(r.processes.web?.cpuMsPerStream) : '-',
    r.path === 'direct' ? '-' : ms(sum(r, r.path === 'bff' ? ['workerProxy', 'webProxy'] : ['workerProxy'], 'cpuMsPerStream')),
    ms(r.clientLoopDelayP99Ms),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const errors = runs
    .filter((r) => r.errors > 0)
    .map((r) => `  ${r.concurrency} ${r.path}: ${Object.entries(r.errorKinds).map(([k, n]) => `${k}×${n}${r.errorSamples[k] ? ` ("${r.errorSamples[k]?.slice(0, 90)}")` : ''}`).join(', ')}`);
  return [pad(header, widths), pad(widths.map((w) => '-'.repeat(w)), widths), ...rows.map((row) => pad(row, widths)), ...(errors.length ? ['errors:', ...errors] : [])].join('\n');
}

/** PASS/MISS for each of the issue's targets that this run measured. */
export function checkTargets(runs: LevelRun[], worker: WorkerBundle | null, chat: PageJs | null): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const at = TARGETS.level;
  const verdict = (ok: boolean | null): TargetCheck['verdict'] => (ok === null ? 'n/a' : ok ? 'PASS' : 'MISS');

  const workerRun = find(runs, 'worker', at);
  const w = workerRun ? addedTtft(runs, workerRun) : null;
  checks.push({
    target: `Worker hop +TTFT at ${at} streams ≤ ${TARGETS.workerAddedTtft.p50} ms p50, ≤ ${TARGETS.workerAddedTtft.p99} ms p99`,
    measured: w ? `${ms(w.p50)} / ${ms(w.p99)} ms` : 'not run',
    verdict: verdict(w ? w.p50 <= TARGETS.workerAddedTtft.p50 && w.p99 <= TARGETS.workerAddedTtft.p99 : null),
  });
  const bffRun = find(runs, 'bff', at);
  const b = bffRun ? addedTtft(runs, bffRun) : null;
  checks.push({
    target: `BFF + Worker +TTFT at ${at} streams ≤ ${TARGETS.bffAddedTtft.p50} ms p50, ≤ ${TARGETS.bffAddedTtft.p99} ms p99`,
    measured: b ? `${ms(b.p50)} / ${ms(b.p99)} ms` : 'not run',
    verdict: verdict(b ? b.p50 <= TARGETS.bffAddedTtft.p50 && b.p99 <= TARGETS.bffAddedTtft.p99 : null),
  });
  for (const run of [workerRun, bffRun]) {
    if (!run) continue;
    const drift = addedDrift(runs, run);
    checks.push({
      target: `gap drift p99 added by ${run.path === 'worker' ? 'the Worker' : 'BFF + Worker'} at ${at} streams ≤ ${TARGETS.gapDriftP99} ms`,
      measured: drift === null ? '-' : `${ms(drift)} ms (path ${ms(run.gapDriftMs?.p99)}, direct ${ms(find(runs, 'direct', at)?.gapDriftMs?.p99)})`,
      verdict: verdict(drift === null ? null : drift <= TARGETS.gapDriftP99),
    });
  }
  const big = runs.filter((r) => r.concurrency === TARGETS.errorFreeLevel);
  checks.push({
    target: `${TARGETS.errorFreeLevel} concurrent streams, 0 errors (every path)`,
    measured: big.length ? big.map((r) => `${r.path} ${r.errors} err, ${r.peakOpen} open`).join('; ') : 'not run',
    verdict: verdict(big.length ? big.every((r) => r.errors === 0 && r.peakOpen === TARGETS.errorFreeLevel) : null),
  });
  checks.push({
    target: `Worker bundle ≤ ${TARGETS.workerGzipKiB} KiB gzip`,
    measured: worker ? `${(worker.gzipBytes / KIB).toFixed(1)} KiB gzip, ${(worker.rawBytes / KIB).toFixed(1)} KiB raw (minify ${workerMinified()})` : 'not measured',
    verdict: verdict(worker ? worker.gzipBytes <= TARGETS.workerGzipKiB * KIB : null),
  });
  checks.push({
    target: `/chat first-load JS ≤ ${TARGETS.chatFirstLoadGzipKiB} KiB gzip`,
    measured: chat ? `${(chat.gzipBytes / KIB).toFixed(1)} KiB gzip in ${chat.files.length} files (${(chat.rawBytes / KIB).toFixed(1)} KiB raw)` : 'not measured',
    verdict: verdict(chat ? chat.gzipBytes <= TARGETS.chatFirstLoadGzipKiB * KIB : null),
  });
  return checks;
}

export function targetTable(checks: TargetCheck[]): string {
  const width = Math.max(...checks.map((c) => c.target.length));
  return checks.map((c) => `${c.verdict.padEnd(4)}  ${c.target.padEnd(width)}  ${c.measured}`).join('\n');
}

export function bundleLines(worker: WorkerBundle | null, chat: PageJs | null): string {
  const lines: string[] = [];
  if (worker) {
    lines.push(`Worker (wrangler deploy --dry-run, minify=${workerMinified()}): ${(worker.rawBytes / KIB).toFixed(1)} KiB raw, ${(worker.gzipBytes / KIB).toFixed(1)} KiB gzip`);
    lines.push(`  largest inputs (bytes in output): ${worker.inputs.slice(0, 6).map((i) => `${i.name} ${(i.bytes / KIB).toFixed(0)} KiB`).join(', ')}`);
  }
  if (chat) {
    lines.push(`/chat first-load JS: ${(chat.gzipBytes / KIB).toFixed(1)} KiB gzip (${(chat.rawBytes / KIB).toFixed(1)} KiB raw), ${chat.files.length} files`);
    lines.push(`  largest: ${chat.files.slice(0, 4).map((f) => `${f.path.split('/').pop()} ${(f.gzipBytes / KIB).toFixed(1)} KiB`).join(', ')}`);
  }
  return lines.join('\n');
}

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
  /** Issue 13: the Worker path as a multiple of the reference Worker's, at `level` streams. */
  vsReference: { addedTtftP50: 3, driftP99: 2, cpuPerStream: 3 },
  /** Issue 13: the Worker's +TTFT p50 before it (ms), which lower levels must not exceed. */
  workerAddedTtftP50Before: { 1: 6.8, 10: 48 } as Record<number, number>,
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

/** CPU per stream of the process that runs the path's hop(s): the reference Worker, the Worker, or the BFF and the Worker. */
export function hopCpuPerStream(run: LevelRun): number | null {
  const cpu = (name: string) => run.processes[name]?.cpuMsPerStream;
  if (run.path === 'reference') return cpu('reference') ?? null;
  if (run.path === 'worker') return cpu('worker') ?? null;
  if (run.path === 'bff') return cpu('worker') === undefined || cpu('web') === undefined ? null : (cpu('worker') ?? 0) + (cpu('web') ?? 0);
  return null;
}

/** `value / base` as `2.3×`; '-' when either is missing or the base is not above zero. */
const times = (value: number | null | undefined, base: number | null | undefined) =>
  value === null || value === undefined || base === null || base === undefined || !(base > 0) ? '-' : `${(value / base).toFixed(1)}×`;

/** What each of the Worker's and the BFF's figures is as a multiple of the reference Worker's at the same level. */
export type VsReference = { addedTtft: { p50: number; p99: number } | null; driftP99: number | null; cpuPerStream: number | null };

export function vsReference(runs: LevelRun[], run: LevelRun): VsReference {
  return { addedTtft: addedTtft(runs, run), driftP99: run.gapDriftMs?.p99 ?? null, cpuPerStream: hopCpuPerStream(run) };
}

/**
 * The Worker and BFF + Worker rows beside the reference Worker's, each figure with its
 * multiple of the reference's (CPU per stream: the Worker's workerd; for the BFF row, the
 * BFF's and the Worker's together). Empty when the reference path did not run.
 */
export function referenceTable(runs: LevelRun[]): string {
  const header = ['streams', 'path', '+TTFT p50', '×ref', '+TTFT p99', '×ref', 'drift p99', '×ref', 'CPU ms/str', '×ref'];
  const rows: string[][] = [];
  for (const ref of runs.filter((r) => r.path === 'reference')) {
    const base = vsReference(runs, ref);
    for (const run of runs.filter((r) => r.concurrency === ref.concurrency && r.path !== 'direct')) {
      const v = vsReference(runs, run);
      const self = run === ref;
      rows.push([
        String(run.concurrency),
        run.path,
        ms(v.addedTtft?.p50),
        self ? '1×' : times(v.addedTtft?.p50, base.addedTtft?.p50),
        ms(v.addedTtft?.p99),
        self ? '1×' : times(v.addedTtft?.p99, base.addedTtft?.p99),
        ms(v.driftP99),
        self ? '1×' : times(v.driftP99, base.driftP99),
        ms(v.cpuPerStream),
        self ? '1×' : times(v.cpuPerStream, base.cpuPerStream),
      ]);
    }
  }
  if (rows.length === 0) return '';
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  return [pad(header, widths), pad(widths.map((w) => '-'.repeat(w)), widths), ...rows.map((row) => pad(row, widths))].join('\n');
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
}

/** The per-level, per-path table (times in ms). */
export function levelTable(runs: LevelRun[]): string {
  const header = ['streams', 'path', 'ok/total', 'peak open', 'TTFB p50/p99', 'TTFT p50/p99', '+TTFT p50/p99', 'drift p50/p99', '+drift p99', 'tok/s', 'Worker RSS MiB', 'BFF RSS MiB', 'Worker CPU ms/str', 'BFF CPU ms/str', 'dev proxies CPU ms/str', 'D1 host CPU ms/str', 'client lag p99'];
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
    r.path === 'reference' ? ms(r.processes.reference?.peakRssMiB) : ms(sum(r, ['worker', 'workerProxy'], 'peakRssMiB')),
    r.processes.web ? ms(sum(r, ['web', 'webProxy'], 'peakRssMiB')) : '-',
    r.path === 'direct' ? '-' : ms(r.processes[r.path === 'reference' ? 'reference' : 'worker']?.cpuMsPerStream),
    r.path === 'bff' ? ms(r.processes.web?.cpuMsPerStream) : '-',
    r.path === 'direct' || r.path === 'reference' ? '-' : ms(sum(r, r.path === 'bff' ? ['workerProxy', 'webProxy'] : ['workerProxy'], 'cpuMsPerStream')),
    r.processes.d1 && r.path !== 'direct' && r.path !== 'reference' ? ms(r.processes.d1.cpuMsPerStream) : '-',
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
  checks.push(...referenceChecks(runs));
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

/** Issue 13's targets: the Worker path against the reference Worker at 100 streams, and against its own figures before it at 1 and 10. */
function referenceChecks(runs: LevelRun[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const at = TARGETS.level;
  const limits = TARGETS.vsReference;
  const workerRun = find(runs, 'worker', at);
  const refRun = find(runs, 'reference', at);
  const w = workerRun ? vsReference(runs, workerRun) : null;
  const r = refRun ? vsReference(runs, refRun) : null;
  const check = (what: string, limit: number, value: number | null | undefined, base: number | null | undefined, unit: string): TargetCheck => {
    const measured = w && r ? `${ms(value)} vs ${ms(base)} ${unit} = ${times(value, base)}` : 'not run';
    const known = value !== null && value !== undefined && base !== null && base !== undefined && base > 0;
    return { target: `Worker ${what} at ${at} streams ≤ ${limit}× the reference Worker's`, measured, verdict: !w || !r || !known ? 'n/a' : value <= limit * base ? 'PASS' : 'MISS' };
  };
  checks.push(check('+TTFT p50', limits.addedTtftP50, w?.addedTtft?.p50, r?.addedTtft?.p50, 'ms'));
  checks.push(check('gap drift p99', limits.driftP99, w?.driftP99, r?.driftP99, 'ms'));
  checks.push(check('CPU per stream', limits.cpuPerStream, w?.cpuPerStream, r?.cpuPerStream, 'ms'));
  for (const [level, before] of Object.entries(TARGETS.workerAddedTtftP50Before)) {
    const run = find(runs, 'worker', Number(level));
    const added = run ? addedTtft(runs, run) : null;
    checks.push({
      target: `Worker +TTFT p50 at ${level} stream${level === '1' ? '' : 's'} ≤ ${before} ms (its figure before issue 13's work)`,
      measured: added ? `${ms(added.p50)} ms` : 'not run',
      verdict: added ? (added.p50 <= before ? 'PASS' : 'MISS') : 'n/a',
    });
  }
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

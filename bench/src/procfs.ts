import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/** One process as /proc shows it. */
export type ProcInfo = { pid: number; ppid: number; pgrp: number; comm: string; cmdline: string };

/** Clock ticks per second, the unit of utime/stime in /proc/<pid>/stat. */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function readStat(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may hold spaces: split after its closing one.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    return [String(pid), comm, ...text.slice(close + 2).split(' ')];
  } catch {
    return null;
  }
}

/** Every process on the machine (those that vanish while listing are skipped). */
export function listProcesses(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = readStat(pid);
    if (!stat) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    out.push({ pid, comm: stat[1] ?? '', ppid: Number(stat[3]), pgrp: Number(stat[4]), cmdline });
  }
  return out;
}

/** Direct children of `pid`. */
export function childrenOf(pid: number): ProcInfo[] {
  return listProcesses().filter((p) => p.ppid === pid);
}

/**
 * The workerd processes in the process group led by `leader`. Wrangler runs two: the one that
 * runs the Worker (`runtime`, with the inspector) and its local dev proxy in front of it
 * (`proxy`, on the public port), which production does not have.
 */
export function workerdIn(leader: number): { runtime: number[]; proxy: number[] } {
  const workerd = listProcesses().filter((p) => p.pgrp === leader && p.comm === 'workerd');
  const isRuntime = (p: ProcInfo) => p.cmdline.includes('--inspector-addr');
  return { runtime: workerd.filter(isRuntime).map((p) => p.pid), proxy: workerd.filter((p) => !isRuntime(p)).map((p) => p.pid) };
}

/** Waits until no process is left in the groups led by `leaders` (their children exit after them). */
export async function groupsGone(leaders: number[], timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && listProcesses().some((p) => leaders.includes(p.pgrp))) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Resident memory now and its peak (VmHWM), in KiB; zeros for a process that is gone. */
export function memoryOf(pid: number): { rssKiB: number; peakKiB: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssKiB: field('VmRSS'), peakKiB: field('VmHWM') };
  } catch {
    return { rssKiB: 0, peakKiB: 0 };
  }
}

/** Resets VmHWM to the current RSS (writes 5 to clear_refs), so a peak can be read per phase. False when not allowed. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** CPU time (user + system) the process has used, in ms. */
export function cpuMsOf(pid: number): number {
  const stat = readStat(pid);
  if (!stat) return 0;
  // Fields 14 and 15 (1-based) of /proc/<pid>/stat: utime, stime.
  return ((Number(stat[13]) + Number(stat[14])) * 1000) / CLK_TCK;
}

/**
 * Watches a set of processes during a phase: resets their peaks at the start, samples RSS
 * while it runs (in case the peak cannot be reset), and reports the peak and CPU used.
 */
export class ProcessMeter {
  private readonly cpuStart: Map<number, number>;
  private readonly maxRss = new Map<number, number>();
  private readonly resettable: boolean;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pids: number[], sampleMs = 250) {
    this.resettable = pids.every((pid) => resetPeak(pid));
    this.cpuStart = new Map(pids.map((pid) => [pid, cpuMsOf(pid)]));
    this.sample();
    this.timer = setInterval(() => this.sample(), sampleMs);
    this.timer.unref();
  }

  private sample(): void {
    for (const pid of this.pids) this.maxRss.set(pid, Math.max(this.maxRss.get(pid) ?? 0, memoryOf(pid).rssKiB));
  }

  /** Peak RSS (MiB, summed over the processes) and CPU ms used since the start. */
  finish(): { peakRssMiB: number; cpuMs: number } {
    clearInterval(this.timer);
    this.sample();
    let peak = 0;
    let cpu = 0;
    for (const pid of this.pids) {
      const sampled = this.maxRss.get(pid) ?? 0;
      peak += this.resettable ? Math.max(sampled, memoryOf(pid).peakKiB) : sampled;
      cpu += cpuMsOf(pid) - (this.cpuStart.get(pid) ?? 0);
    }
    return { peakRssMiB: peak / 1024, cpuMs: cpu };
  }
}

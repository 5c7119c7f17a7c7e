import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import getPort from 'get-port';
import { NON_INTERACTIVE_ENV, OFFLINE_ENV } from './env';

/** Where a started process's output goes: `<dir>/<name>.log`, or this terminal with a `[name] ` prefix on every line. */
export type ProcessOutput = { logDir: string } | 'terminal';

export type StartOptions = { cwd: string; env?: Record<string, string> };

function startDetached(command: string, args: string[], options: StartOptions) {
  return execa(command, args, {
    cwd: options.cwd,
    env: { ...OFFLINE_ENV, ...options.env },
    stdin: 'ignore',
    buffer: false,
    reject: false,
    // Its own process group, so that stopping it also stops what it spawned (wrangler runs workerd, next runs workers).
    detached: true,
    cleanup: false,
  });
}

type Subprocess = ReturnType<typeof startDetached>;

/** A started process: its id (the leader of its own group) and when it ended. */
export type Child = { name: string; pid: number | undefined; exited: Promise<void>; done: boolean; exitCode: number | null };

function prefixed(prefix: string, out: NodeJS.WritableStream) {
  return (chunk: Buffer) => out.write(prefix + chunk.toString('utf8').replace(/\n(?!$)/g, `\n${prefix}`));
}

/**
 * The long-running processes of a stack. Each runs in its own process group and is killed
 * by its group id in `stopAll`, also when this process exits abnormally. `onUnexpectedExit`
 * hears of a process that ended before `stopAll`.
 */
export class ProcessSet {
  private readonly children: Child[] = [];
  private readonly stopped = new WeakSet<Child>();
  private stopping = false;

  constructor(
    private readonly output: ProcessOutput,
    private readonly onUnexpectedExit?: (name: string, code: number | null) => void,
  ) {
    if (output !== 'terminal') mkdirSync(output.logDir, { recursive: true });
    process.once('exit', () => killGroups(this.children, 'SIGKILL'));
  }

  start(name: string, command: string, args: string[], options: StartOptions): Child {
    const subprocess: Subprocess = startDetached(command, args, options);
    if (this.output === 'terminal') {
      subprocess.stdout?.on('data', prefixed(`[${name}] `, process.stdout));
      subprocess.stderr?.on('data', prefixed(`[${name}] `, process.stderr));
    } else {
      const log = createWriteStream(join(this.output.logDir, `${name}.log`));
      subprocess.stdout?.pipe(log);
      subprocess.stderr?.pipe(log);
    }
    const child: Child = {
      name,
      pid: subprocess.pid,
      done: false,
      exitCode: null,
      exited: subprocess.then((result) => {
        child.done = true;
        child.exitCode = result.exitCode ?? null;
        if (!this.stopping && !this.stopped.has(child)) this.onUnexpectedExit?.(name, child.exitCode);
      }),
    };
    this.children.push(child);
    return child;
  }

  /** Process ids of the processes started, each the leader of its own group. */
  leaders(): number[] {
    return this.children.flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
  }

  /** The last `lines` lines of a process's log ('' when its output goes to the terminal). */
  logTail(child: Child, lines = 40): string {
    if (this.output === 'terminal') return '';
    try {
      return readFileSync(join(this.output.logDir, `${child.name}.log`), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /** Stops one process's group (TERM, then KILL after `graceMs`); its exit is expected, not reported. */
  async stop(child: Child, graceMs = 3000): Promise<void> {
    this.stopped.add(child);
    await this.terminate([child], graceMs);
  }

  /** TERM to every group, then KILL to whatever is left after `graceMs`. */
  async stopAll(graceMs = 3000): Promise<void> {
    this.stopping = true;
    await this.terminate(this.children, graceMs);
  }

  private async terminate(children: Child[], graceMs: number): Promise<void> {
    killGroups(children, 'SIGTERM');
    await Promise.race([Promise.all(children.map((child) => child.exited)), new Promise((r) => setTimeout(r, graceMs))]);
    killGroups(children, 'SIGKILL');
  }
}

function killGroups(children: Child[], signal: NodeJS.Signals): void {
  for (const { pid } of children.filter((child) => !child.done)) {
    if (pid === undefined) continue;
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/**
 * Runs a command to completion and returns its stdout; rejects with its output on a non-zero
 * exit. Captured output means nobody could answer a prompt, so it runs non-interactive;
 * `inherit` shows the output on this terminal instead (and returns '').
 */
export async function runCommand(command: string, args: string[], options: StartOptions & { inherit?: boolean }): Promise<string> {
  const stdio = options.inherit ? 'inherit' : 'pipe';
  const env = { ...(options.inherit ? OFFLINE_ENV : NON_INTERACTIVE_ENV), ...options.env };
  const result = await execa(command, args, { cwd: options.cwd, env, stdin: options.inherit ? 'inherit' : 'ignore', stdout: stdio, stderr: stdio, stripFinalNewline: false });
  return typeof result.stdout === 'string' ? result.stdout : '';
}

/** A free loopback port. */
export function freePort(): Promise<number> {
  return getPort({ host: '127.0.0.1' });
}

/**
 * Polls `url` until it answers (any status below 500), or throws after `timeoutMs`, or at
 * once when `child` (the process meant to serve it) has exited.
 */
export async function waitForHttp(url: string, timeoutMs = 60_000, child?: Child): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child?.done) throw new Error(`${child.name} exited with code ${child.exitCode} before ${url} answered (${last || 'never reached'})`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000), redirect: 'manual' });
      if (res.status < 500) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not come up within ${timeoutMs} ms (${last})`);
}

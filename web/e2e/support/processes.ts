import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Keeps wrangler, Next and Vercel from phoning home (the suite runs offline). */
export const OFFLINE_ENV = {
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  NEXT_TELEMETRY_DISABLED: '1',
  VERCEL_TELEMETRY_DISABLED: '1',
  CI: 'true',
} as const;

/** A free loopback port (the OS picks one; it is released before the caller binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers (any status below 500), or throws after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
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

/** Runs a command to completion; rejects with its output on a non-zero exit. */
export function runCommand(command: string, args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...OFFLINE_ENV, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')} exited with ${code}\n${out}\n${err}`))));
  });
}

/**
 * The processes a suite starts. Each runs in its own process group (wrangler spawns workerd),
 * logs to `<logDir>/<name>.log`, and is killed by its group id in `stopAll` — also when the
 * test process exits abnormally.
 */
export class ProcessSet {
  private readonly children: { name: string; child: ChildProcess }[] = [];

  constructor(private readonly logDir: string) {
    mkdirSync(logDir, { recursive: true });
    process.once('exit', () => this.killNow('SIGKILL'));
  }

  start(name: string, command: string, args: string[], options: { cwd: string; env?: Record<string, string> }): ChildProcess {
    const log = createWriteStream(join(this.logDir, `${name}.log`));
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...OFFLINE_ENV, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.children.push({ name, child });
    return child;
  }

  /** TERM to every group, then KILL to whatever is left after `graceMs`. */
  async stopAll(graceMs = 3000): Promise<void> {
    const alive = this.children.filter(({ child }) => child.exitCode === null && child.signalCode === null);
    this.killNow('SIGTERM');
    await Promise.race([
      Promise.all(alive.map(({ child }) => new Promise<void>((resolve) => child.once('exit', () => resolve())))),
      new Promise((r) => setTimeout(r, graceMs)),
    ]);
    this.killNow('SIGKILL');
  }

  private killNow(signal: NodeJS.Signals): void {
    for (const { child } of this.children) {
      if (child.pid === undefined) continue;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    }
  }
}

import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** Environment that keeps wrangler, Next and Vercel from phoning home. */
export const OFFLINE_ENV = {
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  NEXT_TELEMETRY_DISABLED: '1',
  VERCEL_TELEMETRY_DISABLED: '1',
} as const;

type Managed = { name: string; child: ChildProcess };

/**
 * The long-running processes `npm run dev` starts. Each gets its own process group so that
 * stopping it also stops what it spawned (wrangler runs workerd, next runs workers).
 */
export class ProcessGroup {
  private readonly running: Managed[] = [];
  private stopping = false;

  constructor(private readonly onUnexpectedExit: (name: string, code: number | null) => void) {}

  /** Starts a process whose output is prefixed with its name. */
  start(name: string, command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    const child = spawn(command, args, {
      ...options,
      env: { ...process.env, ...OFFLINE_ENV, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const prefix = `[${name}] `;
    const relay = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
      const text = chunk.toString('utf8').replace(/\n(?!$)/g, `\n${prefix}`);
      stream.write(prefix + text);
    };
    child.stdout?.on('data', relay(process.stdout));
    child.stderr?.on('data', relay(process.stderr));
    child.on('exit', (code) => {
      if (!this.stopping) this.onUnexpectedExit(name, code);
    });
    this.running.push({ name, child });
    return child;
  }

  /** Ends every process group it started (TERM, then KILL after a grace period). */
  async stopAll(graceMs = 5000): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.running.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
            const pid = child.pid;
            const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            signalGroup(pid, 'SIGTERM');
          }),
      ),
    );
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Runs a command to completion, inheriting output; rejects on a non-zero exit. */
export function run(command: string, args: string[], options: SpawnOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options, env: { ...process.env, ...OFFLINE_ENV, ...options.env } });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

/** Polls `url` until it answers 2xx, or throws after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up within ${timeoutMs} ms`);
}

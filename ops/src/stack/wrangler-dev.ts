import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPEN_NEXT_DIR, WEB_DIR, WRANGLER } from './paths';
import { freePort, waitForHttp, type Child, type ProcessSet } from './processes';
import type { LocalState } from './state';

/** `--var NAME:value` for each entry: how vars reach a Worker under `wrangler dev` (and the bench's Miniflare runner). */
export function varArgs(vars: Record<string, string>): string[] {
  return Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]);
}

export type WranglerDevOptions = LocalState & {
  port: number;
  /** A config other than the repository's wrangler.toml (resolved against `cwd`). */
  config?: string;
  /** DevTools inspector port; a free one when unset, so two stacks never collide on wrangler's default. */
  inspectorPort?: number;
  vars?: Record<string, string>;
  /** The config's `main` is already a bundle. */
  noBundle?: boolean;
  /** `/__scheduled` runs the cron handler by hand. */
  testScheduled?: boolean;
};

/**
 * How many times `startWranglerDev` starts wrangler before it gives up. On a loaded 2-core CI
 * machine a start was once seen never to answer within 90 s while every other start of the
 * same run took seconds; a second start on the same port is cheaper than a red run, and the
 * first one's log is printed so the cause is not lost.
 */
const WRANGLER_STARTS = 2;

/**
 * Starts `wrangler dev` on loopback as process `name` and waits until `readyPath` answers.
 * A start that exits or does not answer in time is stopped and made once more (its log as
 * `<name>-2`); the error of the last one carries the tail of its log.
 */
export async function startWranglerDev(
  processes: ProcessSet,
  name: string,
  options: WranglerDevOptions & { cwd: string; readyPath: string; readyTimeoutMs?: number },
): Promise<{ url: string; child: Child; inspectorPort: number }> {
  const url = `http://127.0.0.1:${options.port}`;
  for (let start = 1; ; start++) {
    const inspectorPort = options.inspectorPort ?? (await freePort());
    const child = processes.start(start === 1 ? name : `${name}-${start}`, WRANGLER, wranglerDevArgs(options, inspectorPort), { cwd: options.cwd });
    try {
      await waitForHttp(`${url}${options.readyPath}`, options.readyTimeoutMs ?? 90_000, child);
      return { url, child, inspectorPort };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      // Stopped first, so the tail holds everything it wrote.
      await processes.stop(child);
      const log = processes.logTail(child);
      if (start >= WRANGLER_STARTS) throw new Error(`${reason}\n--- the end of ${child.name}'s log ---\n${log}`);
      console.warn(`[${name}] wrangler dev did not come up (${reason}); starting it once more. The end of its log:\n${log}`);
    }
  }
}

function wranglerDevArgs(options: WranglerDevOptions, inspectorPort: number): string[] {
  return [
    'dev',
    ...(options.config === undefined ? [] : ['--config', options.config]),
    ...(options.noBundle ? ['--no-bundle'] : []),
    '--port', String(options.port),
    '--ip', '127.0.0.1',
    '--inspector-port', String(inspectorPort),
    ...(options.persistTo === undefined ? [] : ['--persist-to', options.persistTo]),
    '--show-interactive-dev-session=false',
    ...(options.testScheduled ? ['--test-scheduled'] : []),
    ...varArgs(options.vars ?? {}),
  ];
}

/**
 * web/wrangler.toml pointed at the built app by absolute paths, written into `dir` (next to
 * the caller's .dev.vars), so the app can be served from outside web/.
 */
export function builtAppConfig(dir: string): string {
  const config = readFileSync(join(WEB_DIR, 'wrangler.toml'), 'utf8')
    .replace(/^main = .*$/m, `main = ${JSON.stringify(join(WEB_DIR, 'worker.ts'))}`)
    .replace(/^directory = .*$/m, `directory = ${JSON.stringify(join(OPEN_NEXT_DIR, 'assets'))}`);
  const path = join(dir, 'wrangler.toml');
  writeFileSync(path, config);
  return path;
}

/**
 * Serves the BUILT app (`npm run build:worker`: OpenNext's Worker and its assets) with
 * `wrangler dev`, as `opennextjs-cloudflare preview` does, from a temporary directory inside
 * the state holding the config and the stack's own .dev.vars, so a developer's
 * web/.dev.vars never leaks in. KV state is shared with the Worker. Returns the app's URL
 * as it knows itself (`http://localhost:<port>`).
 */
export async function startBuiltWebApp(processes: ProcessSet, options: { port: number; persistTo: string; vars: Record<string, string> }): Promise<string> {
  const dir = mkdtempSync(join(options.persistTo, 'web-config-'));
  const config = builtAppConfig(dir);
  writeFileSync(join(dir, '.dev.vars'), Object.entries(options.vars).map(([k, v]) => `${k}=${v}`).join('\n') + '\n', { mode: 0o600 });
  await startWranglerDev(processes, 'web', { port: options.port, config, persistTo: options.persistTo, cwd: dir, readyPath: '/', readyTimeoutMs: 120_000 });
  return `http://localhost:${options.port}`;
}

import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode } from 'next-auth/jwt';
import { freePort, runCommand, waitForHttp, type ProcessSet } from './processes';

export const WEB_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const WRANGLER = join(ROOT, 'node_modules/.bin/wrangler');
export const TSX = join(ROOT, 'node_modules/.bin/tsx');
/** What `npm run build:worker` (OpenNext) writes: the Worker's entry and the static assets it serves. */
export const OPEN_NEXT_DIR = join(WEB_DIR, '.open-next');

export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Creates, publishes and activates a signing key in the local KV under `persistTo`, with the keys CLI; returns its kid. */
export async function createSigningKey(persistTo: string, wrappingSecret: string): Promise<string> {
  const out = await runCommand(TSX, ['ops/src/keys/main.ts', 'rotate', '--local', '--persist-to', persistTo, '--activate-now'], {
    cwd: ROOT,
    env: { KEY_WRAPPING_SECRET: wrappingSecret },
  });
  // The CLI prints only the kid on stdout.
  const kid = out.trim().split('\n').at(-1)?.trim();
  if (!kid || !/^[A-Za-z0-9_-]{1,64}$/.test(kid)) throw new Error(`the keys CLI printed no kid:\n${out}`);
  return kid;
}

export type WebAppOptions = {
  port: number;
  persistTo: string;
  vars: Record<string, string>;
};

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
 * `wrangler dev`, as `opennextjs-cloudflare preview` does, from a temporary directory holding
 * the config and the suite's own .dev.vars, so a developer's web/.dev.vars never leaks in.
 * KV state is `persistTo`, shared with the Worker.
 */
export async function startWebApp(processes: ProcessSet, options: WebAppOptions): Promise<string> {
  // Inside the state directory, so the suite's clean-up removes it too.
  const dir = mkdtempSync(join(options.persistTo, 'web-config-'));
  const config = builtAppConfig(dir);
  writeFileSync(join(dir, '.dev.vars'), Object.entries(options.vars).map(([k, v]) => `${k}=${v}`).join('\n') + '\n', { mode: 0o600 });
  const inspector = await freePort();
  processes.start(
    'web',
    WRANGLER,
    ['dev', '--config', config, '--port', String(options.port), '--ip', '127.0.0.1', '--inspector-port', String(inspector), '--persist-to', options.persistTo, '--show-interactive-dev-session=false'],
    { cwd: dir },
  );
  const url = `http://localhost:${options.port}`;
  await waitForHttp(`http://127.0.0.1:${options.port}/`, 120_000);
  return url;
}

/** An Auth.js session cookie for the given claims, as the app itself would set after login. */
export async function sessionCookie(secret: string, claims: { sub: string; roles: string[]; scopes: string[]; onboarded: boolean }): Promise<string> {
  const name = 'authjs.session-token';
  const value = await encode({ secret, salt: name, token: { ...claims, name: 'E2E', claimsAt: Date.now() }, maxAge: 3600 });
  return `${name}=${value}`;
}

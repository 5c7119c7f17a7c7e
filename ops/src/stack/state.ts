import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { WranglerKvStore } from '../keys/wrangler-kv';
import { ROOT, TSX, WRANGLER } from './paths';
import { runCommand } from './processes';

/**
 * The wrangler local state (D1 and KV) a stack runs on: `persistTo`, or the repository's own
 * `.wrangler/state` (what `npm run dev` and the keys CLI use) when it is undefined.
 */
export type LocalState = { persistTo?: string };

function persistArgs(state: LocalState): string[] {
  return state.persistTo === undefined ? [] : ['--persist-to', state.persistTo];
}

export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Applies the D1 migrations to the local database; `inherit` shows wrangler's output. */
export async function applyMigrations(state: LocalState, options: { inherit?: boolean } = {}): Promise<void> {
  // CI: wrangler asks before applying, and nobody answers.
  await runCommand(WRANGLER, ['d1', 'migrations', 'apply', 'DB', '--local', ...persistArgs(state)], { cwd: ROOT, env: { CI: 'true' }, ...options });
}

/** Runs the keys CLI (`npm run keys -- …`) against the local state; returns its stdout. Without a secret, the CLI reads web/.dev.vars. */
export function keysCli(state: LocalState & { wrappingSecret?: string }, args: string[]): Promise<string> {
  return runCommand(TSX, ['ops/src/keys/main.ts', ...args, '--local', ...persistArgs(state)], {
    cwd: ROOT,
    env: state.wrappingSecret === undefined ? {} : { KEY_WRAPPING_SECRET: state.wrappingSecret },
  });
}

/**
 * Creates, publishes and activates a signing key with the keys CLI (activating at once is
 * safe only because nothing can have cached the empty key set); returns its kid.
 */
export async function createSigningKey(state: LocalState & { wrappingSecret?: string }): Promise<string> {
  const out = await keysCli(state, ['rotate', '--activate-now']);
  // The CLI prints only the kid on stdout.
  const kid = out.trim().split('\n').at(-1)?.trim();
  if (!kid || !/^[A-Za-z0-9_-]{1,64}$/.test(kid)) throw new Error(`the keys CLI printed no kid:\n${out}`);
  return kid;
}

/** The AUTH_KEYS namespace of the local state, read and written through wrangler as the keys CLI does. */
export function localKvStore(state: LocalState): WranglerKvStore {
  return new WranglerKvStore({ target: { kind: 'local', persistTo: state.persistTo }, config: join(ROOT, 'wrangler.toml'), cwd: ROOT });
}

/** Makes sure the local state has an active signing key, so tokens can be minted on a fresh checkout. Returns whether it made one. */
export async function ensureSigningKey(state: LocalState & { wrappingSecret?: string }): Promise<boolean> {
  if ((await localKvStore(state).get('signing:active')) !== null) return false;
  await createSigningKey(state);
  return true;
}

/** `wrangler d1 execute --json` against the local database: wrangler's JSON output, one result per statement. */
export function d1Execute(state: LocalState, command: string): Promise<string> {
  return runCommand(WRANGLER, ['d1', 'execute', 'DB', '--local', ...persistArgs(state), '--json', '--command', command], { cwd: ROOT });
}

/**
 * Runs SQL against the local D1 and returns the rows of the last statement. A running Worker
 * holds the same SQLite file, so a busy database is retried a few times.
 */
export async function sqlRows<T = Record<string, unknown>>(state: LocalState, command: string): Promise<T[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const results = JSON.parse(await d1Execute(state, command)) as { results: T[] }[];
      return results.at(-1)?.results ?? [];
    } catch (err) {
      if (attempt >= 5 || !/SQLITE_BUSY|database is locked/.test(String(err))) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { KeyValueStore } from '@chat/keys';
import { OFFLINE_ENV } from '../stack/env';
import { CliError } from './errors';

/**
 * The package's own entry point, run with this Node: no npx lookup on every call. Found
 * beside its package.json, since wrangler's `exports` no longer list the bin file.
 */
export const WRANGLER_BIN = join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin/wrangler.js');
const BINDING = 'AUTH_KEYS';
// What `wrangler kv key get --local` prints, on stdout with exit 0, for an absent key. Our
// values are JSON or kids and never this text.
const LOCAL_NOT_FOUND = 'Value not found\n';
// The remote get fails with the API's 404 instead.
const REMOTE_NOT_FOUND = /\b404: Not Found\b/;

const KeyList = z.array(z.object({ name: z.string() }));

export type KvTarget = { kind: 'local'; persistTo?: string } | { kind: 'remote' };

export interface WranglerKvOptions {
  target: KvTarget;
  /** Absolute path of the wrangler config that declares the AUTH_KEYS binding. */
  config: string;
  cwd: string;
}

function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/**
 * The AUTH_KEYS namespace through wrangler's own `kv key` commands, so local state is exactly
 * what `wrangler dev` reads and remote writes go through the operator's wrangler login.
 * One wrangler process per call (about a second each); not atomic across calls, so run one
 * key operation at a time.
 */
export class WranglerKvStore implements KeyValueStore {
  constructor(private readonly options: WranglerKvOptions) {}

  /** The value under `key`, or null when there is none. */
  async get(key: string): Promise<string | null> {
    const result = await this.run(['get', key], { allowFailure: true });
    if (result.code !== 0) {
      if (this.options.target.kind === 'remote' && REMOTE_NOT_FOUND.test(result.stderr)) return null;
      throw this.failure(['get', key], result);
    }
    if (this.options.target.kind === 'local' && result.stdout === LOCAL_NOT_FOUND) return null;
    return result.stdout;
  }

  /** Writes through a private temp file: values never appear in a process list. */
  async put(key: string, value: string): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'chat-keys-'));
    try {
      const path = join(dir, 'value');
      await writeFile(path, value, { mode: 0o600 });
      await this.run(['put', key, '--path', path]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Deletes `key`; deleting an absent key is not an error. */
  async delete(key: string): Promise<void> {
    await this.run(['delete', key]);
  }

  /** Names of the keys starting with `prefix`. */
  async list(prefix: string): Promise<string[]> {
    const { stdout } = await this.run(['list', '--prefix', prefix]);
    let parsed: unknown;
    try {
      parsed = JSON.parse(stdout);
    } catch {
      throw new CliError(`wrangler kv key list printed something that is not JSON:\n${stdout}`);
    }
    return KeyList.parse(parsed).map(({ name }) => name);
  }

  private targetArgs(): string[] {
    const { target, config } = this.options;
    const args = ['--binding', BINDING, '--config', config];
    if (target.kind === 'remote') return [...args, '--remote'];
    return target.persistTo ? [...args, '--local', '--persist-to', target.persistTo] : [...args, '--local'];
  }

  private run(kvArgs: string[], { allowFailure = false } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    const args = [WRANGLER_BIN, 'kv', 'key', ...kvArgs, ...this.targetArgs()];
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        args,
        { cwd: this.options.cwd, env: { ...process.env, ...OFFLINE_ENV }, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          const result = { code, stdout, stderr };
          if (code !== 0 && !allowFailure) reject(this.failure(kvArgs, result));
          else resolve(result);
        },
      );
    });
  }

  private failure(kvArgs: string[], result: { code: number; stdout: string; stderr: string }): CliError {
    const output = stripAnsi(`${result.stderr}\n${result.stdout}`).trim();
    return new CliError(`wrangler kv key ${kvArgs[0]} ${kvArgs[1] ?? ''} failed (exit ${result.code}):\n${output}`);
  }
}

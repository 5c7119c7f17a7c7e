import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { OFFLINE_ENV, run } from './processes';

const execFileAsync = promisify(execFile);

/**
 * Makes sure local KV has an active signing key, so tokens can be minted on a fresh
 * checkout: asks wrangler whether `signing:active` exists and, if not, has the keys CLI
 * create, publish and activate one (allowed without waiting only because nothing could
 * have cached the empty key set).
 */
export async function ensureDevKey(root: string, say: (line: string) => void): Promise<void> {
  const { stdout } = await execFileAsync('npx', ['wrangler', 'kv', 'key', 'list', '--binding', 'AUTH_KEYS', '--local', '--prefix', 'signing:active'], {
    cwd: root,
    env: { ...process.env, ...OFFLINE_ENV },
  });
  const keys = JSON.parse(stdout) as unknown;
  if (Array.isArray(keys) && keys.length > 0) return;
  say('no signing key in local KV yet: creating one');
  await run('npx', ['tsx', 'ops/src/keys/main.ts', 'rotate', '--local', '--activate-now'], { cwd: root });
}

import { join } from 'node:path';
import { readDevVars } from '../stack/dev-vars';
import { CliError } from './errors';
import type { KvTarget } from './wrangler-kv';

/**
 * KEY_WRAPPING_SECRET from the environment; for local state also from web/.dev.vars, the
 * file the web app reads in `next dev`. Remote keys never fall back to a file, so a dev
 * secret cannot end up wrapping production keys.
 */
export function wrappingSecret(target: KvTarget, root: string): string {
  const fromEnv = process.env.KEY_WRAPPING_SECRET;
  if (fromEnv) return fromEnv;
  if (target.kind === 'remote') throw new CliError('KEY_WRAPPING_SECRET must be set in the environment for --remote');
  const devVarsPath = join(root, 'web', '.dev.vars');
  const fromFile = readDevVars(devVarsPath).KEY_WRAPPING_SECRET;
  if (fromFile) return fromFile;
  throw new CliError(`KEY_WRAPPING_SECRET is neither in the environment nor in ${devVarsPath} (npm run dev creates that file)`);
}

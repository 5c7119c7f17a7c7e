import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCommand } from '../stack/processes';

/** Cloudflare's limit on a Worker's compressed size (Workers Free; Paid allows 10 MB). */
export const WORKER_GZIP_LIMIT = 3 * 1024 * 1024;

export type WorkerBundle = {
  dir: string;
  /** The entry module (what `main` became), inside `dir`. */
  entry: string;
  rawBytes: number;
  gzipBytes: number;
  /** Bytes each package contributes to the output (esbuild metafile), largest first. */
  inputs: { name: string; bytes: number }[];
};

/** Groups an esbuild input path by npm package (or `worker-api/src`). */
function packageOf(path: string): string {
  const at = path.lastIndexOf('node_modules/');
  if (at < 0) return path.startsWith('worker-api/') ? 'worker-api/src' : path.split('/').slice(0, 2).join('/');
  const parts = path.slice(at + 'node_modules/'.length).split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? path);
}

/** Which Worker to bundle: its wrangler config (relative to the root) and environment. */
export type BundleTarget = { config: string; env?: string };

/** The API Worker: the repository's wrangler.toml. */
export const API_WORKER: BundleTarget = { config: 'wrangler.toml' };
/** The web app as deployed: OpenNext's Worker (`npm run build:worker -w @chat/web` first), production bindings. */
export const WEB_WORKER: BundleTarget = { config: 'web/wrangler.toml', env: 'production' };

/**
 * Bundles a Worker with its wrangler config into `dir`, exactly as `wrangler deploy` would
 * upload it, without deploying; then measures it.
 */
export async function buildWorkerBundle(root: string, dir: string, target: BundleTarget = API_WORKER): Promise<WorkerBundle> {
  const envArgs = target.env ? ['--env', target.env] : [];
  await runCommand('npx', ['wrangler', 'deploy', '--dry-run', '--config', target.config, ...envArgs, '--outdir', dir, '--metafile', join(dir, 'meta.json')], { cwd: root, inherit: true });
  // Every module wrangler would upload (JS and any wasm), not the metafile or source maps.
  const code = Buffer.concat(readdirSync(dir).filter((f) => f !== 'meta.json' && !f.endsWith('.map')).map((f) => readFileSync(join(dir, f))));
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { outputs: Record<string, { entryPoint?: string; inputs: Record<string, { bytesInOutput: number }> }> };
  const entry = Object.entries(meta.outputs).find(([, output]) => output.entryPoint !== undefined)?.[0];
  if (entry === undefined) throw new Error(`wrangler's metafile in ${dir} names no entry point`);
  const totals = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) totals.set(packageOf(path), (totals.get(packageOf(path)) ?? 0) + input.bytesInOutput);
  }
  return {
    dir,
    entry: join(dir, basename(entry)),
    rawBytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    inputs: [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes),
  };
}

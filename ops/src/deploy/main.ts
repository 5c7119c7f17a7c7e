import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runCommand } from '../stack/processes';
import { placeholderBindings } from './config';
import { API_WORKER, buildWorkerBundle, WEB_WORKER, WORKER_GZIP_LIMIT, type BundleTarget } from './worker-bundle';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const OPEN_NEXT_WORKER = join(ROOT, 'web/.open-next/worker.js');
/** The product's own budget for the API Worker (issue: measure and harden); over it is a warning, not a failure. */
const API_GZIP_TARGET = 250 * 1024;

const say = (line: string) => console.log(`[deploy] ${line}`);
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

const USAGE = `npm run deploy [-- --dry-run] [-- --skip-web-build]

  (no flag)          D1 migrations --remote, the API Worker (wrangler deploy), the web app
                     (OpenNext build, then opennextjs-cloudflare deploy --env production)
  --dry-run          build both Workers as a deploy would upload them, check their sizes; upload nothing
  --skip-web-build   reuse web/.open-next (CI: the browser suite just built it)`;

/** Bundles one Worker as a deploy would and fails when Cloudflare would refuse it. */
async function checkWorker(label: string, target: BundleTarget, gzipTarget?: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'chat-worker-bundle-'));
  try {
    const bundle = await buildWorkerBundle(ROOT, dir, target);
    const budget = gzipTarget === undefined ? '' : `target ${kib(gzipTarget)}, `;
    say(`${label}: ${kib(bundle.rawBytes)} raw, ${kib(bundle.gzipBytes)} gzip (${budget}Cloudflare's limit ${kib(WORKER_GZIP_LIMIT)})`);
    say(`  largest inputs: ${bundle.inputs.slice(0, 5).map((i) => `${i.name} ${kib(i.bytes)}`).join(', ')}`);
    if (bundle.gzipBytes > WORKER_GZIP_LIMIT) throw new Error(`${label} is ${kib(bundle.gzipBytes)} gzip, over Cloudflare's ${kib(WORKER_GZIP_LIMIT)}: it would not deploy`);
    if (gzipTarget !== undefined && bundle.gzipBytes > gzipTarget) say(`  warning: over the ${kib(gzipTarget)} target`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds the web app with OpenNext (`next build`, then its Worker), or checks that a build is there. */
async function buildWeb(build: boolean): Promise<void> {
  if (build) await runCommand('npm', ['run', 'build:worker', '-w', '@chat/web'], { cwd: ROOT, inherit: true });
  if (!existsSync(OPEN_NEXT_WORKER)) throw new Error(`${OPEN_NEXT_WORKER} is missing: run npm run build:worker -w @chat/web`);
}

async function deploy(): Promise<void> {
  const missing = placeholderBindings(ROOT);
  if (missing.length > 0) {
    throw new Error(
      `these bindings still have placeholder ids; create the resources once and put their ids in the files (README, "Deploy"):\n${missing
        .map((m) => `  ${m.file}: ${m.what}  (${m.create})`)
        .join('\n')}`,
    );
  }
  say('applying D1 migrations to the remote database');
  await runCommand('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--remote'], { cwd: ROOT, env: { CI: 'true' }, inherit: true });
  // The API Worker first: the web Worker's service binding names it.
  say('deploying the API Worker');
  await runCommand('npx', ['wrangler', 'deploy'], { cwd: ROOT, inherit: true });
  await buildWeb(true);
  say('deploying the web app (Worker chat-web with its static assets)');
  await runCommand('npx', ['opennextjs-cloudflare', 'deploy', '--env', WEB_WORKER.env ?? 'production'], { cwd: join(ROOT, 'web'), inherit: true });
  say('done');
}

async function main(argv: string[]): Promise<number> {
  let values: { 'dry-run'?: boolean; 'skip-web-build'?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { 'dry-run': { type: 'boolean' }, 'skip-web-build': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  try {
    if (values['dry-run']) {
      await checkWorker('API Worker (chat-api)', API_WORKER, API_GZIP_TARGET);
      await buildWeb(!values['skip-web-build']);
      await checkWorker('web Worker (chat-web, OpenNext)', WEB_WORKER);
      say('dry run: both Workers build and fit; nothing was uploaded');
    } else {
      await deploy();
    }
    return 0;
  } catch (err) {
    console.error(`[deploy] ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));

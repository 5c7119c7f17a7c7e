import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { run } from '../dev/processes';
import { placeholderBindings } from './config';
import { buildWorkerBundle, WORKER_GZIP_LIMIT } from './worker-bundle';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PAGES_OUTPUT = join(ROOT, 'web/.vercel/output/static');
/** The product's own budget for the Worker (issue: measure and harden); over it is a warning, not a failure. */
const WORKER_GZIP_TARGET = 250 * 1024;
const PAGES_PROJECT = process.env.PAGES_PROJECT ?? 'chat-web';

const say = (line: string) => console.log(`[deploy] ${line}`);
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

const USAGE = `npm run deploy [-- --dry-run] [-- --skip-pages-build]

  (no flag)            D1 migrations --remote, the Worker (wrangler deploy), the web app
                       (next-on-pages build, wrangler pages deploy --project-name ${PAGES_PROJECT})
  --dry-run            build both deploy bundles and check them; upload nothing
  --skip-pages-build   reuse web/.vercel/output/static (CI: the browser suite just built it)`;

/** Bundles the Worker as a deploy would and fails when Cloudflare would refuse it. */
async function checkWorker(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'chat-worker-bundle-'));
  try {
    const bundle = await buildWorkerBundle(ROOT, dir);
    say(`Worker bundle: ${kib(bundle.rawBytes)} raw, ${kib(bundle.gzipBytes)} gzip (target ${kib(WORKER_GZIP_TARGET)}, Cloudflare's limit ${kib(WORKER_GZIP_LIMIT)})`);
    say(`  largest inputs: ${bundle.inputs.slice(0, 5).map((i) => `${i.name} ${kib(i.bytes)}`).join(', ')}`);
    if (bundle.gzipBytes > WORKER_GZIP_LIMIT) throw new Error(`the Worker is ${kib(bundle.gzipBytes)} gzip, over Cloudflare's ${kib(WORKER_GZIP_LIMIT)}: it would not deploy`);
    if (bundle.gzipBytes > WORKER_GZIP_TARGET) say(`  warning: over the ${kib(WORKER_GZIP_TARGET)} target`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds (or reuses) the Pages output and checks it holds the edge functions Pages runs. */
async function checkPages(build: boolean): Promise<void> {
  if (build) await run('npm', ['run', 'build', '-w', '@chat/web'], { cwd: ROOT });
  const worker = join(PAGES_OUTPUT, '_worker.js/index.js');
  if (!existsSync(worker)) throw new Error(`${worker} is missing: the Pages build did not produce its functions (run npm run build -w @chat/web)`);
  say(`Pages output: ${PAGES_OUTPUT} (functions entry ${kib(statSync(worker).size)})`);
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
  await run('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--remote'], { cwd: ROOT, env: { CI: 'true' } });
  say('deploying the Worker');
  await run('npx', ['wrangler', 'deploy'], { cwd: ROOT });
  await checkPages(true);
  say(`deploying the web app to Pages project ${PAGES_PROJECT}`);
  await run('npx', ['wrangler', 'pages', 'deploy', PAGES_OUTPUT, '--project-name', PAGES_PROJECT, '--branch', 'main'], { cwd: join(ROOT, 'web') });
  say('done');
}

async function main(argv: string[]): Promise<number> {
  let values: { 'dry-run'?: boolean; 'skip-pages-build'?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { 'dry-run': { type: 'boolean' }, 'skip-pages-build': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
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
      await checkWorker();
      await checkPages(!values['skip-pages-build']);
      say('dry run: both bundles build; nothing was uploaded');
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

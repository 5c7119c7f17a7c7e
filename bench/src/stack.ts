import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTokenSigner, type AccessClaims, type TokenSigner } from '@chat/keys';
import {
  builtAppConfig,
  freePort,
  keysCli as runKeysCli,
  localKvStore,
  type ProcessSet,
  randomSecret,
  ROOT,
  sessionCookie,
  sqlRows,
  startFakeToss,
  startScratchStack,
  startWranglerDev,
  TSX,
  varArgs,
  waitForHttp,
  type Child,
} from '@chat/ops/stack';
import { buildWorker, type WorkerBuild } from './bundle';
import type { BundleTarget } from '@chat/ops/worker-bundle';
import { onlyD1Database } from './d1-databases';
import { groupsGone } from './procfs';

export { ROOT, sessionCookie };

export type WorkerRuntime = 'wrangler' | 'miniflare';

export type D1Placement = 'process' | 'worker';

/** How the fake OpenAI answers by default (each request can still override with `[[fake …]]`). */
export type UpstreamPace = { ttftMs: number; gapMs: number; tokens: number };

export type BenchStackOptions = {
  /** Names the temporary state and log directory. */
  name: string;
  pace: UpstreamPace;
  /** Also serve the built web app (BFF): OpenNext's Worker bundle in Miniflare. */
  withWeb: boolean;
  /** Extra `--var`s for the Worker (e.g. a short JWKS_CACHE_TTL_S). */
  workerVars?: Record<string, string>;
  /** The Worker to bundle, when not the repository's (the simulated geography's test-only entry). */
  workerTarget?: BundleTarget;
  /**
   * `wrangler` (default): `wrangler dev`, as `npm run dev` and the e2e suite run it.
   * `miniflare`: the same bundle, workerd and local state without wrangler's dev proxy (see run-worker.ts).
   */
  workerRuntime?: WorkerRuntime;
  /**
   * Under `miniflare` only. `worker` (default): Miniflare's simulator inside the Worker's workerd. `process`: D1
   * in a workerd process of its own (d1-host/worker.ts), as production keeps it off the Worker's thread.
   */
  d1?: D1Placement;
  /** Progress lines. */
  say?: (line: string) => void;
};

export type BenchStack = {
  workerUrl: string;
  /** The BFF as the app knows itself (`http://localhost:<port>`, its AUTH_URL); undefined without `withWeb`. */
  appUrl: string | undefined;
  /** The fake OpenAI's origin (no `/v1`): `/v1/chat/completions`, `/__fake/stats`, `/__fake/config`. */
  fakeUrl: string;
  persistTo: string;
  /** Each process's output (`worker.log`, `web.log`, `openai.log`); kept after `stop`. */
  logDir: string;
  /** The bundle the Worker runs from (built once at start, so source edits do not restart it mid-run). */
  workerBuild: WorkerBuild;
  secrets: { AUTH_SECRET: string; KEY_WRAPPING_SECRET: string };
  /** Process ids of the long-running children (each the leader of its own process group). */
  pids: { worker: number; web: number | undefined; openai: number; d1: number | undefined };
  /** DevTools inspector ports of the Worker's and the BFF's isolates (for CPU profiles). */
  inspectors: { worker: number; web: number | undefined };
  stop: () => Promise<void>;
};

/** The plan every bench and load user is put on: quotas and slots far beyond any run. */
export const BENCH_PLAN = {
  id: 'bench',
  maxTokensPerRequest: 100_000,
  dailyTokenQuota: 1_000_000_000_000,
  monthlyTokenQuota: 1_000_000_000_000,
  concurrentStreams: 100_000,
} as const;

/**
 * The product on loopback for measuring it, from the local stack of `@chat/ops/stack`: a
 * temporary wrangler state with the D1 migrations applied and a signing key made by the
 * keys CLI (as the browser suite's), the fake OpenAI in its own process (so its timers do not share an event loop with
 * the load generator), the Worker under `wrangler dev`, and optionally the built web app
 * (OpenNext's Worker, bundled as a deploy uploads it) in Miniflare, so the BFF row measures
 * the BFF and no dev proxy. Every process runs in its own group; `stop` ends them and
 * deletes the state, also after a failed start.
 */
export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const say = options.say ?? (() => {});
  say(`applying D1 migrations, creating a signing key (keys CLI), bundling the Worker`);
  // The bundle (wrangler deploy --dry-run) is built while the state is prepared.
  const { stack, alongside } = await startScratchStack({
    name: options.name,
    // workerd outlives its wrangler parent by a moment and would write into a deleted state.
    waitGone: groupsGone,
    alongside: (persistTo) => buildWorker(join(persistTo, 'worker-build'), options.workerTarget),
  });
  const { persistTo, logDir, processes, secrets } = stack;
  say(`state in ${persistTo}, logs in ${logDir}`);

  try {
    const workerBuild = alongside;
    const openaiPort = await freePort();
    const openai = processes.start('openai', TSX, ['fakes/openai/src/main.ts'], {
      cwd: ROOT,
      env: {
        FAKE_OPENAI_PORT: String(openaiPort),
        FAKE_OPENAI_TTFT_MS: String(options.pace.ttftMs),
        FAKE_OPENAI_GAP_MS: String(options.pace.gapMs),
        FAKE_OPENAI_TOKENS: String(options.pace.tokens),
      },
    });
    const fakeUrl = `http://127.0.0.1:${openaiPort}`;
    // Payments stay on loopback too, so no route can reach the internet.
    const toss = await startFakeToss({ port: await freePort(), host: '127.0.0.1' });
    stack.onStop(() => toss.close());
    await waitForHttp(`${fakeUrl}/__fake/config`, 30_000);

    const workerConfig = snapshotConfig(workerBuild);
    const workerPort = await freePort();
    const workerInspector = await freePort();
    const vars: Record<string, string> = {
      OPENAI_BASE_URL: `${fakeUrl}/v1`,
      OPENAI_API_KEY: 'sk-bench-fake',
      TOSS_API_BASE: toss.url,
      TOSS_SECRET_KEY: 'test_sk_bench_fake',
      BILLING_KEY_SECRET: randomSecret(),
      // Like the write burst below, the start burst would cut short a run of hundreds of streams from a few users.
      STREAM_STARTS_PER_MINUTE: '1000000',
      ...options.workerVars,
    };
    const runtime = options.workerRuntime ?? 'wrangler';
    say(`starting the Worker (${runtime === 'wrangler' ? 'wrangler dev' : 'Miniflare, no dev proxy'})`);
    const workerUrl = `http://127.0.0.1:${workerPort}`;
    let worker: Child;
    let d1Pid: number | undefined;
    if (runtime === 'wrangler') {
      ({ child: worker } = await startWranglerDev(processes, 'worker', { config: workerConfig, noBundle: true, port: workerPort, inspectorPort: workerInspector, persistTo, vars, cwd: ROOT, readyPath: '/health' }));
    } else {
      const d1Args: string[] = [];
      if (options.d1 === 'process') {
        const d1 = await startD1Host(processes, workerConfig, persistTo);
        d1Pid = d1.pid;
        d1Args.push('--d1-url', d1.url);
      }
      worker = processes.start(
        'worker',
        TSX,
        ['bench/src/run-worker.ts', '--name', 'chat-api', '--config', workerConfig, '--script', workerBuild.script, '--port', String(workerPort), '--inspector-port', String(workerInspector), '--persist-to', persistTo, ...d1Args, ...varArgs(vars)],
        { cwd: ROOT },
      );
      await waitForHttp(`${workerUrl}/health`, 90_000);
    }

    let appUrl: string | undefined;
    let webPid: number | undefined;
    let webInspector: number | undefined;
    if (options.withWeb) {
      say('bundling the web app as a deploy would (OpenNext build) and starting it in Miniflare (no dev proxy)');
      const webBuild = await buildWorker(join(persistTo, 'web-build'), { config: 'web/wrangler.toml' });
      const webPort = await freePort();
      webInspector = await freePort();
      const webVars: Record<string, string> = {
        ...secrets,
        AUTH_KAKAO_ID: 'bench-kakao',
        AUTH_KAKAO_SECRET: 'bench-kakao-secret',
        AUTH_URL: `http://localhost:${webPort}`,
        AUTH_TRUST_HOST: 'true',
        WORKER_API_URL: workerUrl,
      };
      const web = processes.start(
        'web',
        TSX,
        [
          'bench/src/run-worker.ts',
          '--name', 'chat-web',
          '--config', builtAppConfig(webBuild.bundle.dir),
          '--script', webBuild.script,
          '--port', String(webPort),
          '--inspector-port', String(webInspector),
          '--persist-to', persistTo,
          ...varArgs(webVars),
        ],
        { cwd: ROOT },
      );
      webPid = web.pid;
      await waitForHttp(`http://127.0.0.1:${webPort}/`, 120_000);
      appUrl = `http://localhost:${webPort}`;
    }

    return {
      workerUrl,
      appUrl,
      fakeUrl,
      persistTo,
      logDir,
      workerBuild,
      secrets,
      pids: { worker: requirePid(worker.pid), web: webPid, openai: requirePid(openai.pid), d1: d1Pid },
      inspectors: { worker: workerInspector, web: webInspector },
      stop: stack.stop,
    };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}

/**
 * The repository's wrangler.toml pointed at a built bundle. `wrangler dev` on the sources
 * rebuilds and restarts the Worker whenever a file changes, failing the requests in flight
 * ("Your worker restarted mid-request"); on a snapshot, a run measures one version of the code.
 */
function snapshotConfig(build: WorkerBuild): string {
  const config = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8')
    .replace(/^main = .*$/m, `main = ${JSON.stringify(build.script)}`)
    // The per-user write burst would cut short a run that drives hundreds of streams from a
    // few users: the relay is measured here, the guards in the Worker's own tests.
    .replace(/^simple = \{ limit = \d+, period = (\d+) \}$/gm, 'simple = { limit = 1000000, period = $1 }')
    .replace(/^migrations_dir = .*$/m, `migrations_dir = ${JSON.stringify(join(ROOT, 'migrations'))}`);
  const path = join(build.bundle.dir, 'wrangler.toml');
  writeFileSync(path, config);
  return path;
}

const D1_HOST_CONFIG = join(ROOT, 'bench/src/d1-host/wrangler.toml');

/**
 * The Worker's D1 databases in a workerd process of their own (d1-host/worker.ts), on the
 * SQLite files of `persistTo`'s local D1: its object storage directory is the simulator's.
 */
export async function startD1Host(processes: ProcessSet, workerConfig: string, persistTo: string): Promise<{ url: string; pid: number }> {
  const databaseId = onlyD1Database(workerConfig);
  const dir = join(persistTo, 'd1-host');
  const build = await buildWorker(join(dir, 'build'), { config: D1_HOST_CONFIG });
  mkdirSync(join(dir, 'v3'), { recursive: true });
  symlinkSync(join(persistTo, 'v3', 'd1'), join(dir, 'v3', 'do'));
  const port = await freePort();
  const child = processes.start(
    'd1',
    TSX,
    ['bench/src/run-worker.ts', '--name', 'miniflare', '--config', D1_HOST_CONFIG, '--script', build.script, '--port', String(port), '--persist-to', dir, '--var', `DATABASE_ID:${databaseId}`],
    { cwd: ROOT },
  );
  const url = `http://127.0.0.1:${port}`;
  // Up once it answers at all (a GET is refused: D1 queries are POSTed).
  await waitForHttp(url, 90_000, child);
  return { url, pid: requirePid(child.pid) };
}

function requirePid(pid: number | undefined): number {
  if (pid === undefined) throw new Error('a child process did not start');
  return pid;
}

/** Runs SQL against the stack's local D1 and returns the rows of the last statement. */
export function sql<T = Record<string, unknown>>(persistTo: string, command: string): Promise<T[]> {
  return sqlRows<T>({ persistTo }, command);
}

/** Runs the keys CLI (`npm run keys -- …`) against the stack's local state; returns its stdout. */
export function keysCli(stack: Pick<BenchStack, 'persistTo' | 'secrets'>, args: string[]): Promise<string> {
  return runKeysCli({ persistTo: stack.persistTo, wrappingSecret: stack.secrets.KEY_WRAPPING_SECRET }, args);
}

/**
 * Signs tokens with whatever key is active in the stack's local KV, the way the web app
 * does (`@chat/keys` over the keys CLI's wrangler-backed store). The store costs a wrangler
 * process per read, so the active kid is re-read every `activeKidCacheMs` only.
 */
export function localSigner(stack: Pick<BenchStack, 'persistTo' | 'secrets'>, activeKidCacheMs?: number): TokenSigner {
  const store = localKvStore({ persistTo: stack.persistTo });
  return createTokenSigner({ store, wrappingSecret: stack.secrets.KEY_WRAPPING_SECRET, ...(activeKidCacheMs === undefined ? {} : { activeKidCacheMs }) });
}

export type BenchUser = { claims: AccessClaims; providerAccountId: string };

/** A plan row, as migrations/0002 defines the table. */
export type PlanSpec = { id: string; models?: string[]; maxTokensPerRequest: number; dailyTokenQuota: number; monthlyTokenQuota: number; concurrentStreams: number };

/** Users to create: `count` of them on `planId`, provider account ids `<prefix>-<n>`. */
export type UserGroup = { prefix: string; planId: string; count: number; roles?: string[] };

/**
 * Inserts (or replaces) plan rows and creates users on them: each user through
 * `POST /internal/users/provision` with a `svc:web` token, as the web app does at first
 * sign-in, then every group put on its plan and marked onboarded in one SQL batch (each
 * wrangler call costs seconds).
 */
export async function provisionGroups(
  stack: Pick<BenchStack, 'workerUrl' | 'persistTo'>,
  signer: TokenSigner,
  plans: PlanSpec[],
  groups: UserGroup[],
): Promise<Record<string, BenchUser[]>> {
  const statements = plans.map(
    (plan) =>
      `INSERT OR REPLACE INTO plans (id, name, models, max_tokens_per_request, daily_token_quota, monthly_token_quota, concurrent_streams, price_krw, sort_order) ` +
      `VALUES ('${plan.id}', '${plan.id}', '${JSON.stringify(plan.models ?? ['gpt-4o-mini'])}', ${plan.maxTokensPerRequest}, ${plan.dailyTokenQuota}, ${plan.monthlyTokenQuota}, ${plan.concurrentStreams}, 0, 99)`,
  );
  const { token: service } = await signer.sign({ sub: 'svc:web', roles: ['service'], scopes: ['users:provision'], onboarded: false }, { ttlSeconds: 600 });
  const provision = async (providerAccountId: string, name: string) => {
    const res = await fetch(`${stack.workerUrl}/internal/users/provision`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${service}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ provider: 'bench', providerAccountId, name }),
    });
    if (!res.ok) throw new Error(`provisioning ${providerAccountId} failed: ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string; scopes: string[] };
  };
  const created: Record<string, BenchUser[]> = {};
  for (const group of groups) {
    const roles = group.roles ?? ['user'];
    const users: BenchUser[] = [];
    for (let i = 0; i < group.count; i++) {
      const providerAccountId = `${group.prefix}-${i}`;
      const user = await provision(providerAccountId, `Bench ${group.prefix} ${i}`);
      users.push({ providerAccountId, claims: { sub: user.id, roles, scopes: user.scopes, onboarded: true } });
    }
    created[group.prefix] = users;
    statements.push(`UPDATE users SET plan_id = '${group.planId}', onboarded = 1, roles = '${JSON.stringify(roles)}' WHERE id IN (${users.map((u) => `'${u.claims.sub}'`).join(',')})`);
  }
  await sql(stack.persistTo, statements.join(';\n'));
  // Provisioning again answers with the scopes of the roles now stored (e.g. admin's).
  for (const group of groups.filter((g) => g.roles !== undefined)) {
    for (const user of created[group.prefix] ?? []) user.claims.scopes = (await provision(user.providerAccountId, 'again')).scopes;
  }
  return created;
}

/** `count` users on `planId` (which must exist, or be passed in `plan`). */
export async function provisionUsers(
  stack: Pick<BenchStack, 'workerUrl' | 'persistTo'>,
  signer: TokenSigner,
  options: UserGroup & { plan?: PlanSpec },
): Promise<BenchUser[]> {
  const created = await provisionGroups(stack, signer, options.plan ? [options.plan] : [], [options]);
  return created[options.prefix] ?? [];
}

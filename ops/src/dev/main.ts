import {
  applyMigrations,
  ensureDevVars,
  ensureSigningKey,
  NEXT,
  ProcessSet,
  readDevVars,
  ROOT,
  startFakeKakao,
  startFakeOpenAI,
  startFakeToss,
  startWranglerDev,
  waitForHttp,
} from '../stack';

const WORKER_PORT = Number(process.env.WORKER_PORT ?? 8787);
const FAKE_OPENAI_PORT = Number(process.env.FAKE_OPENAI_PORT ?? 8790);
const FAKE_KAKAO_PORT = Number(process.env.FAKE_KAKAO_PORT ?? 8791);
const FAKE_TOSS_PORT = Number(process.env.FAKE_TOSS_PORT ?? 8792);
/** A second fake OpenAI, for an operator to add as a fallback provider (README, "Providers, retries and fallbacks"). */
const FAKE_FALLBACK_OPENAI_PORT = Number(process.env.FAKE_FALLBACK_OPENAI_PORT ?? 8793);
/** The fallback fake's key when .dev.vars has none: it accepts only its own, so the Worker must send the one its provider row names. */
const FALLBACK_FAKE_KEY = 'sk-local-fallback-fake';
/** The fake's SDK stand-in accepts any `test_ck_` key; this one says where it comes from. */
const FAKE_TOSS_CLIENT_KEY = 'test_ck_local_fake_toss';
/** Who gets the admin role on signing in locally: Alice of the fake Kakao, unless ADMIN_EMAILS says otherwise. */
const DEV_ADMIN_EMAILS = process.env.ADMIN_EMAILS ?? 'alice@example.com';
const WEB_PORT = Number(process.env.WEB_PORT ?? 3000);

const say = (line: string) => console.log(`[dev] ${line}`);

/** Set once processes are running, so a failure later in start-up can stop them. */
let stopEverything: ((code: number) => Promise<void>) | undefined;

/**
 * `npm run dev`: everything local and offline. Creates local secrets and a signing key on
 * first run, applies D1 migrations to the local state, starts the fakes that stand in for
 * outside services and the Worker, and stops them all on Ctrl-C.
 */
async function main(): Promise<void> {
  if (ensureDevVars(`${ROOT}.dev.vars`, `${ROOT}.dev.vars.example`)) say('created .dev.vars (Worker secrets)');
  if (ensureDevVars(`${ROOT}web/.dev.vars`, `${ROOT}web/.dev.vars.example`)) say('created web/.dev.vars (web app and keys CLI secrets)');
  const workerVars = readDevVars(`${ROOT}.dev.vars`);
  const webVars = readDevVars(`${ROOT}web/.dev.vars`);
  // The repository's own .wrangler/state, which the keys CLI and next.config.mjs also use.
  const state = {};

  // The project's pinned Node (npm puts node_modules/.bin first on the PATH); every child inherits it.
  say(`node ${process.version}`);
  say('applying D1 migrations to the local database');
  await applyMigrations(state, { inherit: true });
  if (await ensureSigningKey(state)) say('no signing key in local KV yet: created and activated one');

  const stops: (() => Promise<void>)[] = [];
  const group = new ProcessSet('terminal', (name, code) => {
    say(`${name} exited unexpectedly (code ${code}); stopping everything`);
    void shutdown(1);
  });
  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    say('stopping…');
    await group.stopAll(5000);
    await Promise.all(stops.map((stop) => stop()));
    process.exit(code);
  };
  stopEverything = shutdown;
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  const workerExtraVars: Record<string, string> = {};
  const realOpenAI = Boolean(process.env.OPENAI_API_KEY || workerVars.OPENAI_API_KEY);
  if (realOpenAI) {
    say('OPENAI_API_KEY is set: the Worker calls the real OpenAI API');
    if (process.env.OPENAI_API_KEY) workerExtraVars.OPENAI_API_KEY = process.env.OPENAI_API_KEY;
  } else {
    const fake = await startFakeOpenAI({ port: FAKE_OPENAI_PORT, log: (line) => console.log(`[openai] ${line}`) });
    stops.push(() => fake.close());
    say(`fake OpenAI on ${fake.url} (OPENAI_API_KEY is unset)`);
    Object.assign(workerExtraVars, { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'sk-local-fake' });
    const fallbackKey = workerVars.FALLBACK_OPENAI_API_KEY || FALLBACK_FAKE_KEY;
    const fallback = await startFakeOpenAI({ port: FAKE_FALLBACK_OPENAI_PORT, apiKey: fallbackKey, log: (line) => console.log(`[openai-fallback] ${line}`) });
    stops.push(() => fallback.close());
    say(`fake fallback OpenAI on ${fallback.url} (key in FALLBACK_OPENAI_API_KEY; add it as a provider in /admin to use it)`);
    workerExtraVars.FALLBACK_OPENAI_API_KEY = fallbackKey;
  }

  // Toss: the fake unless web/.dev.vars names a real (test) client key, in which case the
  // Worker uses TOSS_SECRET_KEY from .dev.vars against the real API.
  const tossWeb: Record<string, string> = {};
  if (webVars.TOSS_CLIENT_KEY) {
    say('TOSS_CLIENT_KEY is set in web/.dev.vars: payments go to the real Toss API');
  } else {
    const toss = await startFakeToss({
      port: FAKE_TOSS_PORT,
      host: '127.0.0.1',
      webhookUrl: `http://127.0.0.1:${WORKER_PORT}/billing/webhook`,
      log: (line) => console.log(`[toss] ${line}`),
    });
    stops.push(() => toss.close());
    say(`fake Toss Payments on ${toss.url} (webhooks to the Worker)`);
    workerExtraVars.TOSS_API_BASE = toss.url;
    if (!workerVars.TOSS_SECRET_KEY) workerExtraVars.TOSS_SECRET_KEY = 'test_sk_local_fake_key';
    Object.assign(tossWeb, { TOSS_CLIENT_KEY: FAKE_TOSS_CLIENT_KEY, TOSS_SDK_URL: `${toss.url}/v2/standard` });
  }

  workerExtraVars.ADMIN_EMAILS = DEV_ADMIN_EMAILS;
  // --test-scheduled: /__scheduled runs the cron handler by hand (subscription renewals).
  await startWranglerDev(group, 'worker', { ...state, port: WORKER_PORT, vars: workerExtraVars, testScheduled: true, cwd: ROOT, readyPath: '/health' });

  // The browser is sent to the fake's consent page and the web app calls its token and user
  // endpoints, so it gets the client id and secret the web app signs in with.
  const kakao = await startFakeKakao({
    port: FAKE_KAKAO_PORT,
    host: '127.0.0.1',
    clientId: webVars.AUTH_KAKAO_ID,
    clientSecret: webVars.AUTH_KAKAO_SECRET,
    log: (line) => console.log(`[kakao] ${line}`),
  });
  stops.push(() => kakao.close());
  say(`fake Kakao on ${kakao.url}`);

  // `next dev` (hot reload) rather than the OpenNext build: next.config.mjs calls
  // initOpenNextCloudflareForDev, which binds AUTH_KEYS to this repository's .wrangler/state (where the
  // signing key above lives) and reads web/.dev.vars. The variables below are the wiring.
  const webUrl = `http://localhost:${WEB_PORT}`;
  group.start('web', NEXT, ['dev', '--port', String(WEB_PORT), '--hostname', '127.0.0.1'], {
    cwd: `${ROOT}web`,
    env: {
      ...webVars,
      WORKER_API_URL: `http://127.0.0.1:${WORKER_PORT}`,
      AUTH_URL: webUrl,
      AUTH_TRUST_HOST: 'true',
      KAKAO_AUTH_BASE: kakao.url,
      KAKAO_API_BASE: kakao.url,
      ...tossWeb,
    },
  });
  // The first request compiles the page, which takes a while.
  await waitForHttp(`http://127.0.0.1:${WEB_PORT}/`, 180_000);

  say('ready:');
  say(`  open            ${webUrl}   (log in with the fake Kakao: pick a user, approve)`);
  say(`  run the cron    curl 'http://127.0.0.1:${WORKER_PORT}/__scheduled?cron=0+*+*+*+*'   (billing renewals, as the hourly trigger does)`);
  say(`  admin console   ${webUrl}/admin   (sign in as ${DEV_ADMIN_EMAILS || 'an ADMIN_EMAILS address'}; Alice is the fake Kakao's)`);
  say(`  Worker API      http://127.0.0.1:${WORKER_PORT}   (reference: http://127.0.0.1:${WORKER_PORT}/docs)`);
  say('  mint a token    npm run -s keys -- token --local --sub <user id> --scopes chat:write,conversations:read');
  say('Ctrl-C stops everything.');
}

main().catch(async (err: unknown) => {
  console.error(`[dev] ${err instanceof Error ? err.message : String(err)}`);
  // A failed start must not leave the Worker or the web app running behind it.
  await stopEverything?.(1);
  process.exit(1);
});

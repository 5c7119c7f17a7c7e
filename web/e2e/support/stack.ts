import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeKakao } from '@chat/fake-kakao';
import { startFakeOpenAI } from '@chat/fake-openai';
import { startFakeToss } from '@chat/fake-toss';
import { freePort, ProcessSet, runCommand, waitForHttp } from './processes';
import { createSigningKey, randomSecret, ROOT, startWebApp, WEB_DIR, WRANGLER } from './web-app';

/** The support address the suite's app is configured with (shown to a suspended account). */
export const SUPPORT_EMAIL = 'help@edge-chat.test';

export type Stack = {
  /** Where the browser opens the app. */
  appUrl: string;
  /** The Worker under `wrangler dev`. */
  workerUrl: string;
  /** The fake OpenAI (controls under `/__fake`, e.g. `POST /__fake/config` to make it fail). */
  openaiUrl: string;
  /** The fake Toss Payments (API, payment window, controls under `/__fake`). */
  tossUrl: string;
  /** The web app's secrets (to mint sessions and tokens the way the app does). */
  secrets: { AUTH_SECRET: string; KEY_WRAPPING_SECRET: string };
  persistTo: string;
  /** Runs SQL against the Worker's local D1. */
  sql: (command: string) => Promise<string>;
  stop: () => Promise<void>;
};

/**
 * The whole product on loopback, from scratch: a temporary wrangler state with the D1
 * migrations applied and a signing key made by the keys CLI, the fake OpenAI and fake Kakao,
 * the Worker under `wrangler dev`, and the BUILT web app (OpenNext) under `wrangler dev`.
 * `options.workerVars` adds Worker vars (e.g. ADMIN_EMAILS). `stop` ends every process by its group and deletes the state, also after a failed start.
 */
export async function startStack(name: string, options: { workerVars?: Record<string, string> } = {}): Promise<Stack> {
  const logDir = join(WEB_DIR, `test-results/logs/${name}`);
  const processes = new ProcessSet(logDir);
  const logTo = (file: string) => (line: string) => appendFileSync(join(logDir, file), `${line}\n`);
  const persistTo = mkdtempSync(join(tmpdir(), 'chat-e2e-state-'));
  const closers: (() => Promise<void>)[] = [];
  const stop = async () => {
    await processes.stopAll();
    await Promise.allSettled(closers.map((close) => close()));
    rmSync(persistTo, { recursive: true, force: true });
  };

  try {
    const secrets = { AUTH_SECRET: randomSecret(), KEY_WRAPPING_SECRET: randomSecret() };
    await runCommand(WRANGLER, ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo], { cwd: ROOT });
    await createSigningKey(persistTo, secrets.KEY_WRAPPING_SECRET);

    const openai = await startFakeOpenAI({ port: await freePort(), ttftMs: 20, gapMs: 20, tokens: 12, log: logTo('openai.log') });
    closers.push(() => openai.close());
    const kakao = await startFakeKakao({ port: await freePort(), host: '127.0.0.1', log: logTo('kakao.log') });
    closers.push(() => kakao.close());

    const workerPort = await freePort();
    const workerInspector = await freePort();
    const toss = await startFakeToss({ port: await freePort(), host: '127.0.0.1', webhookUrl: `http://127.0.0.1:${workerPort}/billing/webhook`, log: logTo('toss.log') });
    closers.push(() => toss.close());
    processes.start(
      'worker',
      WRANGLER,
      [
        'dev',
        '--port', String(workerPort),
        '--ip', '127.0.0.1',
        '--inspector-port', String(workerInspector),
        '--persist-to', persistTo,
        '--show-interactive-dev-session=false',
        '--var', `OPENAI_BASE_URL:${openai.url}`,
        '--var', 'OPENAI_API_KEY:sk-e2e-fake',
        '--var', 'HEARTBEAT_MS:1000',
        '--var', `TOSS_API_BASE:${toss.url}`,
        '--var', 'TOSS_SECRET_KEY:test_sk_e2e_fake',
        '--var', `BILLING_KEY_SECRET:${randomSecret()}`,
        ...Object.entries(options.workerVars ?? {}).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
      ],
      { cwd: ROOT },
    );
    await waitForHttp(`http://127.0.0.1:${workerPort}/health`, 90_000);

    const webPort = await freePort();
    const appUrl = await startWebApp(processes, {
      port: webPort,
      persistTo,
      vars: {
        ...secrets,
        AUTH_KAKAO_ID: 'local-kakao-client',
        AUTH_KAKAO_SECRET: 'local-kakao-secret',
        AUTH_URL: `http://localhost:${webPort}`,
        AUTH_TRUST_HOST: 'true',
        WORKER_API_URL: `http://127.0.0.1:${workerPort}`,
        KAKAO_AUTH_BASE: kakao.url,
        KAKAO_API_BASE: kakao.url,
        TOSS_CLIENT_KEY: 'test_ck_e2e_fake',
        TOSS_SDK_URL: `${toss.url}/v2/standard`,
        SUPPORT_EMAIL: SUPPORT_EMAIL,
      },
    });

    const sql = (command: string) => runCommand(WRANGLER, ['d1', 'execute', 'DB', '--local', '--persist-to', persistTo, '--json', '--command', command], { cwd: ROOT });
    return { appUrl, workerUrl: `http://127.0.0.1:${workerPort}`, openaiUrl: new URL(openai.url).origin, tossUrl: toss.url, secrets, persistTo, sql, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

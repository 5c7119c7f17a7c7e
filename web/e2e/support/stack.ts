import { join } from 'node:path';
import { d1Execute, freePort, startBuiltWebApp, startFakeKakao, startFakeOpenAI, startFakeToss, startScratchStack, randomSecret, ROOT, startWranglerDev, WEB_DIR, type StackSecrets } from '@chat/ops/stack';

export { WEB_DIR };

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
  secrets: StackSecrets;
  persistTo: string;
  /** Runs SQL against the Worker's local D1. */
  sql: (command: string) => Promise<string>;
  stop: () => Promise<void>;
};

/**
 * The whole product on loopback, from scratch (the local stack of `@chat/ops/stack`): a
 * temporary wrangler state with the D1 migrations applied and a signing key made by the keys
 * CLI, the fake OpenAI, Kakao and Toss, the Worker under `wrangler dev`, and the BUILT web app
 * (OpenNext) under `wrangler dev`; logs under `test-results/logs/<name>`.
 * `options.workerVars` adds Worker vars (e.g. ADMIN_EMAILS). `stop` ends every process by its group and deletes the state, also after a failed start.
 */
export async function startStack(name: string, options: { workerVars?: Record<string, string> } = {}): Promise<Stack> {
  const { stack } = await startScratchStack({ name: 'e2e', logDir: join(WEB_DIR, `test-results/logs/${name}`) });
  const { persistTo, secrets } = stack;
  try {
    const openai = await startFakeOpenAI({ port: await freePort(), ttftMs: 20, gapMs: 20, tokens: 12, log: stack.logTo('openai.log') });
    stack.onStop(() => openai.close());
    const kakao = await startFakeKakao({ port: await freePort(), host: '127.0.0.1', log: stack.logTo('kakao.log') });
    stack.onStop(() => kakao.close());

    const workerPort = await freePort();
    const toss = await startFakeToss({ port: await freePort(), host: '127.0.0.1', webhookUrl: `http://127.0.0.1:${workerPort}/billing/webhook`, log: stack.logTo('toss.log') });
    stack.onStop(() => toss.close());
    const worker = await startWranglerDev(stack.processes, 'worker', {
      port: workerPort,
      persistTo,
      cwd: ROOT,
      readyPath: '/health',
      vars: {
        OPENAI_BASE_URL: openai.url,
        OPENAI_API_KEY: 'sk-e2e-fake',
        HEARTBEAT_MS: '1000',
        TOSS_API_BASE: toss.url,
        TOSS_SECRET_KEY: 'test_sk_e2e_fake',
        BILLING_KEY_SECRET: randomSecret(),
        ...options.workerVars,
      },
    });

    const webPort = await freePort();
    const appUrl = await startBuiltWebApp(stack.processes, {
      port: webPort,
      persistTo,
      vars: {
        ...secrets,
        AUTH_KAKAO_ID: 'local-kakao-client',
        AUTH_KAKAO_SECRET: 'local-kakao-secret',
        AUTH_URL: `http://localhost:${webPort}`,
        AUTH_TRUST_HOST: 'true',
        WORKER_API_URL: worker.url,
        KAKAO_AUTH_BASE: kakao.url,
        KAKAO_API_BASE: kakao.url,
        TOSS_CLIENT_KEY: 'test_ck_e2e_fake',
        TOSS_SDK_URL: `${toss.url}/v2/standard`,
        SUPPORT_EMAIL: SUPPORT_EMAIL,
      },
    });

    return { appUrl, workerUrl: worker.url, openaiUrl: new URL(openai.url).origin, tossUrl: toss.url, secrets, persistTo, sql: (command) => d1Execute(stack, command), stop: stack.stop };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}

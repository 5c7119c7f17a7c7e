/**
 * The local stack, one home for how `npm run dev`, the browser suite, the bench and the fault
 * suite start the product on loopback: processes and their logs, free ports, readiness, the
 * offline environment, wrangler local state (D1 migrations, signing keys, SQL), dev vars and
 * `wrangler dev` for the Worker and the built web app. The fakes come from their packages.
 */
export { startFakeKakao } from '@chat/fake-kakao';
export { startFakeOpenAI, type FakeStats } from '@chat/fake-openai';
export { startFakeToss } from '@chat/fake-toss';
export { ensureDevVars, parseDevVars, readDevVars } from './dev-vars';
export { NON_INTERACTIVE_ENV, OFFLINE_ENV } from './env';
export { NEXT, OPEN_NEXT_DIR, ROOT, TSX, WEB_DIR, WRANGLER } from './paths';
export { freePort, ProcessSet, runCommand, waitForHttp, type Child, type ProcessOutput } from './processes';
export { startScratchStack, type ScratchStack, type StackSecrets } from './scratch-stack';
export { sessionCookie } from './session';
export { applyMigrations, createSigningKey, d1Execute, ensureSigningKey, keysCli, localKvStore, randomSecret, sqlRows, type LocalState } from './state';
export { builtAppConfig, startBuiltWebApp, startWranglerDev, varArgs, type WranglerDevOptions } from './wrangler-dev';

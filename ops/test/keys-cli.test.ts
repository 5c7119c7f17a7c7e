import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KV_KEYS } from '@chat/keys';
import { OFFLINE_ENV } from '../src/stack/env';
import { WRANGLER_BIN, WranglerKvStore } from '../src/keys/wrangler-kv';

// End to end through the real CLI, real wrangler KV commands and a real `wrangler dev`:
// every wrangler call costs a second or two, hence the long timeouts.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);
const TSX_CLI = require.resolve('tsx/cli');
const SECRET = randomBytes(32).toString('base64url');
const CLI_TIMEOUT_MS = 60_000;

let persistTo = '';
let worker: ChildProcess | undefined;
let workerUrl = '';

type Result = { code: number; stdout: string; stderr: string };

/** One CLI run; a hung one is ended with its whole process group (wrangler runs workerd). */
function cli(...args: string[]): Promise<Result> {
  return runNode(TSX_CLI, 'ops/src/keys/main.ts', ...args);
}

/** wrangler itself, for what the CLI does not do (migrating the test's D1). */
function runWrangler(...args: string[]): Promise<Result> {
  return runNode(WRANGLER_BIN, ...args);
}

function runNode(...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...OFFLINE_ENV, KEY_WRAPPING_SECRET: SECRET },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      stderr += `\n[test] ${args.join(' ')} still running after ${CLI_TIMEOUT_MS} ms: killed`;
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, CLI_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** The CLI against this test's private local state. */
function local(...args: string[]): Promise<Result> {
  return cli(...args, '--local', '--persist-to', persistTo);
}

async function ok(pending: Promise<Result>): Promise<string> {
  const result = await pending;
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.trim();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForHealth(url: string, timeoutMs: number): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (worker?.exitCode !== null) throw new Error(`wrangler dev exited with ${worker?.exitCode}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return res;
      last = res.status;
    } catch (err) {
      last = err;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the Worker did not answer /health within ${timeoutMs} ms (last: ${String(last)})`);
}

async function startWorker(): Promise<void> {
  await ok(runWrangler('d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo));
  const port = await freePort();
  let inspectorPort = await freePort();
  while (inspectorPort === port) inspectorPort = await freePort();
  const args = [
    WRANGLER_BIN, 'dev', '--local', '--persist-to', persistTo, '--port', String(port), '--ip', '127.0.0.1',
    '--inspector-port', String(inspectorPort), '--show-interactive-dev-session=false',
    // No JWK Set caching, so the Worker's view follows KV at once.
    '--var', 'JWKS_CACHE_TTL_S:0',
  ];
  // Its own process group, so that stopping it also stops the workerd it runs.
  worker = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...OFFLINE_ENV }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  worker.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  worker.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  workerUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(workerUrl, 90_000);
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${output.join('')}`);
  }
}

async function stopWorker(): Promise<void> {
  const child = worker;
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // The group is already gone.
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

async function workerJwks(): Promise<JSONWebKeySet> {
  const res = await fetch(`${workerUrl}/.well-known/jwks.json`);
  expect(res.status).toBe(200);
  return (await res.json()) as JSONWebKeySet;
}

function verifyAgainst(token: string, jwks: JSONWebKeySet) {
  return jwtVerify(token, createLocalJWKSet(jwks), { algorithms: ['RS256'], issuer: 'chat-web', audience: 'chat-api' });
}

function me(token: string): Promise<Response> {
  return fetch(`${workerUrl}/me`, { headers: { Authorization: `Bearer ${token}` } });
}

describe('npm run keys (end to end over wrangler)', { timeout: 240_000 }, () => {
  let firstKid = '';
  let secondKid = '';
  let firstToken = '';

  beforeAll(async () => {
    persistTo = await mkdtemp(join(tmpdir(), 'chat-keys-cli-'));
  });

  afterAll(async () => {
    await stopWorker();
    if (persistTo) await rm(persistTo, { recursive: true, force: true });
  }, 30_000);

  it('rejects a command line without exactly one of --local and --remote, or with an unknown verb', async () => {
    for (const args of [['list'], ['list', '--local', '--remote'], ['frobnicate', '--local'], ['activate', '--local']]) {
      const result = await cli(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('usage: npm run keys');
      expect(result.stdout).toBe('');
    }
  });

  it('rotate --activate-now creates the first key and activates it', async () => {
    firstKid = await ok(local('rotate', '--activate-now'));
    expect(firstKid).toMatch(/^k_\d{8}_[0-9a-f]{12}$/);
  });

  it('list shows it published and active', async () => {
    const table = await ok(local('list'));
    const row = table.split('\n').find((line) => line.startsWith(firstKid));
    expect(row).toMatch(/^\S+\s+yes\s+yes\s+\S+\s+-\s+no \(active\)$/);
  });

  it('token prints only a token signed with the active key', async () => {
    firstToken = await ok(local('token', '--sub', 'usr_cli_test', '--scopes', 'chat:write,conversations:read', '--ttl', '600'));
    expect(firstToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(decodeProtectedHeader(firstToken)).toEqual({ alg: 'RS256', typ: 'JWT', kid: firstKid });
  });

  it('the Worker serves the published key and accepts the token', async () => {
    await startWorker();
    const { payload } = await verifyAgainst(firstToken, await workerJwks());
    expect(payload).toMatchObject({ sub: 'usr_cli_test', roles: ['user'], scopes: ['chat:write', 'conversations:read'], onboarded: false });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(600);
    expect((await me('not.a.token')).status).toBe(401);
  });

  it('mints the service token that provisions a user, and a user token /me accepts', async () => {
    const service = await ok(local('token', '--sub', 'svc:web', '--scopes', 'users:provision'));
    const provisioned = await fetch(`${workerUrl}/internal/users/provision`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${service}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ provider: 'kakao', providerAccountId: 'cli-1', name: 'CLI' }),
    });
    expect(provisioned.status).toBe(200);
    const { id } = (await provisioned.json()) as { id: string };
    const token = await ok(local('token', '--sub', id, '--scopes', 'chat:write'));
    const res = await me(token);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, name: 'CLI' });
  });

  it('a second key is published at once but only activated early with --force', async () => {
    secondKid = await ok(local('rotate'));
    expect(secondKid).not.toBe(firstKid);
    expect((await workerJwks()).keys.map((key) => key.kid)).toEqual([firstKid, secondKid]);

    const refused = await local('activate', secondKid);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/JWKS_CACHE_TTL_S.*--force/s);

    await ok(local('activate', secondKid, '--force'));
    const token = await ok(local('token', '--sub', 'svc:web', '--scopes', 'users:provision'));
    expect(decodeProtectedHeader(token).kid).toBe(secondKid);
    const { payload } = await verifyAgainst(token, await workerJwks());
    expect(payload).toMatchObject({ sub: 'svc:web', roles: [], scopes: ['users:provision'] });
  });

  it('the old key is kept while its tokens may live, and removed everywhere with --force', async () => {
    const refused = await local('retire', firstKid);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/may be live until/);
    expect((await local('retire', secondKid, '--force')).code).toBe(1);

    await ok(local('retire', firstKid, '--force'));
    expect((await workerJwks()).keys.map((key) => key.kid)).toEqual([secondKid]);
    expect((await me(firstToken)).status).toBe(401);

    const store = new WranglerKvStore({ target: { kind: 'local', persistTo }, config: join(ROOT, 'wrangler.toml'), cwd: ROOT });
    expect(await store.get(KV_KEYS.signing(firstKid))).toBeNull();
    expect(await store.get(KV_KEYS.active)).toBe(secondKid);
  });
});

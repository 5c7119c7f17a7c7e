import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
let child: ChildProcess | undefined;

function run(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = '';
  child = spawn(process.execPath, [tsxCli, main], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

async function until(check: () => RegExpMatchArray | null, timeoutMs = 10_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = check();
    if (match) return match;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

afterEach(() => {
  // Only the process this test started, by its own pid.
  if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
});

describe('the CLI', () => {
  it('prints its URL, serves with the env defaults, logs requests, and exits 0 on SIGTERM', async () => {
    const cli = run({ FAKE_OPENAI_PORT: '0', FAKE_OPENAI_TTFT_MS: '0', FAKE_OPENAI_GAP_MS: '0', FAKE_OPENAI_TOKENS: '3', FAKE_OPENAI_API_KEY: '' });
    const [, url] = await until(() => cli.output().match(/fake OpenAI listening on (http:\/\/127\.0\.0\.1:\d+\/v1)\n/));
    const res = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-cli' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(((await res.json()) as { usage: { completion_tokens: number } }).usage.completion_tokens).toBe(3);
    await until(() => cli.output().match(/req_1 completed 3 tokens/));
    cli.child.kill('SIGTERM');
    const [code] = (await once(cli.child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });

  it('refuses a bad env value with exit code 2', async () => {
    const cli = run({ FAKE_OPENAI_PORT: '0', FAKE_OPENAI_TOKENS: 'many' });
    const [code] = (await once(cli.child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(cli.output()).toMatch(/FAKE_OPENAI_TOKENS: "many" is not a valid value/);
  });
});

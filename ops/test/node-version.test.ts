import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

// The project pins its Node: the root devDependency `node`, whose binary npm puts first on the
// PATH of every script. Tools start through `#!/usr/bin/env node` (wrangler, tsx, next), so
// what a child process finds on that PATH is what they run on.
const run = promisify(execFile);
const RootPackage = z.object({ devDependencies: z.object({ node: z.string().regex(/^\d+\.\d+\.\d+$/) }) });
const pinned = `v${RootPackage.parse(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))).devDependencies.node}`;

describe('the pinned Node', () => {
  it('runs the tests', () => {
    expect(process.version).toBe(pinned);
  });

  it('runs the processes the tests spawn, tsx included', async () => {
    expect((await run('node', ['-p', 'process.version'])).stdout.trim()).toBe(pinned);
    expect((await run('tsx', ['-e', 'console.log(process.version)'])).stdout.trim()).toBe(pinned);
  }, 30_000);
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, ProcessSet, waitForHttp } from '../src/stack/processes';

// A stack's start must say why a process never came up, and not wait out its whole timeout
// for one that has already died: CI shows only what the failing test printed.
describe('a stack process that never comes up', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('fails the wait at once when it has exited, with its exit code, and its log tail is kept', async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'processes-'));
    dirs.push(logDir);
    const unexpected: string[] = [];
    const processes = new ProcessSet({ logDir }, (name) => unexpected.push(name));
    const child = processes.start('dies', 'node', ['-e', 'console.log("line one"); console.error("port in use"); process.exit(3)'], { cwd: logDir });
    const started = Date.now();
    await expect(waitForHttp(`http://127.0.0.1:${await freePort()}/health`, 60_000, child)).rejects.toThrow(/dies exited with code 3/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(processes.logTail(child)).toContain('port in use');
    expect(unexpected).toEqual(['dies']);
  }, 20_000);

  it('stops one process by its group without reporting its exit as unexpected', async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'processes-'));
    dirs.push(logDir);
    const unexpected: string[] = [];
    const processes = new ProcessSet({ logDir }, (name) => unexpected.push(name));
    const child = processes.start('sleeper', 'node', ['-e', 'setInterval(() => {}, 1000)'], { cwd: logDir });
    await processes.stop(child, 2000);
    expect(child.done).toBe(true);
    expect(unexpected).toEqual([]);
  }, 20_000);
});

import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, skipAfterFirstFailure } from './browser';
import { startStack, type Stack } from './stack';

/**
 * The set-up every browser file shares: before all, the screenshot folder, the stack and
 * Chromium, then `ready` (the file's own pages and listeners); after all, the browser closed
 * and the stack stopped, in that order, also after a failed start; and, since each file's
 * steps build on each other, the rest skipped after the first failure.
 */
export function browserSuite(
  name: string,
  options: { shots: string; workerVars?: Record<string, string> },
  ready: (started: { stack: Stack; browser: Browser }) => Promise<void> | void,
): void {
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    mkdirSync(options.shots, { recursive: true });
    stack = await startStack(name, { workerVars: options.workerVars });
    browser = await launchBrowser();
    await ready({ stack, browser });
  }, 300_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await stack?.stop();
  });

  skipAfterFirstFailure();
}

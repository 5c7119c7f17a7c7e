import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessSet } from './processes';
import { applyMigrations, createSigningKey, randomSecret } from './state';

/** The web app's secrets, to mint sessions and tokens the way the app does. */
export type StackSecrets = { AUTH_SECRET: string; KEY_WRAPPING_SECRET: string };

export type ScratchStack = {
  /** The temporary wrangler state (D1 and KV), deleted by `stop`. */
  persistTo: string;
  /** Each process's output, `<name>.log`; kept after `stop`. */
  logDir: string;
  processes: ProcessSet;
  secrets: StackSecrets;
  /** A line sink appending to `<logDir>/<file>`, for what runs in this process (the fakes). */
  logTo: (file: string) => (line: string) => void;
  /** Something to close after the processes have stopped (an in-process fake). */
  onStop: (close: () => Promise<void>) => void;
  /** Kills every process group, waits for `waitGone` (if given), closes the rest and deletes the state. */
  stop: () => Promise<void>;
};

/**
 * The start of a stack built from scratch, for the test suites and the bench: a temporary
 * wrangler state with the D1 migrations applied and a signing key made by the keys CLI,
 * fresh secrets, and the process set every later step starts into. `alongside` runs
 * concurrently with the state's preparation (e.g. a bundle build) and its result is returned.
 * A failed start stops what it began.
 */
export async function startScratchStack<T = undefined>(options: {
  name: string;
  /** Defaults to a fresh temporary directory. */
  logDir?: string;
  /** Waits, before the state is deleted, until the process groups are gone (workerd outlives its wrangler parent by a moment). */
  waitGone?: (leaders: number[]) => Promise<void>;
  alongside?: (persistTo: string) => Promise<T>;
}): Promise<{ stack: ScratchStack; alongside: T }> {
  const persistTo = mkdtempSync(join(tmpdir(), `chat-${options.name}-state-`));
  // Logs outlive the state, so a failed run can be read afterwards.
  const logDir = options.logDir ?? mkdtempSync(join(tmpdir(), `chat-${options.name}-logs-`));
  const processes = new ProcessSet({ logDir });
  const closers: (() => Promise<void>)[] = [];
  const stop = async () => {
    await processes.stopAll();
    await options.waitGone?.(processes.leaders());
    await Promise.allSettled(closers.map((close) => close()));
    rmSync(persistTo, { recursive: true, force: true });
  };
  const stack: ScratchStack = {
    persistTo,
    logDir,
    processes,
    secrets: { AUTH_SECRET: randomSecret(), KEY_WRAPPING_SECRET: randomSecret() },
    logTo: (file) => (line) => appendFileSync(join(logDir, file), `${line}\n`),
    onStop: (close) => void closers.push(close),
    stop,
  };
  try {
    // One after the other: two local wrangler processes on one state fail with SQLITE_BUSY.
    const prepare = async () => {
      await applyMigrations({ persistTo });
      await createSigningKey({ persistTo, wrappingSecret: stack.secrets.KEY_WRAPPING_SECRET });
    };
    const [, alongside] = await Promise.all([prepare(), options.alongside?.(persistTo)]);
    // T is undefined exactly when no `alongside` was given.
    return { stack, alongside: alongside as T };
  } catch (err) {
    await stop();
    throw err;
  }
}

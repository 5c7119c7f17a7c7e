import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ProcessSet, ROOT, TSX, waitForHttp } from '@chat/ops/stack';
import { buildWorker } from './bundle';
import { groupsGone } from './procfs';

/** The reference Worker's wrangler config, relative to the repository root. */
const CONFIG = 'bench/src/reference/wrangler.toml';

export type ReferenceWorker = {
  /** Its origin: `<url>/v1/chat/completions` is relayed to the fake OpenAI. */
  url: string;
  /** Leader of its process group (run-worker.ts and its workerd). */
  pid: number;
  inspector: number;
  stop: () => Promise<void>;
};

/**
 * Starts the bench's reference Worker (reference/relay-worker.ts: fetch upstream, return its
 * body) in Miniflare through run-worker.ts, as the stack runs the API Worker with
 * `--worker-runtime miniflare`: same workerd, same compatibility date, bundled the same way.
 */
export async function startReferenceWorker(upstreamOrigin: string, logDir: string): Promise<ReferenceWorker> {
  const dir = mkdtempSync(join(tmpdir(), 'chat-bench-reference-'));
  const processes = new ProcessSet({ logDir });
  let leader: number | undefined;
  const stop = async () => {
    await processes.stopAll();
    if (leader !== undefined) await groupsGone([leader]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const build = await buildWorker(join(dir, 'build'), { config: CONFIG });
    const port = await freePort();
    const inspector = await freePort();
    const child = processes.start(
      'reference',
      TSX,
      ['bench/src/run-worker.ts', '--name', 'bench-relay', '--config', CONFIG, '--script', build.script, '--port', String(port), '--inspector-port', String(inspector), '--persist-to', join(dir, 'state'), '--var', `UPSTREAM_ORIGIN:${upstreamOrigin}`],
      { cwd: ROOT },
    );
    leader = child.pid;
    if (leader === undefined) throw new Error('the reference Worker did not start');
    const url = `http://127.0.0.1:${port}`;
    // Any path is relayed; the fake answers its config page to a GET.
    await waitForHttp(`${url}/__fake/config`, 90_000);
    return { url, pid: leader, inspector, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

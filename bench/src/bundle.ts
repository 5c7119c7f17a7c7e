import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildWorkerBundle, type BundleTarget, type WorkerBundle } from '@chat/ops/worker-bundle';
import { OPEN_NEXT_DIR, ROOT } from '@chat/ops/stack';

/** Where `npm run build:worker -w @chat/web` (OpenNext) puts the static assets the web Worker serves. */
export const WEB_ASSETS = join(OPEN_NEXT_DIR, 'assets');
/** OpenNext's Worker entry: there once the web app is built. */
export const WEB_WORKER_ENTRY = join(OPEN_NEXT_DIR, 'worker.js');

export type { WorkerBundle };

/** A Worker bundle built as `wrangler deploy` would upload it (ops/src/deploy), and its entry module. */
export type WorkerBuild = { bundle: WorkerBundle; script: string };

/**
 * Bundles a Worker (the API Worker unless `target` says otherwise) into `dir` with the deploy
 * tooling's own build, so the bench runs and sizes what a deploy ships.
 */
export async function buildWorker(dir: string, target?: BundleTarget): Promise<WorkerBuild> {
  const bundle = await buildWorkerBundle(ROOT, dir, target);
  return { bundle, script: bundle.entry };
}

/** `minify = true` in wrangler.toml. */
export function workerMinified(): boolean {
  return /^\s*minify\s*=\s*true\b/m.test(readFileSync(join(ROOT, 'wrangler.toml'), 'utf8'));
}

const gzipBytes = (data: Buffer) => gzipSync(data, { level: 9 }).length;

export type PageJs = { route: string; files: { path: string; rawBytes: number; gzipBytes: number }[]; rawBytes: number; gzipBytes: number };

/**
 * The JS a browser loads for a page's first visit: the `<script src>` tags of the HTML the
 * built app serves (module scripts only; the `noModule` polyfills are for old browsers),
 * each file read from the built assets and gzipped. This is what Next's "First Load JS"
 * column counts, measured on the output that is actually deployed.
 */
export async function measurePageJs(appUrl: string, route: string, cookie: string): Promise<PageJs> {
  const res = await fetch(new URL(route, appUrl), { headers: { Cookie: cookie }, redirect: 'manual', signal: AbortSignal.timeout(60_000) });
  if (res.status !== 200) throw new Error(`GET ${route} answered ${res.status}; cannot read its scripts`);
  const html = await res.text();
  const srcs = new Set<string>();
  for (const tag of html.matchAll(/<script\b[^>]*>/g)) {
    if (/\bnoModule\b/i.test(tag[0])) continue;
    const src = /\bsrc="([^"]+)"/.exec(tag[0])?.[1];
    if (src?.startsWith('/_next/')) srcs.add(src.split('?')[0] ?? src);
  }
  const files = [...srcs].map((path) => {
    const data = readFileSync(join(WEB_ASSETS, decodeURIComponent(path)));
    return { path, rawBytes: data.length, gzipBytes: gzipBytes(data) };
  });
  files.sort((a, b) => b.gzipBytes - a.gzipBytes);
  return { route, files, rawBytes: files.reduce((s, f) => s + f.rawBytes, 0), gzipBytes: files.reduce((s, f) => s + f.gzipBytes, 0) };
}

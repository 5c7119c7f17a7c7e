import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root, where wrangler.toml, migrations/ and the default `.wrangler/state` live. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const WEB_DIR = join(ROOT, 'web');
/** What `npm run build:worker -w @chat/web` (OpenNext) writes: the Worker's entry and the static assets it serves. */
export const OPEN_NEXT_DIR = join(WEB_DIR, '.open-next');
export const WRANGLER = join(ROOT, 'node_modules/.bin/wrangler');
export const TSX = join(ROOT, 'node_modules/.bin/tsx');
export const NEXT = join(ROOT, 'node_modules/.bin/next');

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** An all-zero id: the placeholder the repository's wrangler files carry until real resources exist. */
const PLACEHOLDER = /^[0-]+$/;

/**
 * Where the D1 primary is created: beside the provider the Worker calls (OpenAI serves from
 * North America), so that with Smart Placement (wrangler.toml `[placement]`) the Worker, D1
 * and the provider are one region and the only long hop is the user's (README, "Placement").
 */
export const D1_LOCATION_HINT = 'enam';

export type Placeholder = { file: string; what: string; create: string };

/**
 * Bindings still pointing at placeholder ids. A deploy with them would create nothing useful
 * (or fail half-way), so it stops first and says which resource to create.
 */
export function placeholderBindings(root: string): Placeholder[] {
  const found: Placeholder[] = [];
  const worker = readFileSync(join(root, 'wrangler.toml'), 'utf8');
  const web = readFileSync(join(root, 'web/wrangler.toml'), 'utf8');
  const d1 = /database_id\s*=\s*"([^"]*)"/.exec(worker)?.[1];
  if (d1 === undefined || PLACEHOLDER.test(d1)) found.push({ file: 'wrangler.toml', what: 'D1 database_id', create: `npx wrangler d1 create chat-db --location ${D1_LOCATION_HINT}` });
  const kv = /\[\[kv_namespaces\]\][^[]*?id\s*=\s*"([^"]*)"/.exec(worker)?.[1];
  if (kv === undefined || PLACEHOLDER.test(kv)) found.push({ file: 'wrangler.toml', what: 'KV AUTH_KEYS id', create: 'npx wrangler kv namespace create AUTH_KEYS' });
  const webKv = /\[\[env\.production\.kv_namespaces\]\][^[]*?id\s*=\s*"([^"]*)"/.exec(web)?.[1];
  if (webKv === undefined || PLACEHOLDER.test(webKv)) found.push({ file: 'web/wrangler.toml', what: '[env.production] KV AUTH_KEYS id (the same namespace as the Worker\'s)', create: 'use the id from `wrangler kv namespace create AUTH_KEYS`' });
  return found;
}

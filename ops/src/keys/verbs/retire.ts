import { KV_KEYS } from '@chat/keys';
import { CliError } from '../errors';
import { readActiveKid, readJwks, readKeyRecord } from '../inventory';
import { retireBlock } from '../policy';
import type { VerbContext } from './context';

export interface RetireOptions {
  kid: string;
  force: boolean;
}

/**
 * Removes a key for good: unpublished first, so no verifier accepts it any more, then its
 * private key deleted. Never the active key; a key that may still have live tokens only
 * with `--force`.
 */
export async function retire(ctx: VerbContext, options: RetireOptions): Promise<void> {
  const { store } = ctx;
  const { kid } = options;
  const jwks = await readJwks(store);
  const record = await readKeyRecord(store, kid, jwks);
  if (!record.published && record.envelope === null) throw new CliError(`${kid} is neither published nor stored`);

  const block = retireBlock(record, await readActiveKid(store), ctx.now());
  if (block && !(block.forceable && options.force)) {
    throw new CliError(`refusing to retire ${kid}: ${block.reason}${block.forceable ? '; pass --force to retire it anyway' : ''}`);
  }

  if (record.published) {
    await store.put(KV_KEYS.jwks, JSON.stringify({ keys: jwks.keys.filter((key) => key.kid !== kid) }));
    ctx.log(`unpublished ${kid}`);
  }
  if (record.envelope !== null) {
    await store.delete(KV_KEYS.signing(kid));
    ctx.log(`deleted ${KV_KEYS.signing(kid)}`);
  }
  ctx.log(`retired ${kid}`);
}

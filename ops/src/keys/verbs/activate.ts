import { KV_KEYS, withEnvelopeMeta } from '@chat/keys';
import { CliError } from '../errors';
import { readActiveKid, readJwks, readKeyRecord } from '../inventory';
import { activatableAt, LIVE_TOKEN_WINDOW_S } from '../policy';
import type { VerbContext } from './context';
import { stampDeactivated } from './rotate';

export interface ActivateOptions {
  kid: string;
  force: boolean;
  jwksTtlS: number;
}

/**
 * Makes `kid` the key the web app signs with. It must be published and stored, and
 * published long enough ago that every verifier's JWKS cache holds it (else `--force`).
 * The previous key is stamped deactivated before the switch, so that a failure in between
 * leaves it active with an early stamp, never inactive without one.
 */
export async function activate(ctx: VerbContext, options: ActivateOptions): Promise<void> {
  const { store } = ctx;
  const { kid } = options;
  const jwks = await readJwks(store);
  const previousKid = await readActiveKid(store);
  const record = await readKeyRecord(store, kid, jwks);
  if (!record.published) throw new CliError(`${kid} is not published in jwks; \`rotate\` creates and publishes keys`);
  if (record.envelope === null) throw new CliError(`${kid} has no stored private key (${KV_KEYS.signing(kid)} is missing)`);
  if (!record.meta) throw new CliError(`${KV_KEYS.signing(kid)} is unreadable: ${record.metaError ?? 'unknown error'}`);
  if (previousKid === kid) {
    ctx.log(`${kid} is already active`);
    return;
  }

  const readyAt = activatableAt(record.meta.createdAt, options.jwksTtlS);
  const now = ctx.now();
  if (readyAt > now && !options.force) {
    const waitS = Math.ceil((readyAt.getTime() - now.getTime()) / 1000);
    throw new CliError(
      `${kid} was published at about ${record.meta.createdAt}; Workers may cache the JWK Set without it for ` +
        `${options.jwksTtlS} s (JWKS_CACHE_TTL_S). Activate after ${readyAt.toISOString()} (${waitS} s from now), or pass --force.`,
    );
  }

  if (previousKid) await stampDeactivated(ctx, previousKid);
  // A key that signed before and is brought back is live again.
  if (record.meta.deactivatedAt !== undefined) await store.put(KV_KEYS.signing(kid), withEnvelopeMeta(record.envelope, {}));
  await store.put(KV_KEYS.active, kid);
  ctx.log(`activated ${kid}`);
  if (previousKid) {
    const retireAt = new Date(ctx.now().getTime() + LIVE_TOKEN_WINDOW_S * 1000);
    ctx.log(`retire ${previousKid} after ${retireAt.toISOString()}, when no token it signed can still be live`);
  }
}

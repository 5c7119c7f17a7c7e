import { generateSigningKey, KV_KEYS, withEnvelopeMeta, wrapPrivateKey } from '@chat/keys';
import { CliError } from '../errors';
import { readActiveKid, readJwks } from '../inventory';
import { activatableAt } from '../policy';
import type { VerbContext } from './context';

export interface RotateOptions {
  activateNow: boolean;
  force: boolean;
  jwksTtlS: number;
}

/**
 * Creates a key, stores it wrapped, then publishes its public half; the old keys stay.
 * Signing with it at once (`--activate-now`) is only safe while no verifier can have cached
 * a set without it, i.e. when there is no active key yet, so otherwise it takes `--force`.
 * Prints the new kid on stdout.
 */
export async function rotate(ctx: VerbContext, options: RotateOptions): Promise<void> {
  const { store } = ctx;
  const previousKid = options.activateNow ? await readActiveKid(store) : null;
  if (previousKid && !options.force) {
    throw new CliError(
      `--activate-now is for the first key, but ${previousKid} is active: verifiers may not know the new key yet. ` +
        'Rotate without it and activate later, or pass --force.',
    );
  }
  const wrappingSecret = ctx.secret();
  const jwks = await readJwks(store);

  const { kid, publicJwk, privateJwk } = await generateSigningKey();
  const createdAt = ctx.now().toISOString();
  // Private key first: a published kid always has a key behind it.
  await store.put(KV_KEYS.signing(kid), await wrapPrivateKey(privateJwk, kid, wrappingSecret, { createdAt }));
  await store.put(KV_KEYS.jwks, JSON.stringify({ keys: [...jwks.keys, publicJwk] }));
  ctx.log(`published ${kid} (${jwks.keys.length + 1} keys in jwks)`);

  if (options.activateNow) {
    if (previousKid) await stampDeactivated(ctx, previousKid);
    await store.put(KV_KEYS.active, kid);
    ctx.log(`activated ${kid}`);
  } else {
    ctx.log(
      `next: npm run keys -- activate ${kid} (with the same --local/--remote) after ${activatableAt(createdAt, options.jwksTtlS).toISOString()}, ` +
        `once every Worker's JWKS cache (JWKS_CACHE_TTL_S, ${options.jwksTtlS} s) has picked it up`,
    );
  }
  ctx.print(kid);
}

/** Records when `kid` stopped signing; its envelope's ciphertext is left alone. */
export async function stampDeactivated(ctx: VerbContext, kid: string): Promise<void> {
  const envelope = await ctx.store.get(KV_KEYS.signing(kid));
  if (envelope === null) {
    ctx.log(`warning: the previously active ${kid} has no stored private key to stamp`);
    return;
  }
  const deactivatedAt = ctx.now().toISOString();
  await ctx.store.put(KV_KEYS.signing(kid), withEnvelopeMeta(envelope, { deactivatedAt }));
  ctx.log(`deactivated ${kid} at ${deactivatedAt}`);
}

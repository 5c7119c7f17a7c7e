import { KV_KEYS, parseJwks, readEnvelopeMeta, type JwksDocument, type KeyValueStore } from '@chat/keys';
import { CliError } from './errors';

/** A KeyValueStore that can also enumerate keys, which `list` needs and KV allows. */
export interface ListableStore extends KeyValueStore {
  list(prefix: string): Promise<string[]>;
}

export type EnvelopeMeta = ReturnType<typeof readEnvelopeMeta>;

/** What the store knows about one kid. */
export interface KeyRecord {
  kid: string;
  published: boolean;
  /** The wrapped private key as stored, or null when `signing:<kid>` is absent. */
  envelope: string | null;
  /** Its plaintext metadata; null when there is no envelope or it is unreadable. */
  meta: EnvelopeMeta | null;
  /** Why `meta` is null although an envelope exists. */
  metaError?: string;
}

/** The published JWK Set; a malformed one stops the command instead of being overwritten. */
export async function readJwks(store: KeyValueStore): Promise<JwksDocument> {
  try {
    return parseJwks(await store.get(KV_KEYS.jwks));
  } catch (err) {
    throw new CliError(`${err instanceof Error ? err.message : String(err)}; fix or delete the "jwks" key by hand first`);
  }
}

/** The kid in `signing:active`, or null when none is set. */
export async function readActiveKid(store: KeyValueStore): Promise<string | null> {
  const value = await store.get(KV_KEYS.active);
  return value === null || value.trim() === '' ? null : value.trim();
}

/** One kid's record; `envelope` is read from the store. */
export async function readKeyRecord(store: KeyValueStore, kid: string, jwks: JwksDocument): Promise<KeyRecord> {
  const envelope = await store.get(KV_KEYS.signing(kid));
  const published = jwks.keys.some((key) => key.kid === kid);
  if (envelope === null) return { kid, published, envelope, meta: null };
  try {
    return { kid, published, envelope, meta: readEnvelopeMeta(envelope) };
  } catch (err) {
    return { kid, published, envelope, meta: null, metaError: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Every kid that is published or has a stored private key, oldest first (kids are dated).
 * Read one at a time: parallel local wrangler processes would contend for the same state files.
 */
export async function readAllKeyRecords(store: ListableStore, jwks: JwksDocument): Promise<KeyRecord[]> {
  const stored = (await store.list('signing:')).filter((name) => name !== KV_KEYS.active).map((name) => name.slice('signing:'.length));
  const kids = [...new Set([...jwks.keys.map((key) => key.kid), ...stored])].sort();
  const records: KeyRecord[] = [];
  for (const kid of kids) records.push(await readKeyRecord(store, kid, jwks));
  return records;
}

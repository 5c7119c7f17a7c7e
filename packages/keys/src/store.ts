/** Anything KV-like: a Workers KV binding satisfies it structurally. */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** What a kid may look like: it becomes part of a KV key and of every token header. */
export const KID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The KV keys of contract section 4. */
export const KV_KEYS: { jwks: 'jwks'; active: 'signing:active'; signing(kid: string): string } = {
  jwks: 'jwks',
  active: 'signing:active',
  /** `signing:<kid>`; refuses `active`, whose key would be the active-kid pointer itself. */
  signing(kid: string): string {
    if (!KID_PATTERN.test(kid) || kid === 'active') throw new RangeError(`Not a usable kid: ${JSON.stringify(kid)}`);
    return `signing:${kid}`;
  },
};

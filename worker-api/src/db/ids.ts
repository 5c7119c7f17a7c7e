const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * A prefixed id that sorts by creation time (fixed-width base-36 milliseconds, then 12
 * random characters), so "newest first" and cursors can order by id alone.
 *
 * @example newId('usr') // "usr_0mf3k2x1a7q9z0c4r8b2"
 */
export function newId(prefix: string): string {
  const time = Date.now().toString(36).padStart(10, '0');
  const random = crypto.getRandomValues(new Uint8Array(12));
  let tail = '';
  for (const byte of random) tail += ALPHABET[byte % 36];
  return `${prefix}_${time}${tail}`;
}

/**
 * Secret-key Basic auth as Toss does it: `Basic base64("<secretKey>:")`, the key
 * as user name and an empty password (the trailing colon is required).
 * Returns the accepted secret key, or null when the call must get 401.
 */
export function authenticate(header: string | undefined, exactKey: string | null): string | null {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  if (!decoded.endsWith(':') || decoded.indexOf(':') !== decoded.length - 1) return null;
  const key = decoded.slice(0, -1);
  if (exactKey !== null) return key === exactKey ? key : null;
  return key.startsWith('test_sk_') && key.length > 'test_sk_'.length ? key : null;
}

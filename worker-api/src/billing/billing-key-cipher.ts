/**
 * Billing keys at rest: AES-GCM under a key derived (HKDF-SHA-256) from `BILLING_KEY_SECRET`.
 * A billing key can charge the card again, so a copy of the database alone must not be
 * enough to use it. The subscription id is bound in as associated data, so a ciphertext
 * moved to another row does not decrypt.
 */

const FORMAT = 'v1';
const IV_BYTES = 12;
const encoder = new TextEncoder();

// Deriving is the slow part and the secret rarely changes: one key per isolate and secret.
const derived = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string): Promise<CryptoKey> {
  let key = derived.get(secret);
  if (!key) {
    key = crypto.subtle
      .importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey'])
      .then((material) =>
        crypto.subtle.deriveKey(
          { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('chat-api/billing-key'), info: encoder.encode(FORMAT) },
          material,
          { name: 'AES-GCM', length: 256 },
          false,
          ['encrypt', 'decrypt'],
        ),
      );
    derived.set(secret, key);
  }
  return key;
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const bin = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
}

/**
 * Encrypts a billing key for the subscription `context`; the result is `v1.<iv>.<ciphertext>`.
 *
 * @example const sealed = await sealBillingKey(env.BILLING_KEY_SECRET, billingKey, subscription.id)
 */
export async function sealBillingKey(secret: string, billingKey: string, context: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: encoder.encode(context) },
    await keyFor(secret),
    encoder.encode(billingKey),
  );
  return `${FORMAT}.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(ciphertext))}`;
}

/** Decrypts what {@link sealBillingKey} made for the same `context`; throws if it was tampered with. */
export async function openBillingKey(secret: string, sealed: string, context: string): Promise<string> {
  const [format, iv, ciphertext] = sealed.split('.');
  if (format !== FORMAT || !iv || !ciphertext) throw new Error('unknown billing key format');
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: fromBase64Url(iv), additionalData: encoder.encode(context) },
    await keyFor(secret),
    fromBase64Url(ciphertext),
  );
  return new TextDecoder().decode(plain);
}

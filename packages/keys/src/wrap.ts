import { base64url, type JWK } from 'jose';

/**
 * A private key at rest. Only `ct` is secret; `kid` is bound to it as AAD, while the
 * timestamps stay outside the ciphertext so an operator can stamp them without the secret.
 */
interface Envelope {
  v: 1;
  kid: string;
  alg: 'A256GCM';
  kdf: 'HKDF-SHA256';
  salt: string;
  iv: string;
  ct: string;
  createdAt: string;
  deactivatedAt?: string;
}

/** HKDF is not a password hash: the secret itself must carry the entropy. */
const MIN_SECRET_LENGTH = 32;
const HKDF_INFO = 'chat-keys/wrap/v1';
const encoder = new TextEncoder();

function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value));
}

function isBase64url(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]+$/.test(value);
}

// jose hands back Uint8Array<ArrayBufferLike>; WebCrypto's typings want an ArrayBuffer-backed copy.
function bytes(b64: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(base64url.decode(b64));
}

function additionalData(kid: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(`chat-keys/v1/signing:${kid}`);
}

function parseEnvelope(text: string): Envelope {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error('The key envelope is not JSON');
  }
  if (typeof doc !== 'object' || doc === null) throw new Error('The key envelope is not an object');
  const { v, kid, alg, kdf, salt, iv, ct, createdAt, deactivatedAt } = doc as Record<string, unknown>;
  if (v !== 1 || alg !== 'A256GCM' || kdf !== 'HKDF-SHA256') throw new Error('The key envelope has an unknown version or algorithm');
  if (typeof kid !== 'string' || !kid) throw new Error('The key envelope has no kid');
  if (!isBase64url(salt) || !isBase64url(iv) || !isBase64url(ct)) throw new Error(`The key envelope of ${kid} lacks salt, iv or ct`);
  if (!isTimestamp(createdAt)) throw new Error(`The key envelope of ${kid} has no valid createdAt`);
  if (deactivatedAt !== undefined && !isTimestamp(deactivatedAt)) throw new Error(`The key envelope of ${kid} has an invalid deactivatedAt`);
  return { v, kid, alg, kdf, salt, iv, ct, createdAt, ...(deactivatedAt === undefined ? {} : { deactivatedAt }) };
}

async function deriveWrappingKey(secret: string, salt: Uint8Array<ArrayBuffer>) {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`The wrapping secret (KEY_WRAPPING_SECRET) must be at least ${MIN_SECRET_LENGTH} characters of random data, e.g. from \`openssl rand -base64 32\``);
  }
  const ikm = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt, info: encoder.encode(HKDF_INFO) },
    ikm,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/**
 * Encrypts a private JWK for storage under `signing:<kid>` (AES-256-GCM, key from HKDF-SHA256
 * over the secret with a fresh salt) and returns the JSON envelope.
 */
export async function wrapPrivateKey(privateJwk: JWK, kid: string, wrappingSecret: string, meta?: { createdAt?: string }): Promise<string> {
  const createdAt = meta?.createdAt ?? new Date().toISOString();
  if (!isTimestamp(createdAt)) throw new Error(`createdAt must be an ISO timestamp, got ${JSON.stringify(createdAt)}`);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await deriveWrappingKey(wrappingSecret, salt);
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: additionalData(kid) }, key, encoder.encode(JSON.stringify(privateJwk)));
  const envelope: Envelope = {
    v: 1,
    kid,
    alg: 'A256GCM',
    kdf: 'HKDF-SHA256',
    salt: base64url.encode(salt),
    iv: base64url.encode(iv),
    ct: base64url.encode(new Uint8Array(ct)),
    createdAt,
  };
  return JSON.stringify(envelope);
}

/**
 * Decrypts an envelope back to the private JWK. Throws when the envelope belongs to another
 * kid, or when the secret is wrong or the envelope was altered (GCM cannot tell those apart).
 */
export async function unwrapPrivateKey(envelope: string, kid: string, wrappingSecret: string): Promise<JWK> {
  const env = parseEnvelope(envelope);
  if (env.kid !== kid) throw new Error(`The key envelope is for kid ${env.kid}, not ${kid}`);
  const key = await deriveWrappingKey(wrappingSecret, bytes(env.salt));
  let plain: ArrayBuffer;
  try {
    plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes(env.iv), additionalData: additionalData(kid) }, key, bytes(env.ct));
  } catch {
    throw new Error(`Cannot unwrap signing key ${kid}: wrong KEY_WRAPPING_SECRET, or the stored envelope was tampered with`);
  }
  const jwk: unknown = JSON.parse(new TextDecoder().decode(plain));
  if (typeof jwk !== 'object' || jwk === null) throw new Error(`Signing key ${kid} did not unwrap to a JWK`);
  const { kty, d, n, e } = jwk as Record<string, unknown>;
  if (kty !== 'RSA' || typeof d !== 'string' || typeof n !== 'string' || typeof e !== 'string') {
    throw new Error(`Signing key ${kid} did not unwrap to an RSA private JWK`);
  }
  return jwk as JWK;
}

/** The envelope's plaintext metadata, readable without the secret. */
export function readEnvelopeMeta(envelope: string): { kid: string; createdAt: string; deactivatedAt?: string } {
  const { kid, createdAt, deactivatedAt } = parseEnvelope(envelope);
  return deactivatedAt === undefined ? { kid, createdAt } : { kid, createdAt, deactivatedAt };
}

/**
 * The envelope with its mutable metadata replaced: `deactivatedAt` is set when given and
 * removed when not (a re-activated key is live again). The ciphertext is untouched.
 */
export function withEnvelopeMeta(envelope: string, meta: { deactivatedAt?: string }): string {
  const { v, kid, alg, kdf, salt, iv, ct, createdAt } = parseEnvelope(envelope);
  const next: Envelope = { v, kid, alg, kdf, salt, iv, ct, createdAt };
  if (meta.deactivatedAt !== undefined) {
    if (!isTimestamp(meta.deactivatedAt)) throw new Error(`deactivatedAt must be an ISO timestamp, got ${JSON.stringify(meta.deactivatedAt)}`);
    next.deactivatedAt = meta.deactivatedAt;
  }
  return JSON.stringify(next);
}

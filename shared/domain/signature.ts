import { createHash, createPublicKey, verify } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson, sha256Hex } from './audit-chain.js';

/**
 * Signed envelopes carry what one province tells its partners (approval results, shared projects
 * and materials). The origin signs, each partner verifies against the origin's configured public
 * key (ECDSA P-256 / SHA-256, DER signatures, SPKI PEM keys: see shared/ports/signer.ts).
 *
 * What is signed: the UTF-8 bytes of `green-channel.envelope.v1:<contentHash>`, where contentHash
 * is the SHA-256 hex of canonicalJson(payload). Signing the hash rather than the payload
 * - keeps the message at 90 bytes, far below the 4096-byte limit of AWS KMS `Sign` with
 *   MessageType RAW, whatever the payload's size;
 * - lets anyone re-check a stored proof (contentHash, signature, keyId) without the payload's exact
 *   bytes: see verifyContentSignature.
 * The constant prefix separates envelope signatures from anything else the same key signs (the
 * province-to-province requests of signed-request.ts, or a bare SHA-256 such as a result hash), so
 * a signature made for one purpose can never be replayed as another.
 *
 * Only payload and contentHash are covered by the signature. origin and keyId merely select the
 * key to verify with (a forged origin selects a key that does not verify); signedAt is
 * informational: a time that matters belongs in the payload, which the payloads already do.
 */
export const ENVELOPE_SIGNATURE_CONTEXT = 'green-channel.envelope.v1';

export interface SignedEnvelope<T> {
  payload: T;
  /** sha256 hex of canonicalJson(payload) */
  contentHash: string;
  /** base64 DER ECDSA P-256 SHA-256 signature over envelopeBytes(payload) */
  signature: string;
  /** the signer's key id (local keys: publicKeyFingerprint; KMS keys: the KMS key id) */
  keyId: string;
  /** the signing province's code */
  origin: string;
  /** when it was signed (ISO 8601); not covered by the signature */
  signedAt: string;
}

/** What signing needs of the Signer port (shared/ports/signer.ts); any Signer fits. */
export interface EnvelopeSigner {
  readonly keyId: string;
  sign(bytes: Uint8Array): Promise<string>;
}

/** A P-256 DER signature is at most 72 bytes (96 base64 characters); leave some room. */
const base64 = z
  .string()
  .min(4)
  .max(256)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/)
  .refine((s) => s.length % 4 === 0, 'base64 length');

export const signedEnvelopeSchema = z
  .object({
    payload: z.unknown(),
    contentHash: z.string().regex(/^[0-9a-f]{64}$/),
    signature: base64,
    keyId: z.string().min(1).max(256),
    origin: z.string().min(1).max(64),
    signedAt: z.string().min(1).max(64),
  })
  .refine((e) => e.payload !== undefined, { message: 'payload is required', path: ['payload'] });

/** The content hash of a payload: sha256 hex of its canonical JSON. */
export function contentHashOf(payload: unknown): string {
  return sha256Hex(canonicalJson(payload));
}

/** The bytes a signature covers, given the content hash. */
export function contentHashBytes(contentHash: string): Uint8Array {
  return new TextEncoder().encode(`${ENVELOPE_SIGNATURE_CONTEXT}:${contentHash}`);
}

/** The bytes signed for a payload. */
export function envelopeBytes(payload: unknown): Uint8Array {
  return contentHashBytes(contentHashOf(payload));
}

/**
 * Signs a payload. The payload must survive a JSON round trip unchanged (what the partner receives
 * is what was hashed): a Date, a Map, a bigint or a NaN is refused rather than silently hashed as
 * something the receiver will never see.
 */
export async function signEnvelope<T>(
  signer: EnvelopeSigner,
  origin: string,
  payload: T,
  signedAt: string,
): Promise<SignedEnvelope<T>> {
  assertJsonStable(payload);
  const contentHash = contentHashOf(payload);
  const signature = await signer.sign(contentHashBytes(contentHash));
  const envelope: SignedEnvelope<T> = {
    payload,
    contentHash,
    signature,
    keyId: signer.keyId,
    origin,
    signedAt,
  };
  const check = signedEnvelopeSchema.safeParse(envelope);
  if (!check.success) {
    throw new TypeError(
      `signed envelope would be rejected by partners: ${check.error.issues.map((i) => i.path.join('.')).join(', ')}`,
    );
  }
  return envelope;
}

function assertJsonStable(payload: unknown): void {
  let stable = false;
  try {
    // JSON.stringify first: it throws on cycles and bigints before the walk could loop
    stable = JSON.stringify(payload) !== undefined && isPlainJson(payload);
  } catch {
    stable = false;
  }
  if (!stable)
    throw new TypeError('payload to sign must be plain JSON (no Date, Map, bigint, NaN, undefined…)');
}

/** Only null, booleans, finite numbers, strings, arrays and plain objects; undefined only as a property. */
function isPlainJson(value: unknown, inObject = false): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'undefined':
      return inObject;
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) return value.every((v) => isPlainJson(v));
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      return Object.values(value).every((v) => isPlainJson(v, true));
    }
    default:
      return false;
  }
}

/**
 * A partner key this province trusts, pinned at start (shared/config, never a writable file at
 * verification time). The key id is required: a signature is checked only against the key it
 * names, so a key without an id can never stand in for another (a runtime value without one, e.g.
 * from untyped JSON, matches no envelope at all).
 */
export interface TrustedKey {
  origin: string;
  publicKeyPem: string;
  keyId: string;
  /** rotation window: the key verifies signatures only from this instant on (ISO 8601) */
  validFrom?: string;
  /** rotation window: the key verifies signatures only until this instant (exclusive) */
  validUntil?: string;
}

export type EnvelopeVerification =
  | { ok: true; envelope: SignedEnvelope<unknown> }
  | {
      ok: false;
      reason: 'malformed' | 'unknownOrigin' | 'hashMismatch' | 'badSignature' | 'keyMismatch' | 'keyNotValid';
    };

/**
 * Whether a key's rotation window covers an instant. The instant is the receiver's clock, not the
 * envelope's signedAt: signedAt is not signed, so a sender could claim any time it liked.
 */
export function keyValidAt(key: Pick<TrustedKey, 'validFrom' | 'validUntil'>, at: Date): boolean {
  const t = at.getTime();
  if (key.validFrom !== undefined && !(t >= Date.parse(key.validFrom))) return false;
  if (key.validUntil !== undefined && !(t < Date.parse(key.validUntil))) return false;
  return true;
}

/**
 * Checks an envelope from a partner against the trusted keys (several per origin during a key
 * rotation). Never throws: anything unexpected is 'malformed'.
 * - malformed: not an envelope (wrong shape, or a payload that cannot be hashed);
 * - unknownOrigin: no trusted key for the envelope's origin;
 * - hashMismatch: the payload does not hash to contentHash (altered in transit);
 * - keyMismatch: none of the origin's trusted keys has the envelope's key id;
 * - keyNotValid: the named key exists but its rotation window does not cover `at`;
 * - badSignature: the named key does not verify the signature.
 */
export function verifyEnvelope(
  envelope: unknown,
  trusted: readonly TrustedKey[],
  at: Date = new Date(),
): EnvelopeVerification {
  try {
    const parsed = signedEnvelopeSchema.safeParse(envelope);
    if (!parsed.success) return { ok: false, reason: 'malformed' };
    const e = parsed.data as SignedEnvelope<unknown>;

    const ofOrigin = trusted.filter((t) => t.origin === e.origin);
    if (ofOrigin.length === 0) return { ok: false, reason: 'unknownOrigin' };

    let recomputed: string;
    try {
      recomputed = contentHashOf(e.payload);
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (recomputed !== e.contentHash) return { ok: false, reason: 'hashMismatch' };

    // Strict equality with a string: a key whose id is missing at run time matches nothing.
    const named = ofOrigin.filter((t) => typeof t.keyId === 'string' && t.keyId === e.keyId);
    if (named.length === 0) return { ok: false, reason: 'keyMismatch' };
    const candidates = named.filter((t) => keyValidAt(t, at));
    if (candidates.length === 0) return { ok: false, reason: 'keyNotValid' };

    const good = candidates.some((t) => verifyContentSignature(e.contentHash, e.signature, t.publicKeyPem));
    return good ? { ok: true, envelope: e } : { ok: false, reason: 'badSignature' };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}

/**
 * Checks a stored proof (for instance a recognised result's provenance) again: does this public
 * key's signature cover this content hash? False on any malformed input.
 */
export function verifyContentSignature(
  contentHash: string,
  signature: string,
  publicKeyPem: string,
): boolean {
  try {
    if (!/^[0-9a-f]{64}$/.test(contentHash) || !base64.safeParse(signature).success) return false;
    return verify(
      'sha256',
      contentHashBytes(contentHash),
      { key: publicKeyPem, dsaEncoding: 'der' },
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
}

/** A short id for a public key: sha256 of its DER SPKI encoding, hex, first 16 characters. */
export function publicKeyFingerprint(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

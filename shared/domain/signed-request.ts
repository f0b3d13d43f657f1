import { verify } from 'node:crypto';

/**
 * Province-to-province requests (a partner fetching shared material content) are signed by the
 * requesting province's key over method, path and time, so the origin knows who asks without any
 * shared secret and a captured request cannot be replayed later or against another path.
 */
export const SIGNED_REQUEST_MAX_SKEW_MS = 5 * 60_000;

export function signedRequestBytes(
  method: string,
  path: string,
  timestamp: string,
  requester: string,
): Uint8Array {
  return new TextEncoder().encode(`${method.toUpperCase()}\n${path}\n${timestamp}\n${requester}`);
}

export type SignedRequestCheck = { ok: true } | { ok: false; reason: 'stale' | 'badSignature' | 'malformed' };

export function verifySignedRequest(
  input: { method: string; path: string; timestamp: string; requester: string; signature: string },
  publicKeyPem: string,
  now: Date,
): SignedRequestCheck {
  const at = Date.parse(input.timestamp);
  if (!Number.isFinite(at) || !input.signature) return { ok: false, reason: 'malformed' };
  if (Math.abs(now.getTime() - at) > SIGNED_REQUEST_MAX_SKEW_MS) return { ok: false, reason: 'stale' };
  try {
    const good = verify(
      'sha256',
      signedRequestBytes(input.method, input.path, input.timestamp, input.requester),
      { key: publicKeyPem, dsaEncoding: 'der' },
      Buffer.from(input.signature, 'base64'),
    );
    return good ? { ok: true } : { ok: false, reason: 'badSignature' };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}

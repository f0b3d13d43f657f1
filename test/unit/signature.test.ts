import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateLocalSigner, localSignerFromPem } from '../../shared/adapters/signing/local-signer.js';
import { canonicalJson, sha256Hex } from '../../shared/domain/audit-chain.js';
import {
  contentHashOf,
  ENVELOPE_SIGNATURE_CONTEXT,
  envelopeBytes,
  publicKeyFingerprint,
  type SignedEnvelope,
  signEnvelope,
  signedEnvelopeSchema,
  type TrustedKey,
  verifyContentSignature,
  verifyEnvelope,
} from '../../shared/domain/signature.js';
import type { Signer } from '../../shared/ports/signer.js';

const newPrivatePem = () =>
  generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();

const payload = {
  kind: 'resultIssued',
  origin: 'JS',
  eventId: 'E-1',
  projectCode: 'P-2026-001',
  partnerProvinces: ['ZJ', 'SH'],
  resultNo: '苏环审〔2026〕12号',
  materials: [{ code: 'M1', sha256: 'a'.repeat(64) }],
  investmentWan: 12500.5,
};
const AT = '2026-05-06T08:00:00.000Z';

let signer: Signer;
let other: Signer;
let trusted: TrustedKey[];

beforeAll(async () => {
  signer = localSignerFromPem(newPrivatePem());
  other = localSignerFromPem(newPrivatePem());
  trusted = [{ origin: 'JS', publicKeyPem: await signer.publicKeyPem(), keyId: signer.keyId }];
});

describe('signEnvelope / verifyEnvelope', () => {
  it('round trips, also through JSON, and hashes the canonical JSON of the payload', async () => {
    const envelope = await signEnvelope(signer, 'JS', payload, AT);
    expect(envelope).toMatchObject({ payload, origin: 'JS', signedAt: AT, keyId: signer.keyId });
    expect(envelope.contentHash).toBe(sha256Hex(canonicalJson(payload)));
    expect(Buffer.from(envelopeBytes(payload)).toString('utf8')).toBe(
      `${ENVELOPE_SIGNATURE_CONTEXT}:${envelope.contentHash}`,
    );
    expect(verifyEnvelope(envelope, trusted)).toEqual({ ok: true, envelope });
    const wire = JSON.parse(JSON.stringify(envelope));
    expect(verifyEnvelope(wire, trusted)).toMatchObject({ ok: true });
  });

  it('does not depend on key order', async () => {
    const envelope = await signEnvelope(signer, 'JS', payload, AT);
    const reordered = Object.fromEntries(Object.entries(payload).reverse());
    expect(verifyEnvelope({ ...envelope, payload: reordered }, trusted).ok).toBe(true);
  });

  it('rejects an altered payload as hashMismatch', async () => {
    const envelope = await signEnvelope(signer, 'JS', payload, AT);
    const altered = { ...envelope, payload: { ...payload, resultNo: '苏环审〔2026〕13号' } };
    expect(verifyEnvelope(altered, trusted)).toEqual({ ok: false, reason: 'hashMismatch' });
    const added = { ...envelope, payload: { ...payload, partnerProvinces: ['ZJ', 'SH', 'AH'] } };
    expect(verifyEnvelope(added, trusted)).toEqual({ ok: false, reason: 'hashMismatch' });
  });

  it('rejects an altered payload with a recomputed hash but the old signature as badSignature', async () => {
    const envelope = await signEnvelope(signer, 'JS', payload, AT);
    const forgedPayload = { ...payload, resultNo: 'forged' };
    const forged = { ...envelope, payload: forgedPayload, contentHash: contentHashOf(forgedPayload) };
    expect(verifyEnvelope(forged, trusted)).toEqual({ ok: false, reason: 'badSignature' });
  });

  it("rejects another key's signature as keyMismatch, or badSignature when it claims the genuine key id", async () => {
    const forged = await signEnvelope(other, 'JS', payload, AT);
    expect(verifyEnvelope(forged, trusted)).toEqual({ ok: false, reason: 'keyMismatch' });
    // claiming the genuine key id does not help
    expect(verifyEnvelope({ ...forged, keyId: signer.keyId }, trusted)).toEqual({
      ok: false,
      reason: 'badSignature',
    });
  });

  it('never matches a trusted key that has no key id, whatever key id the signature names', async () => {
    const genuine = await signEnvelope(signer, 'JS', payload, AT);
    // untyped configuration (JSON) could carry a key without an id; it must verify nothing
    const noId = [{ origin: 'JS', publicKeyPem: await signer.publicKeyPem() }] as unknown as TrustedKey[];
    expect(verifyEnvelope(genuine, noId)).toEqual({ ok: false, reason: 'keyMismatch' });
    const emptyId = [{ ...trusted[0]!, keyId: '' }];
    expect(verifyEnvelope(genuine, emptyId)).toEqual({ ok: false, reason: 'keyMismatch' });
  });

  it('accepts the old key only until its rotation window closes, the new one from its start', async () => {
    const closes = '2026-06-01T00:00:00.000Z';
    const rotation: TrustedKey[] = [
      { origin: 'JS', publicKeyPem: await signer.publicKeyPem(), keyId: signer.keyId, validUntil: closes },
      {
        origin: 'JS',
        publicKeyPem: await other.publicKeyPem(),
        keyId: other.keyId,
        validFrom: '2026-05-01T00:00:00.000Z',
      },
    ];
    const byOld = await signEnvelope(signer, 'JS', payload, AT);
    const byNew = await signEnvelope(other, 'JS', payload, AT);
    const overlap = new Date('2026-05-15T00:00:00.000Z');
    expect(verifyEnvelope(byOld, rotation, overlap).ok).toBe(true);
    expect(verifyEnvelope(byNew, rotation, overlap).ok).toBe(true);
    // after the window: the old key is refused even for a signature claiming an earlier signedAt
    const after = new Date(closes);
    expect(verifyEnvelope({ ...byOld, signedAt: '2026-01-01T00:00:00.000Z' }, rotation, after)).toEqual({
      ok: false,
      reason: 'keyNotValid',
    });
    expect(verifyEnvelope(byNew, rotation, after).ok).toBe(true);
    // before the new key's window opens it verifies nothing
    expect(verifyEnvelope(byNew, rotation, new Date('2026-04-30T00:00:00.000Z'))).toEqual({
      ok: false,
      reason: 'keyNotValid',
    });
  });

  it('accepts either key during a rotation', async () => {
    const rotation = [
      { origin: 'JS', publicKeyPem: await signer.publicKeyPem(), keyId: signer.keyId },
      { origin: 'JS', publicKeyPem: await other.publicKeyPem(), keyId: other.keyId },
    ];
    expect(verifyEnvelope(await signEnvelope(signer, 'JS', payload, AT), rotation).ok).toBe(true);
    expect(verifyEnvelope(await signEnvelope(other, 'JS', payload, AT), rotation).ok).toBe(true);
  });

  it('rejects an unknown origin, and a genuine envelope relabelled with another origin', async () => {
    const envelope = await signEnvelope(signer, 'JS', payload, AT);
    expect(verifyEnvelope(envelope, [])).toEqual({ ok: false, reason: 'unknownOrigin' });
    expect(verifyEnvelope({ ...envelope, origin: 'AH' }, trusted)).toEqual({
      ok: false,
      reason: 'unknownOrigin',
    });
    const both = [...trusted, { origin: 'ZJ', publicKeyPem: await other.publicKeyPem(), keyId: other.keyId }];
    expect(verifyEnvelope({ ...envelope, origin: 'ZJ' }, both)).toEqual({
      ok: false,
      reason: 'keyMismatch',
    });
  });

  it('rejects a signature made over other bytes (no context prefix) as badSignature', async () => {
    const envelope = await signEnvelope(signer, 'JS', payload, AT);
    const bare = await signer.sign(new TextEncoder().encode(envelope.contentHash));
    expect(verifyEnvelope({ ...envelope, signature: bare }, trusted)).toEqual({
      ok: false,
      reason: 'badSignature',
    });
  });

  it('re-checks a stored proof from contentHash and signature alone', async () => {
    const e = await signEnvelope(signer, 'JS', payload, AT);
    expect(verifyContentSignature(e.contentHash, e.signature, await signer.publicKeyPem())).toBe(true);
    expect(verifyContentSignature(e.contentHash, e.signature, await other.publicKeyPem())).toBe(false);
    expect(verifyContentSignature('0'.repeat(64), e.signature, await signer.publicKeyPem())).toBe(false);
    expect(verifyContentSignature(e.contentHash, e.signature, 'not a pem')).toBe(false);
  });

  it('treats malformed envelopes as malformed', async () => {
    const e = await signEnvelope(signer, 'JS', payload, AT);
    const bad: unknown[] = [
      undefined,
      null,
      42,
      'envelope',
      [],
      {},
      { ...e, payload: undefined },
      (({ payload: _, ...rest }) => rest)(e),
      { ...e, contentHash: e.contentHash.toUpperCase() },
      { ...e, contentHash: 'abc' },
      { ...e, signature: '' },
      { ...e, signature: 'not base64!' },
      { ...e, signature: 'A'.repeat(10_000) },
      { ...e, keyId: '' },
      { ...e, origin: 42 },
      { ...e, signedAt: null },
    ];
    for (const input of bad)
      expect(verifyEnvelope(input, trusted)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('never throws on hostile payloads or keys', async () => {
    const e = await signEnvelope(signer, 'JS', payload, AT);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const throwing = {
      get boom() {
        throw new Error('boom');
      },
    };
    for (const p of [cyclic, deep, throwing, { n: 1n }]) {
      expect(verifyEnvelope({ ...e, payload: p }, trusted)).toEqual({ ok: false, reason: 'malformed' });
    }
    const hostileEnvelope = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    expect(verifyEnvelope(hostileEnvelope, trusted)).toEqual({ ok: false, reason: 'malformed' });
    // a broken trusted key verifies nothing
    expect(verifyEnvelope(e, [{ origin: 'JS', publicKeyPem: 'garbage', keyId: signer.keyId }])).toEqual({
      ok: false,
      reason: 'badSignature',
    });
  });

  it('arbitrary JSON never throws and never verifies', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const r = verifyEnvelope(value, trusted);
        expect(r.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('envelope-shaped arbitrary input never throws and never verifies', () => {
    const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
    const envelopeLike = fc.record(
      {
        payload: fc.jsonValue(),
        contentHash: fc.oneof(hex64, fc.string()),
        signature: fc.oneof(fc.base64String({ minLength: 4, maxLength: 128 }), fc.string()),
        keyId: fc.oneof(fc.constant(signer.keyId), fc.string()),
        origin: fc.oneof(fc.constant('JS'), fc.string()),
        signedAt: fc.oneof(fc.constant(AT), fc.string()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(envelopeLike, (value) => {
        const r = verifyEnvelope(value, trusted);
        expect(r.ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('a hash matching the payload with a random signature is badSignature', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.base64String({ minLength: 4, maxLength: 128 }), (p, sig) => {
        fc.pre(p !== undefined && sig.length > 0);
        const r = verifyEnvelope(
          {
            payload: p,
            contentHash: contentHashOf(p),
            signature: sig,
            keyId: signer.keyId,
            origin: 'JS',
            signedAt: AT,
          },
          trusted,
        );
        expect(r).toEqual({ ok: false, reason: 'badSignature' });
      }),
      { numRuns: 200 },
    );
  });

  it('signs any JSON payload so that it verifies after the wire', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (p) => {
        const e = await signEnvelope(signer, 'JS', p, AT);
        expect(verifyEnvelope(JSON.parse(JSON.stringify(e)), trusted).ok).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('refuses to sign what would not survive the wire', async () => {
    for (const p of [new Date(), { at: new Date() }, { n: 1n }, { x: Number.NaN }, undefined, new Map()]) {
      await expect(signEnvelope(signer, 'JS', p, AT)).rejects.toThrow(TypeError);
    }
    await expect(signEnvelope(signer, '', payload, AT)).rejects.toThrow(/origin/);
  });

  it('the schema describes the envelope', async () => {
    const e: SignedEnvelope<typeof payload> = await signEnvelope(signer, 'JS', payload, AT);
    expect(signedEnvelopeSchema.parse(e)).toEqual(e);
  });
});

describe('publicKeyFingerprint', () => {
  it('is 16 hex characters of the SHA-256 of the DER SPKI, independent of the PEM text', async () => {
    const pem = await signer.publicKeyPem();
    const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
    const fp = publicKeyFingerprint(pem);
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    expect(fp).toBe(createHash('sha256').update(der).digest('hex').slice(0, 16));
    expect(publicKeyFingerprint(pem.replace(/\n/g, '\r\n'))).toBe(fp);
    expect(publicKeyFingerprint(await other.publicKeyPem())).not.toBe(fp);
    expect(signer.keyId).toBe(fp);
  });
});

describe('local signer', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gc-signer-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a 0600 PKCS#8 P-256 key file and its public key, and reloads the same key', async () => {
    const keyFile = join(dir, 'nested', 'signing-key.pem');
    const first = await loadOrCreateLocalSigner(keyFile);
    const pem = await readFile(keyFile, 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const key = createPrivateKey(pem);
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    if (process.platform !== 'win32') expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const pub = await readFile(`${keyFile}.pub.pem`, 'utf8');
    expect(pub).toBe(await first.publicKeyPem());
    expect(first.keyId).toBe(publicKeyFingerprint(pub));

    const again = await loadOrCreateLocalSigner(keyFile);
    expect(again.keyId).toBe(first.keyId);
    const e = await signEnvelope(again, 'JS', payload, AT);
    expect(verifyEnvelope(e, [{ origin: 'JS', publicKeyPem: pub, keyId: first.keyId }]).ok).toBe(true);
  });

  it('creates one key when several start at once', async () => {
    const keyFile = join(dir, 'race.pem');
    const signers = await Promise.all(Array.from({ length: 5 }, () => loadOrCreateLocalSigner(keyFile)));
    expect(new Set(signers.map((s) => s.keyId)).size).toBe(1);
    expect((await loadOrCreateLocalSigner(keyFile)).keyId).toBe(signers[0]!.keyId);
  });

  it('tightens a readable key file and refuses a key that is not P-256', async () => {
    const keyFile = join(dir, 'loose.pem');
    await writeFile(keyFile, newPrivatePem(), { mode: 0o644 });
    await loadOrCreateLocalSigner(keyFile);
    if (process.platform !== 'win32') expect((await stat(keyFile)).mode & 0o777).toBe(0o600);

    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(() => localSignerFromPem(rsa)).toThrow(/P-256/);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(() => localSignerFromPem(p384)).toThrow(/P-256/);
  });
});

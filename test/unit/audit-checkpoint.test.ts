import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chainEvent, GENESIS_HASH, verifyChain } from '../../shared/domain/audit-chain.js';
import {
  merkleProof,
  merkleRoot,
  nextCheckpoint,
  verifyCheckpoint,
  verifyMerkleProof,
} from '../../shared/domain/audit-checkpoint.js';
import { publicKeyFingerprint, signEnvelope } from '../../shared/domain/signature.js';
import { newSigner } from '../support/province-harness.js';

const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 });
const heads = fc.uniqueArray(
  fc.record({ stream: fc.string({ minLength: 1, maxLength: 12 }), seq: fc.nat(1000), hash: hex }),
  { selector: (h) => h.stream, maxLength: 20 },
);

describe('audit checkpoint (Merkle root over stream heads)', () => {
  it('does not depend on the order heads come in, and moves when any head moves', () => {
    fc.assert(
      fc.property(heads, fc.nat(), (hs, k) => {
        expect(merkleRoot([...hs].reverse())).toBe(merkleRoot(hs));
        if (hs.length === 0) {
          expect(merkleRoot(hs)).toBe(GENESIS_HASH);
          return;
        }
        const i = k % hs.length;
        const moved = hs.map((h, j) => (j === i ? { ...h, seq: h.seq + 1 } : h));
        expect(merkleRoot(moved)).not.toBe(merkleRoot(hs));
        expect(merkleRoot(hs.filter((_, j) => j !== i))).not.toBe(merkleRoot(hs));
      }),
    );
  });

  it('numbers checkpoints, chains them, and skips when nothing moved', () => {
    const hs = [{ stream: 's/1', seq: 1, hash: 'a'.repeat(64) }];
    const first = nextCheckpoint('JS', 'CP-1', '2026-05-01T00:00:00.000Z', hs, undefined)!;
    expect(first).toMatchObject({ number: 1, previousId: null, count: 1 });
    expect(nextCheckpoint('JS', 'CP-2', '2026-05-01T01:00:00.000Z', hs, first)).toBeUndefined();
    const moved = [{ ...hs[0]!, seq: 2 }];
    expect(nextCheckpoint('JS', 'CP-2', '2026-05-01T01:00:00.000Z', moved, first)).toMatchObject({
      number: 2,
      previousId: 'CP-1',
      previousRoot: first.root,
    });
  });

  it('verifies with the public key, and not when the heads, payload or origin are altered', async () => {
    const signer = newSigner();
    const pem = await signer.publicKeyPem();
    const keys = [{ origin: 'JS', publicKeyPem: pem, keyId: publicKeyFingerprint(pem) }];
    const hs = [
      { stream: 'stageCase/C-1', seq: 3, hash: 'a'.repeat(64) },
      { stream: 'project/P-1', seq: 1, hash: 'b'.repeat(64) },
    ];
    const payload = nextCheckpoint('JS', 'CP-1', '2026-05-01T00:00:00.000Z', hs, undefined)!;
    const envelope = await signEnvelope(signer, 'JS', payload, payload.at);
    expect(verifyCheckpoint({ envelope, heads: hs }, keys)).toMatchObject({ ok: true });
    expect(verifyCheckpoint({ envelope, heads: [hs[0]] }, keys)).toEqual({
      ok: false,
      reason: 'rootMismatch',
    });
    expect(verifyCheckpoint({ envelope: { ...envelope, origin: 'ZJ' }, heads: hs }, keys)).toMatchObject({
      ok: false,
    });
    expect(verifyCheckpoint('nonsense', keys)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('chain verification of whatever a store hands back', () => {
  it('never throws, and a damaged event is reported at its position', () => {
    fc.assert(
      fc.property(fc.array(fc.anything(), { maxLength: 5 }), (events) => {
        expect(() => verifyChain(events)).not.toThrow();
      }),
    );
    const e1 = chainEvent('s/1', 1, GENESIS_HASH, { type: 'T', actor: 'a', at: 't', data: {} });
    expect(verifyChain([e1, { ...e1, seq: 2, data: 'x' }])).toMatchObject({
      firstBrokenSeq: 2,
      reason: 'unreadable',
    });
    expect(verifyChain([e1], { head: { stream: 's/1', seq: 2, hash: 'c'.repeat(64) } })).toMatchObject({
      firstBrokenSeq: 2,
      reason: 'truncated',
    });
    expect(
      verifyChain([e1], { checkpoints: [{ checkpointId: 'CP-1', seq: 1, hash: 'd'.repeat(64) }] }),
    ).toMatchObject({ firstBrokenSeq: 1, reason: 'checkpointMismatch', checkpointId: 'CP-1' });
  });
});

describe('Merkle inclusion proofs', () => {
  it('prove every head against the root, and no altered head', () => {
    fc.assert(
      fc.property(
        heads.filter((hs) => hs.length > 0),
        fc.nat(),
        (hs, k) => {
          const root = merkleRoot(hs);
          const head = hs[k % hs.length]!;
          const proof = merkleProof(hs, head.stream)!;
          expect(verifyMerkleProof(head, proof, root)).toBe(true);
          expect(verifyMerkleProof({ ...head, seq: head.seq + 1 }, proof, root)).toBe(false);
        },
      ),
    );
    expect(merkleProof([], 'none')).toBeUndefined();
  });
});

import { generateKeyPairSync, sign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ElectronicResultRecord,
  publicResultAnswer,
  type ResultKey,
  resultHashOf,
  resultSignatureBytes,
  resultStatus,
  verifyResultSignature,
} from '../../shared/domain/electronic-result.js';
import type { CaseItem } from '../../shared/domain/model.js';
import { contentHashBytes, verifyContentSignature } from '../../shared/domain/signature.js';

const keyPair = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privateKey, pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
};
const province = keyPair();
const other = keyPair();
const KEYS: ResultKey[] = [{ keyId: 'k1', publicKeyPem: province.pem }];

const HASH = 'a1'.repeat(32);
const NO = 'JS2026-R-0001';

function signed(
  resultNo = NO,
  resultHash = HASH,
  key = province.privateKey,
  keyId = 'k1',
): ElectronicResultRecord {
  const signature = sign('sha256', resultSignatureBytes(resultNo, resultHash), {
    key,
    dsaEncoding: 'der',
  }).toString('base64');
  return {
    resultNo,
    province: 'JS',
    caseId: 'C-1',
    itemCode: 'landUse',
    resultHash,
    signature,
    keyId,
    signedAt: '2026-03-02T02:00:00.000Z',
  };
}

function approvedItem(decision: Partial<NonNullable<CaseItem['decision']>> = {}): CaseItem {
  return {
    code: 'landUse',
    name: '建设用地规划许可证核发',
    department: 'nr',
    statutoryDays: 20,
    promisedDays: 10,
    status: 'approved',
    clockStops: [],
    decision: {
      outcome: 'approve',
      by: 'rev-1',
      at: '2026-03-02T02:00:00.000Z',
      resultNo: NO,
      resultHash: HASH,
      ...decision,
    },
  };
}

describe('电子批文 signing and verification rules', () => {
  it('a result signature verifies only for its number and hash', () => {
    const r = signed();
    expect(verifyResultSignature(NO, HASH, r.signature, province.pem)).toBe(true);
    expect(verifyResultSignature('JS2026-R-0002', HASH, r.signature, province.pem)).toBe(false);
    expect(verifyResultSignature(NO, 'b2'.repeat(32), r.signature, province.pem)).toBe(false);
    expect(verifyResultSignature(NO, HASH, r.signature, other.pem)).toBe(false);
    expect(verifyResultSignature(NO, HASH, 'not base64!', province.pem)).toBe(false);
    expect(verifyResultSignature(NO, HASH, r.signature, 'not a key')).toBe(false);
  });

  it('result and envelope signatures cannot stand in for each other', () => {
    // a signature the province made over an envelope hash is no result signature, and back
    const envelopeSig = sign('sha256', contentHashBytes(HASH), {
      key: province.privateKey,
      dsaEncoding: 'der',
    }).toString('base64');
    expect(verifyResultSignature(NO, HASH, envelopeSig, province.pem)).toBe(false);
    expect(verifyContentSignature(HASH, signed().signature, province.pem)).toBe(false);
  });

  it('a signed approval is valid, and revoked once 撤销', () => {
    expect(resultStatus({ resultNo: NO, hash: HASH }, signed(), approvedItem(), KEYS)).toBe('valid');
    expect(resultStatus({ resultNo: NO, hash: HASH.toUpperCase() }, signed(), approvedItem(), KEYS)).toBe(
      'valid',
    );
    const revoked = approvedItem({
      revoked: { by: 'sup-1', at: '2026-05-01T02:00:00.000Z', reasonZh: '纠错' },
    });
    expect(resultStatus({ resultNo: NO, hash: HASH }, signed(), revoked, KEYS)).toBe('revoked');
  });

  it('every way of not matching is the same unknown', () => {
    const q = { resultNo: NO, hash: HASH };
    expect(resultStatus(q, undefined, approvedItem(), KEYS)).toBe('unknown');
    expect(resultStatus(q, signed(), undefined, KEYS)).toBe('unknown');
    expect(resultStatus({ ...q, hash: 'b2'.repeat(32) }, signed(), approvedItem(), KEYS)).toBe('unknown');
    expect(resultStatus({ ...q, resultNo: 'JS2026-R-0002' }, signed(), approvedItem(), KEYS)).toBe('unknown');
    // withheld (容缺): not issued yet
    expect(resultStatus(q, signed(), approvedItem({ resultWithheld: true }), KEYS)).toBe('unknown');
    // a rejection, or a partner's result recognised here: not a result of this province
    expect(resultStatus(q, signed(), approvedItem({ outcome: 'reject' }), KEYS)).toBe('unknown');
    const recognition = {
      origin: 'ZJ',
      eventId: 'e',
      caseId: 'c',
      itemCode: 'x',
      resultNo: NO,
      resultHash: HASH,
      contentHash: HASH,
      signature: 'AAAA',
      keyId: 'z',
      decidedAt: 't',
      receivedAt: 't',
    };
    expect(resultStatus(q, signed(), approvedItem({ recognition }), KEYS)).toBe('unknown');
    // the case's decision no longer carries the signed number and hash
    expect(resultStatus(q, signed(), approvedItem({ resultHash: 'c3'.repeat(32) }), KEYS)).toBe('unknown');
    // signed by another key, under an unknown key id, or not at all
    expect(resultStatus(q, signed(NO, HASH, other.privateKey), approvedItem(), KEYS)).toBe('unknown');
    expect(resultStatus(q, signed(NO, HASH, province.privateKey, 'k0'), approvedItem(), KEYS)).toBe(
      'unknown',
    );
    expect(resultStatus(q, { ...signed(), signature: '' }, approvedItem(), KEYS)).toBe('unknown');
  });

  it('property: any other hash answers unknown', () => {
    const record = signed();
    const item = approvedItem();
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{64}$/), (hash) => {
        fc.pre(hash !== HASH);
        return resultStatus({ resultNo: NO, hash }, record, item, KEYS) === 'unknown';
      }),
      { numRuns: 200 },
    );
  });

  it('the public answer carries only status, number, province, project code, item and dates', () => {
    const item = approvedItem({
      revoked: { by: 'sup-1', at: '2026-05-01T02:00:00.000Z', reasonZh: '纠错理由' },
      reasons: '内部意见',
    });
    const found = { province: 'JS', projectCode: '2026-320000-48-01-000100', item };
    const day = (at: string) => at.slice(0, 10);
    const revoked = publicResultAnswer('revoked', NO, found, day);
    expect(revoked).toEqual({
      status: 'revoked',
      resultNo: NO,
      province: 'JS',
      projectCode: '2026-320000-48-01-000100',
      itemName: item.name,
      decidedOn: '2026-03-02',
      revokedOn: '2026-05-01',
    });
    expect(publicResultAnswer('unknown', NO, found, day)).toEqual({ status: 'unknown', resultNo: NO });
    expect(publicResultAnswer('valid', NO, undefined, day)).toEqual({ status: 'unknown', resultNo: NO });
    fc.assert(
      fc.property(fc.constantFrom('valid', 'revoked', 'unknown' as const), (status) => {
        const text = JSON.stringify(publicResultAnswer(status, NO, found, day));
        return (
          !text.includes('rev-1') &&
          !text.includes('sup-1') &&
          !text.includes('理由') &&
          !text.includes('意见')
        );
      }),
    );
  });
});

describe('what a result hash covers', () => {
  const c = {
    id: 'C-1',
    projectCode: '2026-320000-48-01-000001',
    materials: [{ code: 'sitePlan', sha256: 'a'.repeat(64) }, { code: 'letter' }],
  };
  const decided = {
    itemCode: 'landUse',
    outcome: 'approve' as const,
    resultNo: 'JS2026-R-1',
    at: '2026-03-02T08:00:00.000Z',
  };

  it('changes with anything decided or relied on, and nothing else', () => {
    const base = resultHashOf('JS', c, decided);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(resultHashOf('JS', { ...c }, { ...decided })).toBe(base);
    for (const other of [
      resultHashOf('ZJ', c, decided),
      resultHashOf('JS', { ...c, id: 'C-2' }, decided),
      resultHashOf(
        'JS',
        { ...c, materials: [{ code: 'sitePlan', sha256: 'b'.repeat(64) }, c.materials[1]!] },
        decided,
      ),
      resultHashOf('JS', c, { ...decided, outcome: 'reject' }),
      resultHashOf('JS', c, { ...decided, resultNo: 'JS2026-R-2' }),
      resultHashOf('JS', c, { ...decided, at: '2026-03-02T08:00:00.001Z' }),
      // 告知承诺: the signed pledge it rests on
      resultHashOf('JS', c, { ...decided, pledgeHash: 'c'.repeat(64) }),
    ]) {
      expect(other).not.toBe(base);
    }
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyPartnerPayload,
  type CrossProvincePayload,
  type PartnerProject,
  recognitionRefusal,
} from '../../shared/domain/cross-province.js';
import type { RecognitionProvenance } from '../../shared/domain/model.js';
import { recogniseItem, withdrawRecognition } from '../../shared/domain/stage-case.js';
import { at, OWNER_CREDIT_CODE, underReview } from './fixtures.js';

const proof = { contentHash: 'c'.repeat(64), signature: 'sig', keyId: 'JS-1' };
const common = { origin: 'JS', projectCode: '2026-320000-48-01-000200', partnerProvinces: ['ZJ'] };
const shared: CrossProvincePayload = {
  kind: 'projectShared',
  eventId: 'JS:E1',
  ...common,
  name: '跨省高速',
  owner: { creditCode: OWNER_CREDIT_CODE, name: '甲公司' },
  category: 'nationalKey',
  city: '苏州市',
  investmentWan: 1,
  sharedAt: '2026-03-02T01:00:00Z',
};
const result = (n: number): CrossProvincePayload => ({
  kind: 'resultIssued',
  eventId: `JS:R${n}`,
  ...common,
  caseId: 'JS-C1',
  stage: 'projectApproval',
  itemCode: `item${n}`,
  itemName: '事项',
  department: 'nr',
  resultNo: `JS2026-${n}`,
  resultHash: 'a'.repeat(64),
  decidedAt: `2026-03-0${n}T02:00:00Z`,
  materials: [],
});
const revocation = (n: number): CrossProvincePayload => ({
  kind: 'resultRevoked',
  eventId: `JS:V${n}`,
  ...common,
  caseId: 'JS-C1',
  itemCode: `item${n}`,
  resultNo: `JS2026-${n}`,
  resultHash: 'a'.repeat(64),
  reasonZh: '以欺骗手段取得',
  revokedAt: '2026-03-09T02:00:00Z',
});

const fold = (payloads: CrossProvincePayload[]) =>
  payloads.reduce<PartnerProject | undefined>(
    (v, p) => applyPartnerPayload(v, p, proof, [], '2026-03-10T00:00:00Z'),
    undefined,
  );

describe('revocations in the partner view', () => {
  it('any order and any repeats give the same view: a revoked result stays revoked', () => {
    const all = [shared, result(1), result(2), revocation(1)];
    const reference = fold(all)!;
    expect(reference.results.find((r) => r.itemCode === 'item1')?.revoked?.reasonZh).toBe('以欺骗手段取得');
    expect(reference.results.find((r) => r.itemCode === 'item2')?.revoked).toBeUndefined();
    fc.assert(
      fc.property(
        fc
          .array(fc.constantFrom(...all), { minLength: 0, maxLength: 6 })
          .chain((extra) =>
            fc.shuffledSubarray([...all, ...extra], { minLength: all.length + extra.length }),
          ),
        (order) => {
          expect(fold(order)).toEqual(reference);
        },
      ),
    );
  });

  it('a revocation that arrives before its result is remembered and marks the late result', () => {
    const early = fold([revocation(1)])!;
    expect(early.results).toEqual([]);
    expect(early.revocations).toHaveLength(1);
    const late = applyPartnerPayload(early, result(1), proof, [], '2026-03-10T00:00:00Z');
    expect(recognitionRefusal({ summary: undefined }, late.results[0]!, OWNER_CREDIT_CODE)).toBe('revoked');
  });
});

describe('recognition binds to the owner', () => {
  it('refuses another owner, an unshared project and a revoked result', () => {
    const view = fold([shared, result(1)])!;
    const r = view.results[0]!;
    expect(recognitionRefusal(view, r, OWNER_CREDIT_CODE)).toBeUndefined();
    expect(recognitionRefusal(view, r, '91320500MA1MXX8A3')).toBe('ownerMismatch');
    expect(recognitionRefusal({}, r, OWNER_CREDIT_CODE)).toBe('notShared');
    expect(recognitionRefusal(view, { revoked: {} }, OWNER_CREDIT_CODE)).toBe('revoked');
  });
});

describe('withdrawRecognition (互认撤回)', () => {
  const LAND_PRE = 'landPreExaminationSiting';
  const provenance: RecognitionProvenance = {
    origin: 'ZJ',
    eventId: 'ZJ:E1',
    caseId: 'ZJ-C1',
    itemCode: LAND_PRE,
    resultNo: 'ZJ2025-1',
    resultHash: 'b'.repeat(64),
    contentHash: 'c'.repeat(64),
    signature: 'sig',
    keyId: 'ZJ-1',
    decidedAt: at('2025-10-08'),
    receivedAt: at('2025-10-09'),
  };
  const input = {
    origin: 'ZJ',
    resultNo: 'ZJ2025-1',
    reasonZh: '撤销',
    revokedAt: at('2025-10-20'),
    now: at('2025-10-21'),
    today: '2025-10-21',
  };

  it('sends the item back to review with a fresh clock, and reopens the case', () => {
    const recognised = recogniseItem(underReview('2025-09-30'), LAND_PRE, provenance, at('2025-10-09'));
    const c = withdrawRecognition(recognised, LAND_PRE, input);
    const item = c.items.find((i) => i.code === LAND_PRE)!;
    expect(item).toMatchObject({ status: 'inReview', startDate: '2025-10-21', clockStops: [] });
    expect(item.decision).toBeUndefined();
    expect(item.recognitionWithdrawals?.[0]).toMatchObject({ reasonZh: '撤销', recognition: provenance });
    expect(c.status).toBe('underReview');
    // twice changes nothing; another result's revocation changes nothing
    expect(withdrawRecognition(c, LAND_PRE, input)).toBe(c);
    expect(withdrawRecognition(recognised, LAND_PRE, { ...input, resultNo: 'ZJ2025-9' })).toBe(recognised);
  });

  it('does not reopen a case closed otherwise: the revocation is put beside the decision', () => {
    const recognised = recogniseItem(underReview('2025-09-30'), LAND_PRE, provenance, at('2025-10-09'));
    const terminated = { ...recognised, status: 'terminated' as const };
    const c = withdrawRecognition(terminated, LAND_PRE, input);
    expect(c.status).toBe('terminated');
    expect(c.items.find((i) => i.code === LAND_PRE)?.decision?.revoked).toMatchObject({
      by: 'partner:ZJ',
      reasonZh: '撤销',
    });
  });
});

import { describe, expect, it } from 'vitest';
import type { RecognitionProvenance, StageCase } from '../../shared/domain/model.js';
import {
  assignItem,
  catalogueItem,
  decideItem,
  recogniseItem,
  requestItemCorrection,
  revokeDecision,
} from '../../shared/domain/stage-case.js';
import { at, decideAll, decideOne, decision, expectDomainError, province, underReview } from './fixtures.js';

/** 转办 and 撤销 as pure transitions on the real Jiangsu catalogue. */
const LAND_PRE = 'landPreExaminationSiting';
const LAND_USE = 'landUsePlanningPermit';

const itemOf = (c: StageCase, code: string) => {
  const found = c.items.find((i) => i.code === code);
  if (!found) throw new Error(`no item ${code}`);
  return found;
};

const handTo = (id: string, by: string, day = '2025-10-09', reasonZh = '按分工承办') => ({
  assignee: { id, name: `审查员${id}` },
  by,
  reasonZh,
  now: at(day),
});

describe('转办 assignItem', () => {
  it('names the holder of an undecided item and records the hand-over', () => {
    const c = underReview('2025-09-30');
    const next = assignItem(c, LAND_PRE, handTo('rev-1', 'lead-nrp'));
    const item = itemOf(next, LAND_PRE);
    expect(item.assignee).toEqual({ id: 'rev-1', name: '审查员rev-1', since: at('2025-10-09') });
    expect(item.assignments).toEqual([
      { to: 'rev-1', toName: '审查员rev-1', by: 'lead-nrp', at: at('2025-10-09'), reasonZh: '按分工承办' },
    ]);
    // nothing else moves: the other item, the status, the clocks
    expect(itemOf(next, LAND_USE)).toEqual(itemOf(c, LAND_USE));
    expect(next.status).toBe('underReview');
    expect({ ...item, assignee: undefined, assignments: undefined }).toEqual({
      ...itemOf(c, LAND_PRE),
      assignee: undefined,
      assignments: undefined,
    });
    // the input case is not changed
    expect(itemOf(c, LAND_PRE).assignee).toBeUndefined();
  });

  it('keeps the whole history, each hand-over naming whom it came from', () => {
    const c = underReview('2025-09-30');
    const once = assignItem(c, LAND_PRE, handTo('rev-1', 'lead-nrp', '2025-10-09'));
    const twice = assignItem(once, LAND_PRE, handTo('rev-2', 'rev-1', '2025-10-10', '承办人出差'));
    const item = itemOf(twice, LAND_PRE);
    expect(item.assignee).toMatchObject({ id: 'rev-2', since: at('2025-10-10') });
    expect(item.assignments?.map((a) => [a.from, a.to, a.by, a.reasonZh])).toEqual([
      [undefined, 'rev-1', 'lead-nrp', '按分工承办'],
      ['rev-1', 'rev-2', 'rev-1', '承办人出差'],
    ]);
  });

  it('may hand on an item whose clock is stopped for a correction (it is still undecided)', () => {
    const c = requestItemCorrection(underReview('2025-09-30'), LAND_USE, {
      missing: ['surveyBoundaryMap'],
      reason: '红线图坐标有误',
      now: at('2025-10-09'),
      today: '2025-10-09',
      itemMaterials: catalogueItem(province, LAND_USE).materials,
    });
    expect(itemOf(c, LAND_USE).status).toBe('correctionRequested');
    expect(itemOf(assignItem(c, LAND_USE, handTo('rev-1', 'lead-nrp')), LAND_USE).assignee?.id).toBe('rev-1');
  });

  it('refuses the reviewer who already holds the item (409)', () => {
    const c = assignItem(underReview('2025-09-30'), LAND_PRE, handTo('rev-1', 'lead-nrp'));
    expectDomainError(
      () => assignItem(c, LAND_PRE, handTo('rev-1', 'lead-nrp')),
      'ALREADY_ASSIGNED',
      'conflict',
    );
  });

  it('refuses a decided item, a closed case and a blank reason', () => {
    const c = underReview('2025-09-30');
    const decided = decideItem(c, LAND_PRE, decision('approve', '2025-10-09'));
    expectDomainError(
      () => assignItem(decided, LAND_PRE, handTo('rev-1', 'lead-nrp')),
      'ITEM_ALREADY_DECIDED',
      'conflict',
    );
    const closed = decideAll(c, 'approve', '2025-10-09');
    expectDomainError(
      () => assignItem(closed, LAND_USE, handTo('rev-1', 'lead-nrp')),
      'CASE_NOT_UNDER_REVIEW',
      'conflict',
    );
    expectDomainError(
      () => assignItem(c, LAND_PRE, handTo('rev-1', 'lead-nrp', '2025-10-09', '  ')),
      'REASONS_REQUIRED',
      'invalid',
    );
    expectDomainError(() => assignItem(c, 'noSuchItem', handTo('rev-1', 'lead-nrp')), 'ITEM_NOT_IN_CASE');
  });
});

describe('撤销 revokeDecision', () => {
  const revoke = (reasonZh = '申请人以欺骗手段取得许可，依法撤销') => ({
    by: 'sup-1',
    reasonZh,
    now: at('2025-11-03'),
  });

  it('puts the revocation beside the approval of a closed case and changes nothing else', () => {
    const closed = decideAll(underReview('2025-09-30'), 'approve', '2025-10-09');
    expect(closed.status).toBe('approved');
    const next = revokeDecision(closed, LAND_PRE, revoke());
    const before = itemOf(closed, LAND_PRE).decision!;
    expect(itemOf(next, LAND_PRE).decision).toEqual({
      ...before,
      revoked: { by: 'sup-1', at: at('2025-11-03'), reasonZh: '申请人以欺骗手段取得许可，依法撤销' },
    });
    // the stage stays closed: status, close time and the other item are as they were
    expect({ ...next, items: [] }).toEqual({ ...closed, items: [] });
    expect(itemOf(next, LAND_USE)).toEqual(itemOf(closed, LAND_USE));
    expect(itemOf(next, LAND_PRE).status).toBe(itemOf(closed, LAND_PRE).status);
  });

  it('waits for the case to close', () => {
    const c = decideItem(underReview('2025-09-30'), LAND_PRE, decision('approve', '2025-10-09'));
    expectDomainError(() => revokeDecision(c, LAND_PRE, revoke()), 'CASE_NOT_CLOSED', 'conflict');
  });

  it('revokes approvals only: not a rejection', () => {
    const c = decideItem(underReview('2025-09-30'), LAND_PRE, decision('approve', '2025-10-09'));
    const closed = decideOne(c, LAND_USE, decision('reject', '2025-10-09'));
    expect(closed.status).toBe('rejected');
    expectDomainError(() => revokeDecision(closed, LAND_USE, revoke()), 'NOTHING_TO_REVOKE', 'conflict');
    // the approved item of a rejected stage may still be revoked
    expect(itemOf(revokeDecision(closed, LAND_PRE, revoke()), LAND_PRE).decision?.revoked?.by).toBe('sup-1');
  });

  it('leaves a recognised (互认) result to the province that issued it', () => {
    const provenance: RecognitionProvenance = {
      origin: 'ZJ',
      eventId: 'ZJ:E1',
      caseId: 'ZJ-C1',
      itemCode: LAND_PRE,
      resultNo: 'ZJ2025-R1',
      resultHash: 'b'.repeat(64),
      contentHash: 'c'.repeat(64),
      signature: 's',
      keyId: 'k',
      decidedAt: at('2025-10-08'),
      receivedAt: at('2025-10-09'),
    };
    const c = recogniseItem(underReview('2025-09-30'), LAND_PRE, provenance, at('2025-10-09'));
    const closed = decideItem(c, LAND_USE, decision('approve', '2025-10-09'));
    expectDomainError(() => revokeDecision(closed, LAND_PRE, revoke()), 'RECOGNISED_RESULT', 'conflict');
  });

  it('revokes once, and only with reasons', () => {
    const closed = decideAll(underReview('2025-09-30'), 'approve', '2025-10-09');
    expectDomainError(() => revokeDecision(closed, LAND_PRE, revoke(' ')), 'REASONS_REQUIRED', 'invalid');
    const once = revokeDecision(closed, LAND_PRE, revoke());
    expectDomainError(
      () => revokeDecision(once, LAND_PRE, revoke('再次撤销')),
      'ALREADY_REVOKED',
      'conflict',
    );
  });
});

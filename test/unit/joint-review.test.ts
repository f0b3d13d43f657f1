import { describe, expect, it } from 'vitest';
import { shanghai } from '../../shared/config/provinces/shanghai.js';
import {
  conveneJointReview,
  MINUTES_MATERIAL_CODE,
  recordJointReview,
} from '../../shared/domain/joint-review.js';
import type { StageCase } from '../../shared/domain/model.js';
import { itemProgress } from '../../shared/domain/progress.js';
import { endSpecialProcedure } from '../../shared/domain/special-procedure.js';
import { cal, expectDomainError, province, thresholds, underReview } from './fixtures.js';

const LAND_PRE = 'landPreExaminationSiting';
const LAND_USE = 'landUsePlanningPermit';
const convener = { id: 'rev-1', name: '李审查', role: 'reviewer' as const };
const item = (c: StageCase, code: string) => c.items.find((i) => i.code === code)!;

const convene = (c: StageCase, over: Partial<Parameters<typeof conveneJointReview>[1]> = {}) =>
  conveneJointReview(c, {
    id: 'JR-1',
    itemCodes: [LAND_PRE, LAND_USE],
    meetingAt: '2025-10-10T09:30:00+08:00',
    place: '省政务服务中心三楼会议室',
    convener,
    now: '2025-09-30T02:00:00Z',
    today: '2025-09-30',
    cal,
    rules: province.specialProcedures,
    ...over,
  });

describe('联合审查 (行政许可法第四十五条 and the province measure naming it)', () => {
  it('联合审查: needs at least two items of the case and a place or a video link', () => {
    const c = underReview('2025-09-30');
    expectDomainError(
      () => convene(c, { itemCodes: [LAND_PRE, LAND_PRE] }),
      'JOINT_REVIEW_TOO_FEW_ITEMS',
      'invalid',
    );
    expectDomainError(() => convene(c, { place: ' ' }), 'JOINT_REVIEW_NO_VENUE', 'invalid');
    expectDomainError(
      () => convene(c, { meetingAt: '2025-09-29T09:00:00+08:00' }),
      'JOINT_REVIEW_IN_PAST',
      'invalid',
    );
  });

  it('行政许可法第四十五条: where the province counts joint review as a special procedure, the items stop from convening', () => {
    const c = convene(underReview('2025-09-30'));
    const meeting = c.jointReviews![0]!;
    expect(meeting).toMatchObject({ stopsClock: true, status: 'convened' });
    for (const code of [LAND_PRE, LAND_USE]) {
      expect(item(c, code).status).toBe('specialProcedure');
      expect(item(c, code).clockStops[0]).toMatchObject({
        procedureType: 'jointReview',
        jointReviewId: 'JR-1',
      });
      expect(item(c, code).clockStops[0]?.noticeZh).toContain('联合审查');
    }
    // the stop ends with the recorded outcome, not by the item's own action
    expectDomainError(() => endSpecialProcedure(c, LAND_USE, '2025-10-09'), 'JOINT_REVIEW_STOP');
    // a meeting beyond the configured maximum could not end the stop in time
    const max = province.specialProcedures.find((r) => r.type === 'jointReview')!.maxDays;
    expectDomainError(
      () => convene(underReview('2025-09-30'), { meetingAt: '2025-11-28T09:00:00+08:00' }),
      'PROCEDURE_OVER_MAXIMUM',
      'invalid',
    );
    expect(max).toBeGreaterThan(0);
  });

  it('联合审查: where the province does not count it, the clocks keep running', () => {
    const c = convene(underReview('2025-09-30'), { rules: shanghai.specialProcedures });
    expect(c.jointReviews![0]!.stopsClock).toBe(false);
    expect(item(c, LAND_USE).status).toBe('inReview');
    expect(item(c, LAND_USE).clockStops).toEqual([]);
  });

  it('会议纪要: only the convener records; one opinion per item; minutes become a material and clocks resume', () => {
    const c = convene(underReview('2025-09-30'));
    const outcomes = [
      { itemCode: LAND_PRE, opinion: 'pass' as const },
      { itemCode: LAND_USE, opinion: 'revise' as const, commentZh: '调整用地红线' },
    ];
    const input = {
      by: convener,
      minutes: { sha256: 'a'.repeat(64), fileName: '联合审查会议纪要-JR-1.txt' },
      outcomes,
      now: '2025-10-10T03:00:00Z',
      today: '2025-10-10',
    };
    expectDomainError(
      () => recordJointReview(c, 'JR-1', { ...input, by: { id: 'rev-2', name: '别人' } }),
      'NOT_CONVENER',
      'forbidden',
    );
    expectDomainError(
      () => recordJointReview(c, 'JR-1', { ...input, outcomes: outcomes.slice(0, 1) }),
      'JOINT_REVIEW_OUTCOMES',
      'invalid',
    );
    const done = recordJointReview(c, 'JR-1', input);
    expect(done.jointReviews![0]).toMatchObject({ status: 'recorded', outcomes });
    expect(done.materials.at(-1)).toMatchObject({ code: MINUTES_MATERIAL_CODE, sha256: 'a'.repeat(64) });
    // outcome is an opinion: nothing is decided
    expect(item(done, LAND_USE)).toMatchObject({ status: 'inReview' });
    expect(item(done, LAND_USE).decision).toBeUndefined();
    // 09-30 → 10-10 stopped: 10-09 and 10-10; on 10-13 the clock has run 2 days (10-11, 10-13)
    expect(itemProgress(cal, item(done, LAND_USE), '2025-10-13', thresholds).elapsedDays).toBe(2);
    expectDomainError(() => recordJointReview(done, 'JR-1', input), 'JOINT_REVIEW_RECORDED');
  });
});

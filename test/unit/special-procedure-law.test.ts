import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseProvinceConfig } from '../../shared/config/province-config.js';
import { jiangsu } from '../../shared/config/provinces/jiangsu.js';
import { shanghai } from '../../shared/config/provinces/shanghai.js';
import { addCalendarDays } from '../../shared/domain/calendar.js';
import type { ClockStop, StageCase } from '../../shared/domain/model.js';
import { ART45_PROCEDURE_TYPES } from '../../shared/domain/model.js';
import { itemProgress, nextCheckDate } from '../../shared/domain/progress.js';
import {
  approveSpecialProcedure,
  declineSpecialProcedure,
  endSpecialProcedure,
  overrunCheckDate,
  procedureOverrun,
  requestSpecialProcedure,
  type SpecialProcedureRules,
  startSpecialProcedure,
} from '../../shared/domain/special-procedure.js';
import { elapsedWorkingDays } from '../../shared/domain/time-limits.js';
import { cal, expectDomainError, province, thresholds, underReview } from './fixtures.js';

const LAND_USE = 'landUsePlanningPermit';
const reviewerP = { id: 'rev-1', name: '李审查' };
const leadP = { id: 'lead-1', name: '张处长' };
const rules: SpecialProcedureRules = province.specialProcedures;
const item = (c: StageCase, code = LAND_USE) => c.items.find((i) => i.code === code)!;

/** Accepted Tuesday 2025-09-30; National Day 10-01..10-08 off; Saturday 10-11 is a 调休 working day. */
const requested = (expectedDays = 5, procedureType: 'expertReview' | 'tendering' = 'expertReview') =>
  requestSpecialProcedure(underReview('2025-09-30'), LAND_USE, {
    procedureType,
    reason: '组织专家论证选址',
    expectedDays,
    by: reviewerP,
    now: '2025-09-30T02:00:00Z',
    rules,
  });

describe('行政许可法第四十五条: special procedures with configured types, maxima and lead approval', () => {
  it('行政许可法第四十五条: the law names 听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审, and every province configures each of them', () => {
    expect([...ART45_PROCEDURE_TYPES].sort()).toEqual(
      [
        'hearing',
        'tendering',
        'auction',
        'inspection',
        'testing',
        'quarantine',
        'appraisal',
        'expertReview',
      ].sort(),
    );
    for (const p of [jiangsu, shanghai]) {
      const types = p.specialProcedures.map((r) => r.type);
      for (const t of ART45_PROCEDURE_TYPES) expect(types).toContain(t);
    }
  });

  it('行政许可法第四十五条: a type outside the article needs a basis of its own in the province config', () => {
    const bad = {
      ...jiangsu,
      specialProcedures: [
        { type: 'siteVisit', maxDays: 5, basisZh: '《中华人民共和国行政许可法》第四十五条' },
      ],
    };
    expect(() => parseProvinceConfig(bad)).toThrow(/第四十五条未列特别程序 siteVisit/);
    const dup = {
      ...jiangsu,
      specialProcedures: [...jiangsu.specialProcedures, jiangsu.specialProcedures[0]],
    };
    expect(() => parseProvinceConfig(dup)).toThrow(/特别程序类型重复/);
  });

  it('行政许可法第四十五条: a type the province did not configure is refused', () => {
    const noJoint = shanghai.specialProcedures;
    expectDomainError(
      () =>
        startSpecialProcedure(underReview('2025-09-30'), LAND_USE, {
          procedureType: 'jointReview',
          reason: '联合审查',
          expectedDays: 2,
          lead: leadP,
          today: '2025-09-30',
          cal,
          rules: noJoint,
        }),
      'PROCEDURE_TYPE_NOT_CONFIGURED',
      'invalid',
    );
  });

  it('行政许可法第四十五条: the expected time may not exceed the configured maximum for the type', () => {
    const max = rules.find((r) => r.type === 'expertReview')!.maxDays;
    expectDomainError(() => requested(max + 1), 'PROCEDURE_OVER_MAXIMUM', 'invalid');
    expectDomainError(() => requested(0), 'PROCEDURE_OVER_MAXIMUM', 'invalid');
    expect(item(requested(max)).specialProcedureRequest?.expectedDays).toBe(max);
  });

  it('行政许可法第四十五条: a request does not stop the clock; the reviewer who asked cannot approve it, the lead can', () => {
    const c = requested(5);
    expect(item(c).status).toBe('inReview');
    expect(item(c).clockStops).toEqual([]);
    expectDomainError(
      () => approveSpecialProcedure(c, LAND_USE, { approver: reviewerP, today: '2025-09-30', cal, rules }),
      'OWN_PROCEDURE_REQUEST',
      'forbidden',
    );
    const { next, stop } = approveSpecialProcedure(c, LAND_USE, {
      approver: leadP,
      today: '2025-09-30',
      cal,
      rules,
    });
    expect(item(next).status).toBe('specialProcedure');
    expect(item(next).specialProcedureRequest).toBeUndefined();
    // five working days after 09-30 across National Day and the 调休 Saturday: 10-09, 10, 11, 13, 14
    expect(stop).toMatchObject({
      kind: 'specialProcedure',
      from: '2025-09-30',
      requestedBy: reviewerP,
      approver: leadP,
      expectedDays: 5,
      latestEnd: '2025-10-14',
    });
    expect(stop.approvedBy).toBeUndefined();
  });

  it('行政许可法第四十五条: the applicant is told in writing the procedure, the reason, the expected time and the latest end', () => {
    const { stop } = approveSpecialProcedure(requested(5), LAND_USE, {
      approver: leadP,
      today: '2025-09-30',
      cal,
      rules,
    });
    expect(stop.noticeZh).toContain('专家评审');
    expect(stop.noticeZh).toContain('组织专家论证选址');
    expect(stop.noticeZh).toContain('5 个工作日');
    expect(stop.noticeZh).toContain('2025-10-14');
    expect(stop.noticeZh).toContain('第四十五条');
  });

  it('行政许可法第四十五条: a declined request leaves the clock running; nothing to approve afterwards', () => {
    const c = declineSpecialProcedure(requested(5), LAND_USE, leadP);
    expect(item(c).specialProcedureRequest).toBeUndefined();
    expectDomainError(
      () => approveSpecialProcedure(c, LAND_USE, { approver: leadP, today: '2025-09-30', cal, rules }),
      'NO_PROCEDURE_REQUEST',
    );
  });

  it('行政许可法第四十五条: past its expected time the item turns red with the overrun days, and the sweeper is scheduled once', () => {
    const { next } = approveSpecialProcedure(requested(5), LAND_USE, {
      approver: leadP,
      today: '2025-09-30',
      cal,
      rules,
    });
    const on = (day: string) => itemProgress(cal, item(next), day, thresholds);
    expect(on('2025-10-14').lamp).toBe('green');
    expect(on('2025-10-14').procedureOverrun).toBeUndefined();
    expect(on('2025-10-15')).toMatchObject({
      lamp: 'red',
      procedureOverrun: { procedureType: 'expertReview', latestEnd: '2025-10-14', overrunDays: 1 },
    });
    // 15, 16, 17 Oct over; the weekend 18–19 Oct adds nothing, Monday 20 Oct does
    expect(on('2025-10-19').procedureOverrun?.overrunDays).toBe(3);
    expect(on('2025-10-20').procedureOverrun?.overrunDays).toBe(4);
    expect(overrunCheckDate(cal, item(next))).toBe('2025-10-15');
    expect(nextCheckDate(cal, next, '2025-10-10', thresholds)).toBe('2025-10-15');
    // the clock itself did not run during the stop
    expect(on('2025-10-20').elapsedDays).toBe(0);
  });

  it('行政许可法第四十五条: ended, the clock runs again and the overrun is gone', () => {
    const { next } = startSpecialProcedure(underReview('2025-09-30'), LAND_USE, {
      procedureType: 'tendering',
      reason: '土地使用权招标',
      expectedDays: 3,
      lead: leadP,
      today: '2025-09-30',
      cal,
      rules,
    });
    const ended = endSpecialProcedure(next, LAND_USE, '2025-10-13');
    expect(procedureOverrun(cal, item(ended), '2025-10-20')).toBeUndefined();
    expect(itemProgress(cal, item(ended), '2025-10-14', thresholds).elapsedDays).toBe(1);
  });

  it('old records with a typed approver stay readable and raise no overrun', () => {
    const old: ClockStop = {
      kind: 'specialProcedure',
      from: '2025-09-30',
      procedureType: 'siteVisit',
      reason: '现场踏勘',
      approvedBy: '处长',
    };
    const c = underReview('2025-09-30');
    const i = { ...item(c), status: 'specialProcedure' as const, clockStops: [old] };
    expect(procedureOverrun(cal, i, '2026-06-01')).toBeUndefined();
    expect(itemProgress(cal, i, '2026-06-01', thresholds).lamp).toBe('green');
  });

  it('property: a clock never runs during a stop — elapsed working days do not grow while a stop is open', () => {
    const day = (offset: number) => addCalendarDays('2025-01-02', offset);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 60 }),
        (start, stopAfter, later, more) => {
          const s = day(start);
          const from = addCalendarDays(s, stopAfter);
          const stops: ClockStop[] = [{ kind: 'specialProcedure', from }];
          const t1 = addCalendarDays(from, later);
          const t2 = addCalendarDays(t1, more);
          const atStop = elapsedWorkingDays(cal, s, stops, from);
          expect(elapsedWorkingDays(cal, s, stops, t1)).toBe(atStop);
          expect(elapsedWorkingDays(cal, s, stops, t2)).toBe(atStop);
        },
      ),
      { numRuns: 300 },
    );
  });
});

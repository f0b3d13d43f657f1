import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCalendarDays, WorkingCalendar } from '../../shared/domain/calendar.js';
import { deficiencyDeadline, mayBeDeficient, overdueCommitments } from '../../shared/domain/deficiency.js';
import { DomainError } from '../../shared/domain/errors.js';
import type { DeficiencyCommitment } from '../../shared/domain/model.js';

const cal = WorkingCalendar.fromChineseDays();

describe('deficiencyDeadline', () => {
  it('counts working days after acceptance, skipping National Day', () => {
    expect(deficiencyDeadline(cal, '2025-09-26', 5, 10)).toEqual({ date: '2025-10-10', provisional: false });
  });

  it('may equal but not exceed the promised limit', () => {
    expect(deficiencyDeadline(cal, '2025-09-26', 10, 10).date).toBe('2025-10-16');
    try {
      deficiencyDeadline(cal, '2025-09-26', 11, 10);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('DEFICIENCY_DEADLINE_BEYOND_LIMIT');
      expect((e as DomainError).messageZh).toContain('承诺时限');
    }
  });

  it('refuses a deadline of zero or fractional days', () => {
    expect(() => deficiencyDeadline(cal, '2025-09-26', 0, 10)).toThrow(/INVALID_DEFICIENCY_DAYS/);
    expect(() => deficiencyDeadline(cal, '2025-09-26', 1.5, 10)).toThrow(/INVALID_DEFICIENCY_DAYS/);
  });

  it('is provisional when it reaches an unpublished year', () => {
    expect(deficiencyDeadline(cal, '2026-12-24', 10, 20).provisional).toBe(true);
  });

  it('never falls after the end of the promised limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }).map((n) => addCalendarDays('2024-01-01', n)),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        (acceptedOn, requested, extra) => {
          const promised = requested + extra;
          const deadline = deficiencyDeadline(cal, acceptedOn, requested, promised).date;
          expect(deadline <= cal.addWorkingDays(acceptedOn, promised).date).toBe(true);
          expect(cal.isWorkingDay(deadline)).toBe(true);
        },
      ),
    );
  });
});

describe('overdueCommitments', () => {
  const c = (
    materialCode: string,
    deadline: string,
    status: DeficiencyCommitment['status'],
  ): DeficiencyCommitment => ({
    materialCode,
    itemCode: 'ITEM',
    grantedDays: 5,
    deadline,
    provisional: false,
    status,
  });

  it('lists open commitments past their last day; the last day itself is still in time', () => {
    const all = [
      c('late', '2025-10-09', 'open'),
      c('lastDay', '2025-10-10', 'open'),
      c('done', '2025-10-01', 'supplemented'),
      c('alreadyFlagged', '2025-10-01', 'overdue'),
    ];
    expect(overdueCommitments(all, '2025-10-10').map((x) => x.materialCode)).toEqual(['late']);
    expect(overdueCommitments(all, '2025-10-11').map((x) => x.materialCode)).toEqual(['late', 'lastDay']);
  });
});

describe('mayBeDeficient', () => {
  const item = { deficiencyAllowed: ['M-LAND-SURVEY', 'M-CORE'], coreMaterials: ['M-CORE'] };

  it('allows a listed secondary material to be missing', () => {
    expect(mayBeDeficient(item, 'M-LAND-SURVEY')).toBe(true);
  });

  it('never allows an unlisted or a core material to be missing', () => {
    expect(mayBeDeficient(item, 'M-OTHER')).toBe(false);
    expect(mayBeDeficient(item, 'M-CORE')).toBe(false);
    expect(mayBeDeficient({ deficiencyAllowed: [] }, 'M-LAND-SURVEY')).toBe(false);
  });
});

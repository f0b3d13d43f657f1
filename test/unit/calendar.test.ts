import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addCalendarDays,
  isIsoDate,
  shanghaiDate,
  WorkingCalendar,
  type YearArrangement,
  yearArrangementSchema,
} from '../../shared/domain/calendar.js';
import { DomainError } from '../../shared/domain/errors.js';

const cal = WorkingCalendar.fromChineseDays();

/** 2027 as the State Council might publish it (New Year, Spring Festival 6–12 Feb with two 调休 Saturdays). */
const y2027: YearArrangement = {
  year: 2027,
  holidays: ['2027-01-01', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12'],
  workdays: ['2027-02-06', '2027-02-20'],
  source: 'test',
};

const dateIn = (fromYear: number, toYear: number) =>
  fc
    .integer({ min: Date.UTC(fromYear, 0, 1) / 86_400_000, max: Date.UTC(toYear, 11, 31) / 86_400_000 })
    .map((n) => new Date(n * 86_400_000).toISOString().slice(0, 10));

describe('WorkingCalendar with the real Chinese calendar', () => {
  it('knows exactly the years chinese-days has data for', () => {
    const years = cal.coveredYears();
    expect(years[0]).toBe(2004);
    expect(years).toContain(2025);
    expect(years).toContain(2026);
    expect(years).not.toContain(2027);
    expect(years).toEqual([...years].sort((a, b) => a - b));
    expect(cal.covers('2026-12-31')).toBe(true);
    expect(cal.covers('2027-01-04')).toBe(false);
  });

  it('National Day 2025: 1–8 October off, Sunday 28 September and Saturday 11 October worked', () => {
    for (let d = 1; d <= 8; d++) expect(cal.isWorkingDay(`2025-10-0${d}`)).toBe(false);
    expect(cal.isWorkingDay('2025-09-28')).toBe(true);
    expect(cal.isWorkingDay('2025-10-11')).toBe(true);
    expect(cal.isWorkingDay('2025-10-09')).toBe(true);
    expect(cal.isWorkingDay('2025-10-12')).toBe(false);
  });

  it('counts across National Day 2025', () => {
    // Accepted Friday 26 Sep: working days 28 Sep (Sun, 调休), 29, 30 Sep, then 9, 10, 11 (Sat) Oct.
    expect(cal.addWorkingDays('2025-09-26', 3)).toEqual({ date: '2025-09-30', provisional: false });
    expect(cal.addWorkingDays('2025-09-26', 4)).toEqual({ date: '2025-10-09', provisional: false });
    expect(cal.addWorkingDays('2025-09-26', 6)).toEqual({ date: '2025-10-11', provisional: false });
    expect(cal.workingDaysBetween('2025-09-30', '2025-10-08')).toBe(0);
  });

  it('Spring Festival 2026: 15–23 February off, Saturdays 14 and 28 February worked', () => {
    expect(cal.isWorkingDay('2026-02-14')).toBe(true);
    expect(cal.isWorkingDay('2026-02-16')).toBe(false);
    expect(cal.isWorkingDay('2026-02-23')).toBe(false);
    expect(cal.isWorkingDay('2026-02-28')).toBe(true);
    expect(cal.addWorkingDays('2026-02-13', 2)).toEqual({ date: '2026-02-24', provisional: false });
  });

  it('n = 0 returns the date itself', () => {
    expect(cal.addWorkingDays('2025-10-03', 0)).toEqual({ date: '2025-10-03', provisional: false });
  });

  it('rejects malformed input with a domain error', () => {
    expect(() => cal.addWorkingDays('2025-02-30', 1)).toThrow(DomainError);
    expect(() => cal.addWorkingDays('2025-10-01', -1)).toThrow(/INVALID_WORKING_DAYS/);
    expect(() => cal.isWorkingDay('2025/10/01')).toThrow(/INVALID_DATE/);
  });
});

describe('years the calendar does not know', () => {
  it('a deadline reaching into 2027 is provisional, counted as Monday–Friday', () => {
    const due = cal.addWorkingDays('2026-12-28', 10);
    expect(due).toEqual({ date: '2027-01-11', provisional: true });
  });

  it('becomes firm once the 2027 arrangement is loaded, and moves past the added holiday', () => {
    const loaded = cal.withArrangement(y2027);
    expect(loaded.coveredYears()).toContain(2027);
    expect(loaded.addWorkingDays('2026-12-28', 10)).toEqual({ date: '2027-01-12', provisional: false });
    // The original calendar is unchanged.
    expect(cal.addWorkingDays('2026-12-28', 10).provisional).toBe(true);
  });

  it('applies loaded 调休 days: a make-up Saturday works, the festival week does not', () => {
    const loaded = WorkingCalendar.fromChineseDays([y2027]);
    expect(loaded.isWorkingDay('2027-02-06')).toBe(true);
    expect(loaded.isWorkingDay('2027-02-10')).toBe(false);
    expect(loaded.workingDaysBetween('2027-02-05', '2027-02-15')).toBe(2);
  });

  it('an administrator can replace a built-in year', () => {
    const fixed = cal.withArrangement({ year: 2026, holidays: ['2026-03-02'], workdays: [] });
    expect(fixed.isWorkingDay('2026-03-02')).toBe(false);
    // The replacement is the whole year: the built-in Spring Festival is gone.
    expect(fixed.isWorkingDay('2026-02-16')).toBe(true);
  });

  it('an arrangement may reach into the previous December (New Year make-up day)', () => {
    const a = { year: 2027, holidays: ['2026-12-31', '2027-01-01'], workdays: ['2026-12-26'] };
    const loaded = cal.withArrangement(a);
    expect(loaded.isWorkingDay('2026-12-26')).toBe(true);
    expect(loaded.isWorkingDay('2026-12-31')).toBe(false);
  });

  it('chinese-days puts the 2019 New Year make-up Saturday in December 2018', () => {
    expect(cal.isWorkingDay('2018-12-29')).toBe(true);
    expect(cal.isWorkingDay('2018-12-31')).toBe(false);
  });
});

describe('yearArrangementSchema', () => {
  it('accepts a plausible arrangement', () => {
    expect(yearArrangementSchema.safeParse(y2027).success).toBe(true);
  });

  it('rejects dates outside the year, invalid dates, weekday 调休 and a day in both lists', () => {
    const bad = (a: Partial<YearArrangement>) => yearArrangementSchema.safeParse({ ...y2027, ...a }).success;
    expect(bad({ holidays: ['2028-01-01'] })).toBe(false);
    expect(bad({ holidays: ['2026-06-01'] })).toBe(false);
    expect(bad({ holidays: ['2027-02-29'] })).toBe(false);
    expect(bad({ workdays: ['2027-02-08'] })).toBe(false);
    expect(bad({ holidays: ['2027-02-06'], workdays: ['2027-02-06'] })).toBe(false);
  });

  it('withArrangement refuses invalid data with a Chinese explanation', () => {
    try {
      cal.withArrangement({ year: 2027, holidays: ['2027-13-01'], workdays: [] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('INVALID_YEAR_ARRANGEMENT');
      expect((e as DomainError).messageZh).toMatch(/放假安排/);
    }
  });
});

describe('working-day properties', () => {
  const anyDate = dateIn(2020, 2028);
  const calWith2027 = cal.withArrangement(y2027);

  it('the n-th working day (n ≥ 1) is a working day', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 1, max: 150 }), (d, n) => {
        expect(calWith2027.isWorkingDay(calWith2027.addWorkingDays(d, n).date)).toBe(true);
      }),
    );
  });

  it('workingDaysBetween inverts addWorkingDays', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 0, max: 150 }), (d, n) => {
        expect(cal.workingDaysBetween(d, cal.addWorkingDays(d, n).date)).toBe(n);
      }),
    );
  });

  it('more working days never give an earlier date, and provisional never turns firm', () => {
    fc.assert(
      fc.property(anyDate, fc.nat(120), fc.nat(30), (d, n, k) => {
        const a = cal.addWorkingDays(d, n);
        const b = cal.addWorkingDays(d, n + k);
        expect(b.date >= a.date).toBe(true);
        if (a.provisional) expect(b.provisional).toBe(true);
      }),
    );
  });

  it('counting is additive over adjacent intervals', () => {
    fc.assert(
      fc.property(anyDate, fc.nat(60), fc.nat(60), (a, x, y) => {
        const b = addCalendarDays(a, x);
        const c = addCalendarDays(b, y);
        expect(cal.workingDaysBetween(a, c)).toBe(
          cal.workingDaysBetween(a, b) + cal.workingDaysBetween(b, c),
        );
      }),
    );
  });

  it('unknown years are ordinary weeks', () => {
    fc.assert(
      fc.property(dateIn(2030, 2040), (d) => {
        const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
        expect(cal.isWorkingDay(d)).toBe(weekday >= 1 && weekday <= 5);
      }),
    );
  });
});

describe('date helpers', () => {
  it('shanghaiDate uses UTC+8 whatever the host time zone', () => {
    expect(shanghaiDate('2025-09-30T15:59:59Z')).toBe('2025-09-30');
    expect(shanghaiDate('2025-09-30T16:00:00Z')).toBe('2025-10-01');
    expect(shanghaiDate(new Date('2024-12-31T16:30:00Z'))).toBe('2025-01-01');
    expect(() => shanghaiDate('yesterday')).toThrow(DomainError);
  });

  it('addCalendarDays crosses months, leap days and years', () => {
    expect(addCalendarDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addCalendarDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addCalendarDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addCalendarDays('2025-03-01', -1)).toBe('2025-02-28');
  });

  it('addCalendarDays agrees with UTC Date arithmetic', () => {
    fc.assert(
      fc.property(dateIn(1990, 2090), fc.integer({ min: -5000, max: 5000 }), (d, n) => {
        const expected = new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
        expect(addCalendarDays(d, n)).toBe(expected);
      }),
    );
  });

  it('isIsoDate accepts real dates only', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2023-2-28')).toBe(false);
    expect(isIsoDate('2023-04-31')).toBe(false);
  });
});

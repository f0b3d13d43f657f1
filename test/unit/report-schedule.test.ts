import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../shared/domain/calendar.js';
import { dueReports, firstWorkingDay, mondayOf } from '../../shared/domain/report-schedule.js';

const cal = WorkingCalendar.fromChineseDays();
/** An instant given as Shanghai wall time. */
const shanghai = (local: string) => new Date(`${local}+08:00`);
const keys = (local: string) => dueReports(shanghai(local), cal).map((r) => r.key);

describe('scheduled reports (周调度 every Monday, 月通报 on the first working day)', () => {
  it('the weekly dispatch is due from Monday 08:30 Shanghai time, for the week of that Monday', () => {
    // Monday 2026-11-23
    expect(keys('2026-11-23T08:29:59')).not.toContain('weeklyDispatch:2026-11-23');
    expect(keys('2026-11-23T08:29:59')).toContain('weeklyDispatch:2026-11-16');
    expect(keys('2026-11-23T08:30:00')).toContain('weeklyDispatch:2026-11-23');
    // the rest of the week still names that Monday (sent once, by its key)
    expect(keys('2026-11-29T23:00:00')).toContain('weeklyDispatch:2026-11-23');
    expect(mondayOf('2026-11-29')).toBe('2026-11-23');
    expect(mondayOf('2026-11-23')).toBe('2026-11-23');
  });

  it('the bulletin of the month before goes out on the first working day, holidays and 调休 counted', () => {
    // 2026: New Year's Day to 01-03 off, Sunday 01-04 worked; 劳动节 05-01…05-05; 国庆 10-01…10-07
    expect(firstWorkingDay(cal, '2026-01')).toBe('2026-01-04');
    expect(firstWorkingDay(cal, '2026-05')).toBe('2026-05-06');
    expect(firstWorkingDay(cal, '2026-10')).toBe('2026-10-08');
    expect(firstWorkingDay(cal, '2026-12')).toBe('2026-12-01');
    // before it, the latest due is the bulletin sent on 09-01 (of August)
    expect(keys('2026-10-07T12:00:00')).toContain('monthlyBulletin:2026-08');
    expect(keys('2026-10-08T08:29:00')).toContain('monthlyBulletin:2026-08');
    expect(keys('2026-10-08T08:30:00')).toContain('monthlyBulletin:2026-09');
    // January reports on December of the year before
    expect(keys('2026-01-04T09:00:00')).toContain('monthlyBulletin:2025-12');
  });

  it('property: whatever the moment, exactly one report of each kind is due, never one whose time is to come', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2025-01-01'), max: new Date('2026-12-31'), noInvalidDate: true }),
        (now) => {
          const due = dueReports(now, cal);
          expect(due.filter((r) => r.kind === 'weeklyDispatch')).toHaveLength(1);
          expect(due.filter((r) => r.kind === 'monthlyBulletin')).toHaveLength(1);
          for (const r of due) expect(r.dueAt <= now.toISOString()).toBe(true);
        },
      ),
    );
  });
});

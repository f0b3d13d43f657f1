import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCalendarDays, WorkingCalendar } from '../../shared/domain/calendar.js';
import type { ClockStop } from '../../shared/domain/model.js';
import {
  dueDate,
  elapsedWorkingDays,
  remainingWorkingDays,
  stoppedWorkingDays,
} from '../../shared/domain/time-limits.js';

const cal = WorkingCalendar.fromChineseDays();
// Accepted Friday 26 Sep 2025; the clock runs 28 (Sun, 调休), 29, 30 Sep, then from 9 Oct (National Day).
const START = '2025-09-26';
const stop = (from: string, to?: string): ClockStop => ({ kind: 'correction', from, ...(to ? { to } : {}) });

describe('time limits across National Day 2025', () => {
  it('without stops, a 5-day limit ends on 10 October', () => {
    expect(dueDate(cal, START, 5, [], '2025-09-26')).toEqual({ date: '2025-10-10', provisional: false });
    expect(elapsedWorkingDays(cal, START, [], '2025-10-09')).toBe(4);
    expect(remainingWorkingDays(cal, START, 5, [], '2025-10-09')).toBe(1);
  });

  it('a correction stop from 29 Sep to 9 Oct stops 30 Sep and 9 Oct and moves the deadline', () => {
    const stops = [stop('2025-09-29', '2025-10-09')];
    expect(stoppedWorkingDays(cal, stops, '2025-10-10')).toBe(2);
    expect(elapsedWorkingDays(cal, START, stops, '2025-10-10')).toBe(3);
    expect(dueDate(cal, START, 5, stops, '2025-10-10')).toEqual({ date: '2025-10-13', provisional: false });
    expect(remainingWorkingDays(cal, START, 5, stops, '2025-10-10')).toBe(2);
  });

  it('an open stop keeps running until today', () => {
    const stops = [stop('2025-10-09')];
    // (9 Oct, 14 Oct]: 10, 11 (Sat, 调休), 13, 14.
    expect(stoppedWorkingDays(cal, stops, '2025-10-14')).toBe(4);
    expect(elapsedWorkingDays(cal, START, stops, '2025-10-14')).toBe(4);
    expect(remainingWorkingDays(cal, START, 5, stops, '2025-10-14')).toBe(1);
  });

  it('overlapping and duplicate stops are counted once', () => {
    const once = [stop('2025-10-09', '2025-10-15')];
    const overlapping = [
      stop('2025-10-09', '2025-10-13'),
      stop('2025-10-10', '2025-10-15'),
      stop('2025-10-09', '2025-10-15'),
    ];
    expect(stoppedWorkingDays(cal, overlapping, '2025-10-20')).toBe(
      stoppedWorkingDays(cal, once, '2025-10-20'),
    );
    expect(stoppedWorkingDays(cal, once, '2025-10-20')).toBe(5);
  });

  it('goes negative when overdue', () => {
    // Due 10 Oct; 11 (Sat, 调休), 13 and 14 Oct are over the limit.
    expect(remainingWorkingDays(cal, START, 5, [], '2025-10-14')).toBe(-3);
  });

  it('stop days before the clock started are not subtracted', () => {
    const stops = [stop('2025-09-20', '2025-09-29')];
    // Only 28 and 29 Sep lie after the start.
    expect(elapsedWorkingDays(cal, START, stops, '2025-09-30')).toBe(1);
    expect(dueDate(cal, START, 5, stops, '2025-09-30').date).toBe('2025-10-13');
  });

  it('a deadline in an unpublished year is provisional', () => {
    expect(dueDate(cal, '2026-12-21', 20, [], '2026-12-21').provisional).toBe(true);
    expect(dueDate(cal, '2026-12-01', 5, [], '2026-12-01').provisional).toBe(false);
  });
});

describe('time-limit properties', () => {
  const dayOffset = (max: number) => fc.integer({ min: 0, max });
  const stopArb = fc.record({
    from: fc.integer({ min: -10, max: 80 }),
    length: dayOffset(20),
    open: fc.boolean(),
    kind: fc.constantFrom('correction', 'deficiency', 'specialProcedure') as fc.Arbitrary<ClockStop['kind']>,
  });
  const scenario = fc.record({
    start: fc.integer({ min: 0, max: 1000 }).map((n) => addCalendarDays('2024-01-01', n)),
    limit: fc.integer({ min: 1, max: 60 }),
    stops: fc.array(stopArb, { maxLength: 4 }),
    today: dayOffset(120),
  });
  type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;
  const build = (s: Scenario) => {
    const today = addCalendarDays(s.start, s.today);
    const stops: ClockStop[] = s.stops.map((x) => ({
      kind: x.kind,
      from: addCalendarDays(s.start, x.from),
      ...(x.open ? {} : { to: addCalendarDays(s.start, x.from + x.length) }),
    }));
    return { start: s.start, limit: s.limit, stops, today };
  };

  it('stops never increase the elapsed days', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { start, stops, today } = build(s);
        expect(elapsedWorkingDays(cal, start, stops, today)).toBeLessThanOrEqual(
          elapsedWorkingDays(cal, start, [], today),
        );
      }),
    );
  });

  it('duplicating or reordering stops changes nothing', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { start, stops, today } = build(s);
        const base = stoppedWorkingDays(cal, stops, today, start);
        expect(stoppedWorkingDays(cal, [...stops, ...stops], today, start)).toBe(base);
        expect(stoppedWorkingDays(cal, [...stops].reverse(), today, start)).toBe(base);
      }),
    );
  });

  it('the clock never runs backwards from one day to the next', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { start, stops, today } = build(s);
        const tomorrow = addCalendarDays(today, 1);
        const a = elapsedWorkingDays(cal, start, stops, today);
        const b = elapsedWorkingDays(cal, start, stops, tomorrow);
        expect(b - a).toBeGreaterThanOrEqual(0);
        expect(b - a).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('remaining days are the signed working days between today and the due date', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { start, limit, stops, today } = build(s);
        const due = dueDate(cal, start, limit, stops, today).date;
        const remaining = remainingWorkingDays(cal, start, limit, stops, today);
        const signed =
          due >= today ? cal.workingDaysBetween(today, due) : 0 - cal.workingDaysBetween(due, today);
        expect(remaining).toBe(signed);
      }),
    );
  });
});

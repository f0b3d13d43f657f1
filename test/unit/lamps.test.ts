import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCalendarDays, WorkingCalendar } from '../../shared/domain/calendar.js';
import {
  LAMP_SEVERITY,
  type LampThresholds,
  lampFor,
  lampThresholdsSchema,
  redFromDate,
  yellowFromDate,
} from '../../shared/domain/lamps.js';
import type { ClockStop } from '../../shared/domain/model.js';
import { elapsedWorkingDays } from '../../shared/domain/time-limits.js';

const cal = WorkingCalendar.fromChineseDays();
const T: LampThresholds = { yellowShare: 0.8, yellowRemainingDays: 2 };
const open = (limitDays: number, elapsedDays: number, t = T) =>
  lampFor({ limitDays, elapsedDays, decided: false }, t);

describe('lampFor', () => {
  it('turns yellow at 80% of the limit, red only once overdue', () => {
    expect(open(20, 15)).toBe('green');
    expect(open(20, 16)).toBe('yellow');
    expect(open(20, 20)).toBe('yellow');
    expect(open(20, 21)).toBe('red');
  });

  it('turns yellow when few working days remain, even below the share', () => {
    // 10-day limit: 80% is day 8, but with 2 days left it is already yellow on day 8; a 3-day rule on day 7.
    expect(open(10, 7)).toBe('green');
    expect(open(10, 7, { yellowShare: 0.8, yellowRemainingDays: 3 })).toBe('yellow');
    expect(open(2, 0)).toBe('yellow');
  });

  it('a 70% share triggers on day 7 of 10 despite floating point', () => {
    expect(open(10, 7, { yellowShare: 0.7, yellowRemainingDays: 0 })).toBe('yellow');
    expect(open(10, 6, { yellowShare: 0.7, yellowRemainingDays: 0 })).toBe('green');
  });

  it('a decided item shows how it ended: green on time, red late', () => {
    expect(lampFor({ limitDays: 10, elapsedDays: 9, decided: true }, T)).toBe('green');
    expect(lampFor({ limitDays: 10, elapsedDays: 10, decided: true }, T)).toBe('green');
    expect(lampFor({ limitDays: 10, elapsedDays: 11, decided: true }, T)).toBe('red');
  });

  it('severity never drops as elapsed days grow', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 90 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        fc.boolean(),
        fc.record({
          yellowShare: fc.double({ min: 0.01, max: 1, noNaN: true }),
          yellowRemainingDays: fc.nat(10),
        }),
        (limitDays, a, b, decided, t) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const sLo = LAMP_SEVERITY[lampFor({ limitDays, elapsedDays: lo, decided }, t)];
          const sHi = LAMP_SEVERITY[lampFor({ limitDays, elapsedDays: hi, decided }, t)];
          expect(sHi).toBeGreaterThanOrEqual(sLo);
        },
      ),
    );
  });

  it('validates configured thresholds', () => {
    expect(lampThresholdsSchema.safeParse(T).success).toBe(true);
    expect(lampThresholdsSchema.safeParse({ yellowShare: 1.5, yellowRemainingDays: 2 }).success).toBe(false);
    expect(lampThresholdsSchema.safeParse({ yellowShare: 0.8, yellowRemainingDays: -1 }).success).toBe(false);
  });
});

describe('yellowFromDate / redFromDate', () => {
  it('across National Day 2025: a 10-day item accepted 26 Sep is yellow from 14 Oct, red from 16 Oct', () => {
    // Working days: 28, 29, 30 Sep, 9, 10, 11 (Sat, 调休), 13, 14 (8th = 80%), 15, 16 (10th), 17 overdue.
    expect(yellowFromDate(cal, '2025-09-26', 10, [], '2025-09-26', T)).toBe('2025-10-14');
    expect(redFromDate(cal, '2025-09-26', 10, [], '2025-09-26')).toBe('2025-10-17');
  });

  const scenario = fc.record({
    start: fc.integer({ min: 0, max: 900 }).map((n) => addCalendarDays('2024-01-01', n)),
    limit: fc.integer({ min: 1, max: 40 }),
    todayOffset: fc.nat(80),
    stops: fc.array(fc.record({ from: fc.nat(60), length: fc.nat(15), open: fc.boolean() }), {
      maxLength: 3,
    }),
    t: fc.record({
      yellowShare: fc.double({ min: 0.05, max: 1, noNaN: true }),
      yellowRemainingDays: fc.nat(5),
    }),
  });
  type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;
  const build = (s: Scenario) => {
    const today = addCalendarDays(s.start, s.todayOffset);
    const stops: ClockStop[] = s.stops
      .filter((x) => x.from <= s.todayOffset)
      .map((x) => ({
        kind: 'specialProcedure',
        from: addCalendarDays(s.start, x.from),
        ...(x.open ? {} : { to: addCalendarDays(s.start, Math.min(x.from + x.length, s.todayOffset)) }),
      }));
    return { today, stops };
  };

  it('the lamp today is at least yellow exactly when the yellow date has come', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { today, stops } = build(s);
        const elapsedDays = elapsedWorkingDays(cal, s.start, stops, today);
        const lamp = lampFor({ limitDays: s.limit, elapsedDays, decided: false }, s.t);
        expect(lamp !== 'green').toBe(yellowFromDate(cal, s.start, s.limit, stops, today, s.t) <= today);
        expect(lamp === 'red').toBe(redFromDate(cal, s.start, s.limit, stops, today) <= today);
      }),
    );
  });

  it('with the clock running and no open stop, the lamp really changes on the indexed dates', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { today, stops: all } = build(s);
        const stops = all.filter((x) => x.to !== undefined);
        const lampOn = (d: string) =>
          lampFor(
            { limitDays: s.limit, elapsedDays: elapsedWorkingDays(cal, s.start, stops, d), decided: false },
            s.t,
          );
        const yellow = yellowFromDate(cal, s.start, s.limit, stops, today, s.t);
        fc.pre(yellow > today);
        expect(lampOn(yellow)).not.toBe('green');
        expect(lampOn(addCalendarDays(yellow, -1))).toBe('green');
        const red = redFromDate(cal, s.start, s.limit, stops, today);
        expect(lampOn(red)).toBe('red');
        expect(lampOn(addCalendarDays(red, -1))).not.toBe('red');
      }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCalendarDays } from '../../shared/domain/calendar.js';
import { LAMP_SEVERITY } from '../../shared/domain/lamps.js';
import type { CaseItem, Lamp, StageCase } from '../../shared/domain/model.js';
import { caseProgress, itemProgress, nextCheckDate, worstLamp } from '../../shared/domain/progress.js';
import { endSpecialProcedure, startSpecialProcedure } from '../../shared/domain/special-procedure.js';
import { accept, decideItem, giveFeedback, supplement } from '../../shared/domain/stage-case.js';
import {
  acceptCtx,
  at,
  cal,
  decideAll,
  decidedOnOf,
  decision,
  province,
  submit,
  thresholds,
  underReview,
} from './fixtures.js';

const LAND_PRE = 'landPreExaminationSiting'; // promised 10, statutory 20
const LAND_USE = 'landUsePlanningPermit'; // promised 7, statutory 20

const progressOn = (c: StageCase, today: string) => caseProgress(cal, c, today, thresholds, decidedOnOf);
const itemOn = (c: StageCase, code: string, today: string) => {
  const found = progressOn(c, today).items.find((i) => i.code === code);
  if (!found) throw new Error(`no item ${code}`);
  return found;
};
const notify = (c: StageCase, lamps: Record<string, Lamp>): StageCase => ({
  ...c,
  items: c.items.map((i): CaseItem => (lamps[i.code] ? { ...i, lampNotified: lamps[i.code] } : i)),
});

/** accepted on 30 Sep 2025, the day before the National Day holiday (1–8 Oct; 11 Oct is a 调休 Saturday) */
const accepted = () => underReview('2025-09-30');

describe('caseProgress: lamps on real dates', () => {
  it('an item that has not started is green with no due date', () => {
    const p = progressOn(submit({ day: '2025-09-30' }), '2025-10-09');
    expect(p.items.map((i) => [i.lamp, i.elapsedDays, i.dueDate])).toEqual([
      ['green', 0, undefined],
      ['green', 0, undefined],
    ]);
    expect(p.step).toBe('accept');
  });

  it('the holiday does not use up the limit', () => {
    const i = itemOn(accepted(), LAND_USE, '2025-10-08');
    expect(i).toMatchObject({ elapsedDays: 0, remainingDays: 7, lamp: 'green', dueDate: '2025-10-16' });
    expect(i.statutoryDueDate).toBe(cal.addWorkingDays('2025-09-30', 20).date);
    expect(i.provisional).toBe(false);
  });

  it('turns yellow with 2 working days left, red the working day after the due date', () => {
    const c = accepted();
    expect(itemOn(c, LAND_USE, '2025-10-13')).toMatchObject({ elapsedDays: 4, lamp: 'green' });
    expect(itemOn(c, LAND_USE, '2025-10-14')).toMatchObject({
      elapsedDays: 5,
      remainingDays: 2,
      lamp: 'yellow',
    });
    expect(itemOn(c, LAND_USE, '2025-10-16')).toMatchObject({
      elapsedDays: 7,
      remainingDays: 0,
      lamp: 'yellow',
    });
    expect(itemOn(c, LAND_USE, '2025-10-17')).toMatchObject({
      elapsedDays: 8,
      remainingDays: -1,
      lamp: 'red',
    });
    // the 10-day item: yellow at 80% (8 days) on 17 Oct
    expect(itemOn(c, LAND_PRE, '2025-10-16').lamp).toBe('green');
    expect(itemOn(c, LAND_PRE, '2025-10-17').lamp).toBe('yellow');
    expect(itemOn(c, LAND_PRE, '2025-10-22').lamp).toBe('red');
  });

  it('the case lamp is the worst of its items', () => {
    const c = accepted();
    expect(progressOn(c, '2025-10-13').lamp).toBe('green');
    expect(progressOn(c, '2025-10-14').lamp).toBe('yellow');
    expect(progressOn(c, '2025-10-17').lamp).toBe('red');
    expect(worstLamp([])).toBe('green');
    expect(worstLamp(['yellow', 'green', 'red', 'yellow'])).toBe('red');
  });

  it('a decided item keeps the lamp of how it ended: green on time, red late', () => {
    const onTime = decideItem(accepted(), LAND_USE, decision('approve', '2025-10-16'));
    expect(itemOn(onTime, LAND_USE, '2025-11-30')).toMatchObject({ lamp: 'green', elapsedDays: 7 });
    const late = decideItem(accepted(), LAND_USE, decision('approve', '2025-10-20'));
    expect(itemOn(late, LAND_USE, '2025-11-30')).toMatchObject({ lamp: 'red', elapsedDays: 9 });
  });

  it('the window is red once the acceptance deadline passed', () => {
    const c = submit({ day: '2025-09-30' }); // acceptance due 10 Oct
    expect(progressOn(c, '2025-10-10')).toMatchObject({
      acceptOverdue: false,
      lamp: 'green',
      acceptDueDate: '2025-10-10',
    });
    expect(progressOn(c, '2025-10-11')).toMatchObject({ acceptOverdue: true, lamp: 'red' });
  });

  it('flags an open 容缺 commitment past its deadline as overdue, not a supplemented one', () => {
    const c = accept(
      submit({ day: '2025-09-30', missing: ['topographicMap'] }),
      {
        outcome: 'acceptWithDeficiencies',
        deficiencies: [{ itemCode: LAND_PRE, materialCode: 'topographicMap', days: 2 }],
        commitmentSigned: true,
      },
      acceptCtx('2025-09-30'),
    );
    expect(c.deficiencies[0]?.deadline).toBe('2025-10-10');
    expect(progressOn(c, '2025-10-10').deficiencies[0]?.overdue).toBe(false);
    expect(progressOn(c, '2025-10-11').deficiencies[0]?.overdue).toBe(true);
    const { next } = supplement(c, [{ code: 'topographicMap', submittedAt: at('2025-10-13') }], {
      now: at('2025-10-13'),
      today: '2025-10-13',
    });
    expect(progressOn(next, '2025-10-20').deficiencies[0]?.overdue).toBe(false);
  });

  it('marks a due date in an unpublished year provisional', () => {
    const i = itemOn(underReview('2026-12-24'), LAND_PRE, '2026-12-24');
    expect(i.provisional).toBe(true);
    expect(itemOn(accepted(), LAND_PRE, '2025-10-09').provisional).toBe(false);
  });

  it('shows the six steps done / current / pending, all done after feedback', () => {
    const review = progressOn(accepted(), '2025-10-09');
    expect(review.steps.map((s) => s.state)).toEqual([
      'done',
      'done',
      'current',
      'pending',
      'pending',
      'pending',
    ]);
    const closed = decideAll(accepted(), 'approve', '2025-10-10');
    expect(progressOn(closed, '2025-10-10').step).toBe('feedback');
    const rated = giveFeedback(closed, { satisfaction: 5, by: 'app-1', now: at('2025-10-11') });
    expect(progressOn(rated, '2025-10-11').steps.every((s) => s.state === 'done')).toBe(true);
  });
});

describe('nextCheckDate: when the sweeper must look again', () => {
  it('a submitted case: the day after the acceptance deadline, unless already announced', () => {
    const c = submit({ day: '2025-09-30' });
    expect(nextCheckDate(cal, c, '2025-09-30', thresholds)).toBe('2025-10-11');
  });

  it('行政许可法第32条: a submitted case stays due until deemed accepted on the 6th working day', () => {
    const c = submit({ day: '2026-03-02' });
    expect(c.acceptDueDate).toBe('2026-03-04');
    expect(c.acceptDeemedOn).toBe('2026-03-10');
    expect(nextCheckDate(cal, c, '2026-03-02', thresholds)).toBe('2026-03-05');
    // once the missed limit was announced, the sweeper comes back on the deemed day
    expect(nextCheckDate(cal, { ...c, acceptOverdueNotified: true }, '2026-03-05', thresholds)).toBe(
      '2026-03-10',
    );
  });

  it('under review: the earliest yellow, then red, skipping lamps already announced', () => {
    const c = accepted();
    expect(nextCheckDate(cal, c, '2025-10-09', thresholds)).toBe('2025-10-14'); // 7-day item turns yellow
    expect(nextCheckDate(cal, notify(c, { [LAND_USE]: 'yellow' }), '2025-10-14', thresholds)).toBe(
      '2025-10-17',
    );
    expect(
      nextCheckDate(cal, notify(c, { [LAND_USE]: 'red', [LAND_PRE]: 'yellow' }), '2025-10-17', thresholds),
    ).toBe('2025-10-22'); // due 21 Oct + 1
    expect(
      nextCheckDate(cal, notify(c, { [LAND_USE]: 'red', [LAND_PRE]: 'red' }), '2025-10-22', thresholds),
    ).toBeUndefined();
  });

  it('a 容缺 deadline passing comes first when it is earliest, also after the case closed', () => {
    const c = accept(
      submit({ day: '2025-09-30', missing: ['topographicMap'] }),
      {
        outcome: 'acceptWithDeficiencies',
        deficiencies: [{ itemCode: LAND_PRE, materialCode: 'topographicMap', days: 2 }],
        commitmentSigned: true,
      },
      acceptCtx('2025-09-30'),
    );
    expect(nextCheckDate(cal, c, '2025-10-09', thresholds)).toBe('2025-10-11');
    const closed = decideAll(c, 'approve', '2025-10-10');
    expect(closed.status).toBe('approved');
    expect(nextCheckDate(cal, closed, '2025-10-10', thresholds)).toBe('2025-10-11');
    const { next } = supplement(closed, [{ code: 'topographicMap', submittedAt: at('2025-10-10') }], {
      now: at('2025-10-10'),
      today: '2025-10-10',
    });
    expect(nextCheckDate(cal, next, '2025-10-10', thresholds)).toBeUndefined();
  });

  it('skips decided items and items whose clock is stopped; a finished special procedure postpones the lamps', () => {
    const c = accepted();
    expect(
      nextCheckDate(
        cal,
        decideItem(c, LAND_USE, decision('approve', '2025-10-10')),
        '2025-10-10',
        thresholds,
      ),
    ).toBe('2025-10-17');
    const stopped = startSpecialProcedure(c, LAND_USE, {
      procedureType: 'expertReview',
      reason: '专家论证',
      expectedDays: 5,
      lead: { id: 'lead-1', name: '处长' },
      today: '2025-10-10',
      cal,
      rules: province.specialProcedures,
    }).next;
    expect(nextCheckDate(cal, stopped, '2025-10-10', thresholds)).toBe('2025-10-17'); // only the 10-day item
    const resumed = notify(endSpecialProcedure(stopped, LAND_USE, '2025-10-15'), { [LAND_PRE]: 'red' });
    // 4 working days stopped (11, 13, 14, 15 Oct): yellow after 5 counted days → 20 Oct instead of 14 Oct
    expect(nextCheckDate(cal, resumed, '2025-10-16', thresholds)).toBe('2025-10-20');
    expect(itemOn(resumed, LAND_USE, '2025-10-17').lamp).toBe('green');
    expect(itemOn(resumed, LAND_USE, '2025-10-20').lamp).toBe('yellow');
  });

  // An item turns red on the first working day after its due date; a sweep on a weekend after the
  // due date must schedule that day, not today, or every sweep until Monday rewrites the case.
  it('after a sweep, the next check lies in the future, on the day a lamp really changes', () => {
    const c = notify(underReview('2025-10-22'), { [LAND_USE]: 'yellow', [LAND_PRE]: 'green' });
    expect(itemOn(c, LAND_USE, '2025-10-31')).toMatchObject({ dueDate: '2025-10-31', lamp: 'yellow' });
    expect(itemOn(c, LAND_USE, '2025-11-01').lamp).toBe('yellow');
    expect(itemOn(c, LAND_USE, '2025-11-02').lamp).toBe('yellow');
    expect(itemOn(c, LAND_USE, '2025-11-03').lamp).toBe('red');
    expect(nextCheckDate(cal, c, '2025-11-01', thresholds)).toBe('2025-11-03');
  });

  it('nothing to check on a closed case without open commitments', () => {
    expect(
      nextCheckDate(cal, decideAll(accepted(), 'reject', '2025-10-10'), '2025-10-10', thresholds),
    ).toBeUndefined();
  });
});

describe('invariants (property)', () => {
  const dayArb = (from: string, span: number) =>
    fc.integer({ min: 0, max: span }).map((n) => addCalendarDays(from, n));
  const itemArb = fc.constantFrom(...province.items);

  it('the lamp of an undecided item never improves as days pass', () => {
    fc.assert(
      fc.property(
        itemArb,
        dayArb('2024-01-01', 900),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        fc.option(fc.record({ from: fc.integer({ min: 0, max: 30 }), len: fc.integer({ min: 0, max: 20 }) })),
        (cat, start, a, b, stop) => {
          const item: CaseItem = {
            code: cat.code,
            name: cat.name,
            department: cat.department,
            statutoryDays: cat.statutoryDays,
            promisedDays: cat.promisedDays,
            status: 'inReview',
            startDate: start,
            clockStops: stop
              ? [
                  {
                    kind: 'specialProcedure',
                    from: addCalendarDays(start, stop.from),
                    to: addCalendarDays(start, stop.from + stop.len),
                  },
                ]
              : [],
          };
          const d1 = addCalendarDays(start, Math.min(a, b));
          const d2 = addCalendarDays(start, Math.max(a, b));
          const p1 = itemProgress(cal, item, d1, thresholds);
          const p2 = itemProgress(cal, item, d2, thresholds);
          expect(LAMP_SEVERITY[p2.lamp]).toBeGreaterThanOrEqual(LAMP_SEVERITY[p1.lamp]);
          expect(p2.elapsedDays).toBeGreaterThanOrEqual(p1.elapsedDays);
          expect(p1.elapsedDays + (p1.remainingDays ?? 0)).toBe(cat.promisedDays);
          if (p2.lamp === 'red') expect(d2 > (p2.dueDate ?? '')).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the sweeper never misses a lamp change or a lapsed commitment: nothing worsens before nextCheckDate', () => {
    fc.assert(
      fc.property(
        dayArb('2024-01-01', 800),
        fc.integer({ min: 0, max: 25 }),
        fc.constantFrom(...province.stages),
        fc.option(fc.integer({ min: 1, max: 5 })),
        (acceptDay, waited, stage, deficiencyDays) => {
          const cfg = stage.items.filter((i) => !i.required).map((i) => i.code);
          let c = underReview(acceptDay, { stage: stage.stage, chosen: cfg });
          if (deficiencyDays) {
            const s = submit({
              day: acceptDay,
              stage: stage.stage,
              chosen: cfg,
              missing: ['authorisationLetter'],
            });
            c = accept(
              s,
              {
                outcome: 'acceptWithDeficiencies',
                deficiencies: s.items.map((i) => ({
                  itemCode: i.code,
                  materialCode: 'authorisationLetter',
                  days: Math.min(deficiencyDays, i.promisedDays),
                })),
                commitmentSigned: true,
              },
              acceptCtx(acceptDay),
            );
          }
          const today = addCalendarDays(acceptDay, waited);
          // the sweeper announced whatever is lit today
          const now = progressOn(c, today);
          const lit = Object.fromEntries(now.items.map((i) => [i.code, i.lamp]));
          const swept = notify(c, lit);
          const overdueToday = new Set(now.deficiencies.filter((d) => d.overdue).map((d) => d.itemCode));
          const next = nextCheckDate(cal, swept, today, thresholds);
          for (let n = 1; n <= 60; n++) {
            const day = addCalendarDays(today, n);
            if (next !== undefined && day >= next) break;
            const p = progressOn(swept, day);
            for (const i of p.items)
              expect(LAMP_SEVERITY[i.lamp]).toBeLessThanOrEqual(LAMP_SEVERITY[lit[i.code]!]);
            for (const d of p.deficiencies) if (d.overdue) expect(overdueToday.has(d.itemCode)).toBe(true);
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});

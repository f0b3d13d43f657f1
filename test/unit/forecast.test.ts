import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backtest,
  backtestCheckpoint,
  FORECAST_LATE_THRESHOLD,
  forecastOpenItems,
  History,
  type HistorySample,
  historyOf,
  lateProbability,
  MIN_HISTORY,
} from '../../shared/domain/forecast.js';
import { caseWith } from './analytics-fixtures.js';
import { cal, thresholds } from './fixtures.js';

const sample = (
  daysUsed: number,
  decidedOn = '2025-06-30',
  department = 'nrp',
  itemCode = 'landPreExaminationSiting',
): HistorySample => ({
  department,
  itemCode,
  decidedOn,
  daysUsed,
});

describe('风险预警 late probability', () => {
  // history of five closed items: 4, 6, 8, 12, 15 working days against a 10-day limit
  const samples = [4, 6, 8, 12, 15];

  it('is the smoothed share of late items among those still open after the days used', () => {
    // all five open at day 0, two late: (2 + 0.1) / (5 + 1)
    expect(lateProbability(samples, 10, 0)).toEqual({
      probability: 0.35,
      historySize: 5,
      stillOpen: 5,
      late: 2,
    });
    // at day 7 only 8, 12, 15 were still open: 2.1 / 4
    expect(lateProbability(samples, 10, 7).probability).toBe(0.525);
    expect(lateProbability(samples, 10, 9).probability).toBe(0.7);
    // past the limit it is late for certain
    expect(lateProbability(samples, 10, 11).probability).toBe(1);
  });

  it('falls back to the neutral prior with no history', () => {
    expect(lateProbability([], 10, 5).probability).toBe(0.1);
  });

  it('never falls as the days used grow (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 60 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 40 }),
        (hist, limit, d) => {
          const p = lateProbability(hist, limit, d).probability;
          const q = lateProbability(hist, limit, d + 1).probability;
          expect(q).toBeGreaterThanOrEqual(p);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});

describe('风险预警 history basis', () => {
  it('uses the department’s own history, then the item across departments, then the prior', () => {
    const h = new History([
      sample(4),
      sample(12),
      sample(15),
      sample(3, '2025-06-30', 'housing'),
      sample(9, '2025-06-30', 'housing'),
    ]);
    expect(h.basis('nrp', 'landPreExaminationSiting').basis).toBe('department');
    // housing has two, fewer than MIN_HISTORY: the item across departments (five)
    expect(MIN_HISTORY).toBe(3);
    const item = h.basis('housing', 'landPreExaminationSiting');
    expect([item.basis, item.samples.length]).toEqual(['item', 5]);
    expect(h.basis('nrp', 'landUsePlanningPermit').basis).toBe('prior');
  });

  it('never uses history decided on or after the as-of day (property)', () => {
    const day = fc.integer({ min: 1, max: 28 }).map((d) => `2025-03-${String(d).padStart(2, '0')}`);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(day, fc.integer({ min: 0, max: 30 })), { maxLength: 80 }),
        day,
        (list, asOf) => {
          const h = new History(list.map(([d, used]) => sample(used, d)));
          const { samples } = h.basis('nrp', 'landPreExaminationSiting', asOf);
          for (const s of samples) expect(s.decidedOn < asOf).toBe(true);
        },
      ),
    );
  });
});

/*
 * History: three closed cases of nrp's 用地预审与选址 (promised 10), all accepted Tue 30 Sep 2025
 * (clock day 1 = 9 Oct after the holiday; 11 Oct is worked): decided 16 Oct (7 days), 21 Oct (10)
 * and 22 Oct (11, late); the third had a 容缺 stop 13→14 Oct (1 day: 14), so it used 10, on time.
 * Add a fourth decided 24 Oct (13 days, late).
 */
const closed = [
  caseWith(
    'H-1',
    '2025-09-30',
    '2025-09-30',
    [{ code: 'landPreExaminationSiting', decidedOn: '2025-10-16' }],
    { closedOn: '2025-10-16' },
  ),
  caseWith(
    'H-2',
    '2025-09-30',
    '2025-09-30',
    [{ code: 'landPreExaminationSiting', decidedOn: '2025-10-21' }],
    { closedOn: '2025-10-21' },
  ),
  caseWith(
    'H-3',
    '2025-09-30',
    '2025-09-30',
    [
      {
        code: 'landPreExaminationSiting',
        decidedOn: '2025-10-22',
        stops: [{ kind: 'deficiency', from: '2025-10-13', to: '2025-10-14' }],
      },
    ],
    { closedOn: '2025-10-22' },
  ),
  caseWith(
    'H-4',
    '2025-09-30',
    '2025-09-30',
    [{ code: 'landPreExaminationSiting', decidedOn: '2025-10-24' }],
    { closedOn: '2025-10-24' },
  ),
];

describe('风险预警 open items', () => {
  it('reads clock days off the calendar, holidays and clock stops excluded', () => {
    expect(historyOf(closed, cal).map((s) => s.daysUsed)).toEqual([7, 10, 10, 13]);
  });

  it('forecasts a green item late from its department’s history, with the reason in Chinese', () => {
    // open since Mon 3 Nov: on Tue 11 Nov it has used 4, 5, 6, 7, 10, 11 Nov = 6 days (lamp green until 8)
    const open = caseWith('O-1', '2025-11-03', '2025-11-03', [{ code: 'landPreExaminationSiting' }]);
    const history = new History(historyOf(closed, cal));
    const row = forecastOpenItems([open], history, '2025-11-11', cal, thresholds, { nrp: '自然资源厅' }).find(
      (r) => r.itemCode === 'landPreExaminationSiting',
    );
    // still open at day 6: 7, 10, 10, 13 → one late: (1 + 0.1) / (4 + 1) = 0.22
    expect(row).toMatchObject({
      caseId: 'O-1',
      itemCode: 'landPreExaminationSiting',
      lamp: 'green',
      daysUsed: 6,
      basis: 'department',
      historySize: 4,
      stillOpen: 4,
      lateInHistory: 1,
      probability: 0.22,
      forecastLate: false,
    });
    // at day 7 (12 Nov) the same; at day 11 it is late
    const later = forecastOpenItems([open], history, '2025-11-17', cal, thresholds).find(
      (r) => r.itemCode === 'landPreExaminationSiting',
    )!;
    expect(later.daysUsed).toBe(10);
    // still open at 10: 10, 10, 13 → (1 + 0.1) / 4
    expect(later.probability).toBe(0.275);
  });

  it('lists forecast-late green items first, with a reason naming the history', () => {
    const slow = [13, 14, 15].map((used, i) => sample(used, `2025-10-0${i + 1}`));
    const history = new History([...slow, sample(5, '2025-10-05')]);
    const open = caseWith('O-2', '2025-11-03', '2025-11-03', [
      { code: 'landPreExaminationSiting' },
      { code: 'landUsePlanningPermit' },
    ]);
    const rows = forecastOpenItems([open], history, '2025-11-10', cal, thresholds, { nrp: '自然资源厅' });
    // day 5 (4, 5, 6, 7, 10 Nov): all four still open (the 5-day one was decided on its day 5), three
    // late: 3.1 / 5 = 0.62 ≥ 0.5
    expect(rows[0]).toMatchObject({
      itemCode: 'landPreExaminationSiting',
      lamp: 'green',
      probability: 0.62,
      forecastLate: true,
    });
    expect(rows[0]!.probability).toBeGreaterThanOrEqual(FORECAST_LATE_THRESHOLD);
    expect(rows[0]!.reasonZh).toBe(
      '自然资源厅同类事项近 4 件中，用时达到 5 个工作日的 4 件里有 3 件超过 10 个工作日',
    );
    // a department and item with no history at all: the prior, not late
    expect(rows[1]).toMatchObject({
      itemCode: 'landUsePlanningPermit',
      basis: 'prior',
      probability: 0.1,
      forecastLate: false,
    });
    expect(rows[1]!.reasonZh).toContain('无可参照的历史');
  });

  it('does not age an item while its clock is stopped', () => {
    const history = new History([13, 14, 15].map((used) => sample(used, '2025-10-01')));
    const stopped = caseWith('O-3', '2025-11-03', '2025-11-03', [
      { code: 'landPreExaminationSiting', stops: [{ kind: 'specialProcedure', from: '2025-11-05' }] },
    ]);
    const a = forecastOpenItems([stopped], history, '2025-11-20', cal, thresholds).find(
      (r) => r.itemCode === 'landPreExaminationSiting',
    );
    // 4, 5 Nov counted, then stopped
    expect(a).toMatchObject({ daysUsed: 2, clockStopped: true });
  });
});

describe('回测 back-test', () => {
  it('forecasts each closed item at half its limit, with only the history decided before', () => {
    // promised 10 from 30 Sep: the checkpoint is clock day 5, 14 Oct
    expect(backtestCheckpoint(cal, '2025-09-30', 10)).toBe('2025-10-14');
    const r = backtest(closed, cal);
    // no item had three decided before its checkpoint (14 Oct): each forecast from the prior (0.1),
    // none predicted late; the one late item (H-4) is missed
    expect(r).toMatchObject({
      count: 4,
      truePositive: 0,
      falsePositive: 0,
      falseNegative: 1,
      trueNegative: 3,
      precision: null,
      recall: 0,
      accuracy: 0.75,
      lateRate: 0.25,
    });
  });

  it('learns from earlier history: a later slow item is caught', () => {
    // three late items decided in October, then one accepted 3 Nov and decided 20 Nov (13 days, late)
    const slow = ['H-5', 'H-6', 'H-7'].map((id) =>
      caseWith(
        id,
        '2025-09-30',
        '2025-09-30',
        [{ code: 'landPreExaminationSiting', decidedOn: '2025-10-24' }],
        {
          closedOn: '2025-10-24',
        },
      ),
    );
    const late = caseWith(
      'L-1',
      '2025-11-03',
      '2025-11-03',
      [{ code: 'landPreExaminationSiting', decidedOn: '2025-11-20' }],
      {
        closedOn: '2025-11-20',
      },
    );
    const r = backtest([...slow, late], cal);
    // the three October items: prior, not predicted, late (3 misses); L-1 at 10 Nov (day 5) sees
    // 13, 13, 13 all late: 3.1 / 4 ≥ 0.5, predicted and late
    expect(r).toMatchObject({
      count: 4,
      truePositive: 1,
      falseNegative: 3,
      precision: 1,
      recall: 0.25,
      accuracy: 0.25,
    });
  });
});

describe('风险预警 as of a past day', () => {
  it('uses only the history decided by that day', () => {
    const history = new History([
      ...[13, 14, 15].map((used) => sample(used, '2025-11-20')),
      sample(2, '2025-10-01'),
    ]);
    const open = caseWith('O-4', '2025-11-03', '2025-11-03', [{ code: 'landPreExaminationSiting' }]);
    const row = (today: string) =>
      forecastOpenItems([open], history, today, cal, thresholds).find(
        (r) => r.itemCode === 'landPreExaminationSiting',
      )!;
    // on 10 Nov only the October item is known: fewer than MIN_HISTORY, the prior
    expect(row('2025-11-10')).toMatchObject({ basis: 'prior', forecastLate: false });
    // on 20 Nov the three slow ones decided that day count
    expect(row('2025-11-20')).toMatchObject({ basis: 'department', historySize: 4 });
  });
});

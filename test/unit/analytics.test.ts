import { describe, expect, it } from 'vitest';
import { acceptanceWaitDays, bottleneckAnalytics, monthRange } from '../../shared/domain/analytics.js';
import { caseWith } from './analytics-fixtures.js';
import { at, cal, province } from './fixtures.js';

/*
 * Case A: submitted Fri 26 Sep 2025, accepted Tue 30 Sep — a wait of 3 working days (28 Sep is a
 * worked Sunday). Clocks start on 30 Sep and run through the National Day holiday (1–8 Oct off):
 * 9 Oct = day 1, 10 = 2, Sat 11 (worked) = 3, 13 = 4, 14 = 5, 15 = 6, 16 = 7, 17 = 8, 20 = 9,
 * 21 = 10, 22 = 11.
 *  - 用地预审与选址 (statutory 20, promised 10) decided 22 Oct, a 补正 stop 13→15 Oct (2 days: 14,
 *    15): 11 − 2 = 9 used, on time, saves 11.
 *  - 用地规划许可 (statutory 20, promised 7) decided 17 Oct: 8 used, late, saves 12.
 *  Closed 22 Oct, satisfaction 5.
 * Case B: submitted and accepted Mon 3 Nov.
 *  - 用地预审与选址 recognised from ZJ on 5 Nov: 0 used, saves its whole statutory 20 (apart).
 *  - 用地规划许可 decided 10 Nov: 4, 5, 6, 7, 10 Nov = 5 used, on time, saves 15.
 *  Closed 10 Nov, satisfaction 3.
 */
const caseA = caseWith(
  'C-A',
  '2025-09-26',
  '2025-09-30',
  [
    {
      code: 'landPreExaminationSiting',
      decidedOn: '2025-10-22',
      stops: [{ kind: 'correction', from: '2025-10-13', to: '2025-10-15' }],
    },
    { code: 'landUsePlanningPermit', decidedOn: '2025-10-17' },
  ],
  { closedOn: '2025-10-22', satisfaction: 5 },
);
const caseB = caseWith(
  'C-B',
  '2025-11-03',
  '2025-11-03',
  [
    { code: 'landPreExaminationSiting', decidedOn: '2025-11-05', recognised: true },
    { code: 'landUsePlanningPermit', decidedOn: '2025-11-10' },
  ],
  { closedOn: '2025-11-10', satisfaction: 3 },
);

const run = (overrides: Partial<Parameters<typeof bottleneckAnalytics>[0]> = {}) =>
  bottleneckAnalytics({
    cases: [caseA, caseB],
    projects: [{ id: 'P-1', admittedAt: at('2025-09-01') }],
    from: '2025-10',
    to: '2025-11',
    today: '2025-12-31',
    cal,
    names: province,
    ...overrides,
  });

describe('卡点分析 bottleneck analytics', () => {
  it('counts the acceptance wait in working days, a worked Sunday included', () => {
    expect(acceptanceWaitDays(caseA, cal)).toBe(3);
    expect(acceptanceWaitDays(caseB, cal)).toBe(0);
  });

  it('fills the department × item heatmap with used/promised ratios; recognised items apart', () => {
    const a = run();
    const siting = a.heatmap.byItem.find((c) => c.key === 'landPreExaminationSiting')!;
    expect(siting).toMatchObject({
      department: 'nrp',
      count: 1,
      late: 0,
      avgUsedRatio: 0.9,
      avgDaysUsed: 9,
      recognised: 1,
    });
    const permit = a.heatmap.byItem.find((c) => c.key === 'landUsePlanningPermit')!;
    // (8/7 + 5/7) / 2 = 13/14
    expect(permit).toMatchObject({
      count: 2,
      late: 1,
      avgUsedRatio: 0.9286,
      avgDaysUsed: 6.5,
      avgPromisedDays: 7,
    });
  });

  it('fills the department × month heatmap', () => {
    const a = run();
    expect(a.heatmap.byMonth.map((c) => [c.key, c.count, c.late, c.recognised])).toEqual([
      ['2025-10', 2, 1, 0],
      ['2025-11', 1, 0, 1],
    ]);
  });

  it('breaks the department down by step: acceptance wait, review, 补正 rounds and stopped days', () => {
    const [nrp] = run().departments;
    expect(nrp).toMatchObject({
      department: 'nrp',
      items: 3,
      // the three reviewed items' cases waited 3, 3 and 0 days
      avgAcceptanceWaitDays: 2,
      avgReviewDays: 7.33,
      correctionRounds: 1,
      avgCorrectionRounds: 0.33,
      correctionStoppedDays: 2,
      deficiencyStops: 0,
      specialProcedureStops: 0,
      avgStoppedDays: 0.67,
      slowestStep: 'review',
    });
  });

  it('gives the monthly on-time and satisfaction trend, null where nothing was decided', () => {
    const a = run({ from: '2025-09', to: '2025-11' });
    expect(a.trend).toEqual([
      {
        month: '2025-09',
        decidedItems: 0,
        onTime: 0,
        onTimeRate: null,
        avgDaysUsed: null,
        satisfactionAvg: null,
        satisfactionRate: null,
        satisfactionCount: 0,
      },
      {
        month: '2025-10',
        decidedItems: 2,
        onTime: 1,
        onTimeRate: 0.5,
        avgDaysUsed: 8.5,
        satisfactionAvg: 5,
        satisfactionRate: 1,
        satisfactionCount: 1,
      },
      {
        month: '2025-11',
        decidedItems: 1,
        onTime: 1,
        onTimeRate: 1,
        avgDaysUsed: 5,
        satisfactionAvg: 3,
        satisfactionRate: 0,
        satisfactionCount: 1,
      },
    ]);
  });

  it('computes the headline figures per year and to date; a recognised item saves its whole statutory limit', () => {
    const a = run();
    const expected = {
      projectsAdmitted: 1,
      projectsWithCases: 1,
      reviewedItems: 3,
      recognisedItems: 1,
      // (20 − 9) + (20 − 8) + (20 − 5)
      daysSavedByReview: 38,
      daysSavedByRecognition: 20,
      workingDaysSaved: 58,
      // 1 − 22 / 60: recognitions stay out of the ratio
      compressionRatio: 0.6333,
      onTimeRate: 0.6667,
      satisfactionAvg: 4,
      satisfactionRate: 0.5,
      satisfactionCount: 2,
    };
    expect(a.headline).toEqual([
      { period: '2025', ...expected },
      { period: 'toDate', ...expected },
    ]);
  });

  it('leaves out of "to date" what is decided after today', () => {
    const toDate = run({ today: '2025-10-31' }).headline.at(-1)!;
    expect(toDate).toMatchObject({
      period: 'toDate',
      reviewedItems: 2,
      recognisedItems: 0,
      workingDaysSaved: 23,
    });
  });

  it('answers null, not 0, when nothing was decided', () => {
    const a = run({ cases: [], projects: [] });
    expect(a.heatmap.byItem).toEqual([]);
    expect(a.departments).toEqual([]);
    expect(a.headline).toEqual([
      expect.objectContaining({
        period: 'toDate',
        reviewedItems: 0,
        compressionRatio: null,
        onTimeRate: null,
        satisfactionAvg: null,
      }),
    ]);
  });

  it('lists the months of a range across a year end', () => {
    expect(monthRange('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthRange('2026-02', '2026-01')).toEqual([]);
  });
});

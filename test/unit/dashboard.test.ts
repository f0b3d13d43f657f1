/**
 * 工作台 over a hand-built province on Thursday 20 November 2025 (no holidays in November; 20 October
 * to 6 November crosses only weekends). 江苏's limits: landPreExaminationSiting 10 working days,
 * landUsePlanningPermit 7; yellow from 80% of the limit or 2 days left; acceptance within 2 days.
 *
 *   A accepted Mon 3 Nov: 13 days used → siting (nrp) red, permit (moved to housing) red
 *   B accepted Mon 10 Nov: 8 days used → siting yellow (8 ≥ min(⌈8⌉, 10−2)); permit's clock stopped
 *     since Wed 12 Nov (6 working days), so 2 used → green, not red
 *   C accepted Mon 10 Nov: siting recognised (互认) on 11 Nov, permit decided 14 Nov after 4 days
 *   D accepted Mon 20 Oct, both decided 6 Nov after 13 days (late), case closed
 *   E submitted Fri 14 Nov, not accepted: due Tue 18 Nov, overdue
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_DISPATCH_ROWS, dashboard } from '../../shared/domain/dashboard.js';
import type { StageCase } from '../../shared/domain/model.js';
import { caseWith } from './analytics-fixtures.js';
import { cal, decidedOnOf, project, province, submit, thresholds } from './fixtures.js';

const TODAY = '2025-11-20';
const A = caseWith('A', '2025-11-03', '2025-11-03', [
  { code: 'landPreExaminationSiting' },
  { code: 'landUsePlanningPermit', department: 'housing' },
]);
const B = caseWith('B', '2025-11-10', '2025-11-10', [
  { code: 'landUsePlanningPermit', stops: [{ kind: 'correction', from: '2025-11-12' }] },
]);
const C = caseWith('C', '2025-11-10', '2025-11-10', [
  { code: 'landPreExaminationSiting', decidedOn: '2025-11-11', recognised: true },
  { code: 'landUsePlanningPermit', decidedOn: '2025-11-14' },
]);
const D = caseWith(
  'D',
  '2025-10-20',
  '2025-10-20',
  [
    { code: 'landPreExaminationSiting', decidedOn: '2025-11-06' },
    { code: 'landUsePlanningPermit', decidedOn: '2025-11-06' },
  ],
  { closedOn: '2025-11-06' },
);
const E = submit({ id: 'E', day: '2025-11-14' });

function run(cases: StageCase[], projects = [project(), project({ id: 'P-2' })]) {
  return dashboard({
    cases,
    projects,
    today: TODAY,
    cal,
    thresholds,
    departments: province.departments,
    items: province.items,
    windowUnit: province.windowUnit,
    flowBudget: province.flowBudget,
    stagePromisedDays: Object.fromEntries(province.stages.map((s) => [s.stage, s.promisedDays])),
    decidedOnOf,
  });
}

describe('工作台', () => {
  const d = run([A, B, C, D, E]);

  it('counts the open items’ lamps per department, a stopped clock by its own days, every department listed', () => {
    expect(E.status).toBe('submitted');
    expect(E.acceptDueDate).toBe('2025-11-18');
    const row = (code: string) => d.departments.find((r) => r.department === code);
    expect(row('nrp')).toEqual({
      department: 'nrp',
      departmentName: '省自然资源厅',
      red: 1,
      yellow: 1,
      green: 1,
      open: 3,
      clockStopped: 1,
    });
    expect(row('housing')).toMatchObject({ red: 1, yellow: 0, green: 0, open: 1, clockStopped: 0 });
    expect(row('eco')).toMatchObject({ red: 0, yellow: 0, green: 0, open: 0 });
    expect(d.departments).toHaveLength(province.departments.length);
  });

  it('counts overdue, at-risk, forecast-late and overdue acceptances as 周调度 and 风险预警 do', () => {
    // A's two items are past their limit (P = 1); B's run on the prior (no basis of 3): P = 0.1
    expect(d.counts).toEqual({
      overdueItems: 2,
      atRiskItems: 1,
      forecastLate: 2,
      forecastLateGreen: 0,
      acceptanceOverdue: 1,
    });
    expect(d.dispatch).toMatchObject({ total: 4, red: 3, yellow: 1 });
    expect(d.dispatch.rows.map((r) => [r.caseId, r.kind, r.itemCode ?? '', r.daysOver])).toEqual([
      ['A', 'item', 'landUsePlanningPermit', 6],
      ['A', 'item', 'landPreExaminationSiting', 3],
      ['E', 'acceptance', '', 2],
      ['B', 'item', 'landPreExaminationSiting', 0],
    ]);
  });

  it('keeps only the top rows of the dispatch list, most urgent first', () => {
    const many = Array.from({ length: 15 }, (_, i) =>
      caseWith(`M${String(i).padStart(2, '0')}`, '2025-11-03', '2025-11-03', []),
    );
    const big = run(many);
    expect(big.dispatch.total).toBe(30);
    expect(big.dispatch.rows).toHaveLength(DASHBOARD_DISPATCH_ROWS);
    expect(big.dispatch.rows.every((r) => r.lamp === 'red')).toBe(true);
  });

  it('gives this month’s on-time rate per department; a recognised item counts zero, apart', () => {
    expect(d.month).toBe('2025-11');
    // nrp: D's two late (13 > 10, 13 > 7) and C's permit on time (4 ≤ 7); C's siting recognised
    expect(d.bulletin.rows[0]).toEqual({
      department: 'nrp',
      departmentName: '省自然资源厅',
      decidedItems: 3,
      onTime: 1,
      late: 2,
      onTimeRate: 0.3333,
      recognised: 1,
    });
    expect(d.bulletin.total).toEqual({
      decidedItems: 3,
      onTime: 1,
      late: 2,
      onTimeRate: 0.3333,
      recognised: 1,
    });
    // the departments that decided nothing are listed with no rate, never 0%
    expect(d.bulletin.rows.find((r) => r.department === 'housing')).toMatchObject({
      decidedItems: 0,
      onTimeRate: null,
    });
    expect(d.bulletin.rows).toHaveLength(province.departments.length);
  });

  it('counts the admitted projects by their worst lamp, as 一张图 does', () => {
    // P-1 holds A (red items); P-2 has no case yet
    expect(d.projects).toEqual({ red: 1, yellow: 0, green: 1, total: 2 });
  });

  it('is all zeros and nulls on an empty province', () => {
    const empty = run([], []);
    expect(empty.counts).toEqual({
      overdueItems: 0,
      atRiskItems: 0,
      forecastLate: 0,
      forecastLateGreen: 0,
      acceptanceOverdue: 0,
    });
    expect(empty.bulletin.total.onTimeRate).toBeNull();
    expect(empty.projects).toEqual({ red: 0, yellow: 0, green: 0, total: 0 });
  });

  it('agrees with itself: department lamps add up to the counts, the bulletin rows to its total (property)', () => {
    fc.assert(
      fc.property(fc.subarray([A, B, C, D, E]), (cases) => {
        const x = run(cases);
        const sum = (k: 'red' | 'yellow' | 'green' | 'open') => x.departments.reduce((s, r) => s + r[k], 0);
        expect(sum('red')).toBe(x.counts.overdueItems);
        expect(sum('yellow')).toBe(x.counts.atRiskItems);
        expect(sum('red') + sum('yellow') + sum('green')).toBe(sum('open'));
        expect(x.dispatch.total).toBe(
          x.counts.overdueItems + x.counts.atRiskItems + x.counts.acceptanceOverdue,
        );
        const decided = x.bulletin.rows.reduce((s, r) => s + r.decidedItems, 0);
        expect(decided).toBe(x.bulletin.total.decidedItems);
        expect(x.projects.red + x.projects.yellow + x.projects.green).toBe(x.projects.total);
      }),
    );
  });
});

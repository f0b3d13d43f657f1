import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ProvinceConfig,
  ProvinceConfigError,
  parseProvinceConfig,
} from '../../shared/config/province-config.js';
import { jiangsu } from '../../shared/config/provinces/jiangsu.js';
import { shanghai } from '../../shared/config/provinces/shanghai.js';
import { zhejiang } from '../../shared/config/provinces/zhejiang.js';
import { addCalendarDays } from '../../shared/domain/calendar.js';
import type { CaseItem, ClockStop, StageCase } from '../../shared/domain/model.js';
import {
  budgetWatchList,
  FLOW_BUDGET_CEILING,
  projectBudget,
  stageBudget,
} from '../../shared/domain/project-budget.js';
import { stoppedWorkingDays } from '../../shared/domain/time-limits.js';
import { at, cal, decideAll, decidedOnOf, thresholds, underReview } from './fixtures.js';

const STAGE1 = jiangsu.stages[0]!.promisedDays; // 30 working days
const stageOn = (c: StageCase, today: string) => stageBudget(cal, c, STAGE1, today, thresholds, decidedOnOf);
const withStops = (c: StageCase, stops: ClockStop[], codes?: string[]): StageCase => ({
  ...c,
  items: c.items.map(
    (i): CaseItem =>
      !codes || codes.includes(i.code) ? { ...i, clockStops: [...i.clockStops, ...stops] } : i,
  ),
});
const stop = (from: string, to?: string): ClockStop => ({
  kind: 'specialProcedure',
  procedureType: 'expertReview',
  from,
  ...(to ? { to } : {}),
  reason: '专家评审',
  approvedBy: 'lead-1',
});

const budgetOf = (cases: StageCase[], today: string, budgetDays = 120) =>
  projectBudget(
    cal,
    {
      projectId: 'P-1',
      flowClass: 'standard',
      budgetDays,
      stagePromisedDays: Object.fromEntries(jiangsu.stages.map((s) => [s.stage, s.promisedDays])),
      cases,
    },
    today,
    thresholds,
    decidedOnOf,
  );

/** accepted on 30 Sep 2025, the day before the National Day holiday (1–8 Oct; 11 Oct is a 调休 Saturday) */
const accepted = () => underReview('2025-09-30');

describe('stage clock (国办发〔2019〕11号: each stage has its promised limit)', () => {
  it('行政许可法第八十二条: a stage counts working days from acceptance; the holiday does not count', () => {
    const s = stageOn(accepted(), '2025-10-10');
    expect(s).toMatchObject({
      startDate: '2025-09-30',
      usedDays: 2,
      remainingDays: STAGE1 - 2,
      stoppedDays: 0,
      deadline: cal.addWorkingDays('2025-09-30', STAGE1).date,
      lamp: 'green',
      closed: false,
    });
  });

  it('行政许可法第四十五条: days on which every running item is stopped do not count, and the deadline moves', () => {
    const c = withStops(accepted(), [stop('2025-10-10', '2025-10-15')]);
    const s = stageOn(c, '2025-10-16');
    // 9, 10, 16 Oct count; 11, 13, 14, 15 Oct are stopped for both items
    expect(s).toMatchObject({ usedDays: 3, stoppedDays: 4 });
    expect(s.deadline).toBe(cal.addWorkingDays('2025-09-30', STAGE1 + 4).date);
  });

  it('items run in parallel: a day counts once, and counts while any item still runs', () => {
    const oneStopped = withStops(accepted(), [stop('2025-10-10', '2025-10-15')], ['landUsePlanningPermit']);
    expect(stageOn(oneStopped, '2025-10-16')).toMatchObject({ usedDays: 7, stoppedDays: 0 });
  });

  it('互认: recognised items count zero working days', () => {
    const c = accepted();
    const recognised: StageCase = {
      ...c,
      items: c.items.map((i) => ({
        ...i,
        decision: {
          outcome: 'approve',
          by: 'system',
          at: at('2025-10-09'),
          recognition: { origin: 'ZJ', resultNo: 'ZJ-1' },
        } as unknown as CaseItem['decision'],
      })),
    };
    expect(stageOn(recognised, '2025-11-30')).toMatchObject({ usedDays: 0, lamp: 'green' });
  });

  it('a closed stage stops spending: the clock ends on the last decision', () => {
    const closed = decideAll(accepted(), 'approve', '2025-10-10');
    expect(stageOn(closed, '2026-03-01')).toMatchObject({ usedDays: 2, closed: true, lamp: 'green' });
  });

  it('a stage past its promised limit is red with a negative remainder', () => {
    const s = stageOn(accepted(), '2025-12-31');
    expect(s.usedDays).toBeGreaterThan(STAGE1);
    expect(s).toMatchObject({ lamp: 'red', remainingDays: STAGE1 - s.usedDays });
  });
});

describe('project budget (国办发〔2019〕11号: 全流程审批时间压缩至120个工作日以内)', () => {
  it('sums the stage cases, with used and left', () => {
    const first = decideAll(accepted(), 'approve', '2025-10-10'); // 2 days
    const second = underReview('2025-10-20', { stage: 'worksPermit', id: 'C-2' });
    const b = budgetOf([second, first], '2025-10-24'); // 21–24 Oct: 4 days
    expect(b).toMatchObject({ budgetDays: 120, usedDays: 6, leftDays: 114, overrunDays: 0, lamp: 'green' });
    expect(b.stages.map((s) => [s.stage, s.usedDays])).toEqual([
      ['projectApproval', 2],
      ['worksPermit', 4],
    ]);
  });

  it('a case never accepted spends nothing', () => {
    const submitted = { ...accepted(), items: accepted().items.map(({ startDate: _s, ...i }) => i) };
    expect(budgetOf([submitted as StageCase], '2025-12-31').usedDays).toBe(0);
  });

  it('over budget is red with the overrun in working days, left never below zero', () => {
    const b = budgetOf([accepted()], '2025-10-24', 5); // 13 days used (11 Oct is a 调休 Saturday)
    expect(b).toMatchObject({ usedDays: 13, leftDays: 0, overrunDays: 8, lamp: 'red' });
  });

  it('near budget is yellow and listed in the weekly dispatch, red first', () => {
    const near = { ...budgetOf([accepted()], '2025-10-24', 13), projectId: 'P-near', projectName: '临近' };
    const over = { ...budgetOf([accepted()], '2025-10-24', 5), projectId: 'P-over', projectName: '超出' };
    const fine = { ...budgetOf([accepted()], '2025-10-24', 120), projectId: 'P-ok', projectName: '正常' };
    expect(near.lamp).toBe('yellow');
    expect(budgetWatchList([near, fine, over]).map((r) => [r.projectId, r.lamp])).toEqual([
      ['P-over', 'red'],
      ['P-near', 'yellow'],
    ]);
  });

  const day = fc.integer({ min: 0, max: 400 }).map((n) => addCalendarDays('2025-09-30', n));
  const stopArb = fc
    .tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 60 }), fc.boolean())
    .map(([from, len, open]) =>
      stop(addCalendarDays('2025-09-30', from), open ? undefined : addCalendarDays('2025-09-30', from + len)),
    );

  it('property: a budget is never exceeded silently — used > budget always shows red and an overrun', () => {
    fc.assert(
      fc.property(
        day,
        fc.integer({ min: 1, max: 120 }),
        fc.array(stopArb, { maxLength: 3 }),
        (today, budget, stops) => {
          const b = budgetOf([withStops(accepted(), stops)], today, budget);
          expect(b.usedDays + b.leftDays - b.overrunDays).toBe(budget);
          expect(b.leftDays).toBeGreaterThanOrEqual(0);
          if (b.usedDays > budget) {
            expect(b.lamp).toBe('red');
            expect(b.overrunDays).toBe(b.usedDays - budget);
          } else {
            expect(b.overrunDays).toBe(0);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('property: clock stops never count — stops on every item take exactly the stopped working days off', () => {
    fc.assert(
      fc.property(day, fc.array(stopArb, { maxLength: 3 }), (today, stops) => {
        const plain = stageOn(accepted(), today);
        const stopped = stageOn(withStops(accepted(), stops), today);
        const off = stoppedWorkingDays(cal, stops, today, '2025-09-30');
        expect(stopped.usedDays).toBe(plain.usedDays - off);
        expect(stopped.stoppedDays).toBe(off);
        expect(stopped.usedDays + stopped.stoppedDays).toBe(
          cal.workingDaysBetween('2025-09-30', today < '2025-09-30' ? '2025-09-30' : today),
        );
      }),
      { numRuns: 150 },
    );
  });
});

describe('flow budget configuration (国办发〔2019〕11号)', () => {
  const copy = (): ProvinceConfig => structuredClone(jiangsu);
  const problemsOf = (raw: unknown): string[] => {
    try {
      parseProvinceConfig(raw);
    } catch (e) {
      expect(e).toBeInstanceOf(ProvinceConfigError);
      return (e as ProvinceConfigError).problems;
    }
    throw new Error('expected the configuration to be rejected');
  };

  it('the three provinces validate, with every stage covering all its items and the stages within 90 days', () => {
    for (const p of [jiangsu, shanghai, zhejiang]) {
      expect(() => parseProvinceConfig(p)).not.toThrow();
      const total = p.stages.reduce((s, st) => s + st.promisedDays, 0);
      expect(total).toBeLessThanOrEqual(FLOW_BUDGET_CEILING.simple);
    }
  });

  it('refuses a flow budget over 120 working days, or over 90 for simple projects', () => {
    const cfg = copy();
    cfg.flowBudget = { standard: 121, simple: 91 };
    const problems = problemsOf(cfg);
    expect(problems.some((p) => p.includes('flowBudget.standard') && p.includes('120个工作日'))).toBe(true);
    expect(problems.some((p) => p.includes('flowBudget.simple') && p.includes('90个工作日'))).toBe(true);
  });

  it('refuses stage promises that together exceed the flow budget', () => {
    const cfg = copy();
    cfg.flowBudget = { standard: 60, simple: 50 };
    expect(problemsOf(cfg)).toContain(
      'flowBudget: 各阶段承诺时限之和（67个工作日）超过全流程审批时间（50个工作日）',
    );
  });

  it('refuses an optional item whose promise exceeds its stage’s (the stage closes only when all items are decided)', () => {
    const cfg = copy();
    cfg.stages[0]!.promisedDays = 15; // the old Jiangsu figure, with 环评报告书 at 30
    expect(problemsOf(cfg)).toContain(
      'stages[0].promisedDays: 阶段 projectApproval 的承诺时限（15个工作日）短于可选事项 eiaReportApproval 的承诺时限（30个工作日）',
    );
  });
});

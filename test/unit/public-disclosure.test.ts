import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProvinceConfig } from '../../shared/config/province-config.js';
import { jiangsu } from '../../shared/config/provinces/jiangsu.js';
import { shanghai } from '../../shared/config/provinces/shanghai.js';
import { zhejiang } from '../../shared/config/provinces/zhejiang.js';
import { WorkingCalendar } from '../../shared/domain/calendar.js';
import type { CaseItem, Instant, Stage, StageCase } from '../../shared/domain/model.js';
import {
  isPublished,
  operationGuide,
  publicProjectView,
  publicStatistics,
} from '../../shared/domain/public-disclosure.js';
import { project } from './fixtures.js';

/**
 * Hand-built cases on the real 2025 calendar: National Day 10-01..10-08 is off, Saturday 10-11 is
 * worked (调休). Working days: 09-29 30 | 10-09 10 11 | 13 14. Elapsed days count (start, day].
 */
const cal = WorkingCalendar.fromChineseDays();
const sh = (day: string, time = '10:00'): Instant => new Date(`${day}T${time}:00+08:00`).toISOString();
const consent = { consented: true, by: 'app-1', at: sh('2025-09-01') };
const SECRET_REASON = '用地红线与规划条件不符（内部意见）';

function item(
  code: string,
  start: string,
  promisedDays: number,
  decidedOn?: string,
  o: Partial<CaseItem> = {},
) {
  const it: CaseItem = {
    code,
    name: `事项${code}`,
    department: 'nrp',
    statutoryDays: 20,
    promisedDays,
    status: decidedOn ? 'approved' : 'inReview',
    startDate: start,
    clockStops: [],
    ...(decidedOn
      ? { decision: { outcome: 'approve', by: 'rev-1', at: sh(decidedOn), reasons: SECRET_REASON } }
      : {}),
    ...o,
  };
  return it;
}

function stageCase(
  id: string,
  stage: Stage,
  status: StageCase['status'],
  items: CaseItem[],
  o: Partial<StageCase> = {},
) {
  const c: StageCase = {
    id,
    province: 'JS',
    projectId: 'P-1',
    projectCode: '2025-320100-48-01-000001',
    projectName: '南京江北新区综合管廊工程',
    applicant: { creditCode: '91320000MA1XXXXX0X', name: '南京江北新区建设投资集团有限公司' },
    partnerProvinces: [],
    stage,
    status,
    round: 1,
    submittedAt: sh('2025-09-26'),
    submittedBy: 'app-1',
    acceptDueDate: '2025-09-30',
    acceptProvisional: false,
    materials: [
      { code: 'M-SECRET', sha256: 'a'.repeat(64), fileName: '内部.pdf', submittedAt: sh('2025-09-26') },
    ],
    preReview: [],
    acceptance: { outcome: 'accept', by: 'win-1', unit: '专窗', at: sh('2025-09-29') },
    items,
    deficiencies: [],
    corrections: [],
    ...o,
  };
  return c;
}

const recognised = item('Z', '2025-09-29', 3, '2025-09-29', {
  status: 'recognised',
  decision: {
    outcome: 'approve',
    by: 'partner',
    at: sh('2025-09-29'),
    recognition: {
      origin: 'ZJ',
      eventId: 'e',
      caseId: 'c',
      itemCode: 'z',
      resultNo: 'ZJ-1',
      resultHash: 'h',
      contentHash: 'h',
      signature: 's',
      keyId: 'k',
      decidedAt: sh('2025-09-29'),
      receivedAt: sh('2025-09-29'),
    },
  },
});

// X: (09-30, 10-09] = 10-09 only, the holiday does not count → 1 day of 1 promised: on time
const stage1 = stageCase(
  'C1',
  'projectApproval',
  'approved',
  [item('X', '2025-09-30', 1, '2025-10-09'), recognised],
  {
    closedAt: sh('2025-10-09', '11:00'),
    stageClosedAt: sh('2025-10-09', '12:00'),
    feedback: { satisfaction: 4, at: sh('2025-10-10'), by: 'app-1', comment: '很满意' },
  },
);
// W: accepted 10-09, promised 2; as of 10-11 (worked Saturday) used 10-10, 10-11 = 2 → within;
// as of 10-13 used 3 → over
const stage2 = stageCase('C2', 'worksPermit', 'underReview', [item('W', '2025-10-09', 2)], {
  submittedAt: sh('2025-10-08'),
});

describe('public project view (信息公开)', () => {
  it('is nothing without the applicant’s consent, and nothing after it is withdrawn', () => {
    expect(publicProjectView(project(), [stage1], cal, '2025-10-11')).toBeUndefined();
    const withdrawn = project({ publicDisclosure: { ...consent, consented: false } });
    expect(isPublished(withdrawn)).toBe(false);
    expect(publicProjectView(withdrawn, [stage1], cal, '2025-10-11')).toBeUndefined();
  });

  it('shows stage states, steps, item counts and timing computed on working days (holidays, 调休)', () => {
    const p = project({ publicDisclosure: consent });
    const v = publicProjectView(p, [stage1, stage2], cal, '2025-10-11')!;
    expect(v).toMatchObject({
      projectCode: '2025-320100-48-01-000001',
      name: '南京江北新区综合管廊工程',
      category: 'provincialKey',
      city: '南京市',
      currentStage: 'worksPermit',
      asOf: '2025-10-11',
    });
    expect(v.stages.map((s) => [s.stage, s.state, s.itemsDone, s.itemsTotal, s.timing])).toEqual([
      ['projectApproval', 'approved', 2, 2, 'onTime'],
      ['worksPermit', 'inProgress', 0, 1, 'withinLimit'],
      ['constructionPermit', 'notStarted', 0, 0, null],
      ['completionAcceptance', 'notStarted', 0, 0, null],
    ]);
    expect(v.stages[0]!.steps.filter((s) => s.done).map((s) => s.step)).toEqual([
      'apply',
      'accept',
      'review',
      'approve',
      'supervise',
      'feedback',
    ]);
    expect(v.stages[1]!.steps.filter((s) => s.done).map((s) => s.step)).toEqual(['apply', 'accept']);
    // one more working day and W is over its promised limit
    expect(publicProjectView(p, [stage1, stage2], cal, '2025-10-13')!.stages[1]!.timing).toBe('overLimit');
  });

  it('a finished stage with an item over its promised limit is late; recognised items never count', () => {
    // Y: (09-29, 10-13] = 09-30, 10-09, 10-10, 10-11, 10-13 = 5 days of 3 promised
    const late = stageCase('C3', 'projectApproval', 'approved', [
      item('Y', '2025-09-29', 3, '2025-10-13'),
      recognised,
    ]);
    const v = publicProjectView(project({ publicDisclosure: consent }), [late], cal, '2025-10-14')!;
    expect(v.stages[0]!.timing).toBe('late');
    const onlyRecognised = stageCase('C4', 'projectApproval', 'approved', [recognised]);
    expect(
      publicProjectView(project({ publicDisclosure: consent }), [onlyRecognised], cal, '2025-10-14')!
        .stages[0]!.timing,
    ).toBeNull();
  });

  it('a case waiting for acceptance is within its limit until the acceptance due date', () => {
    const waiting = stageCase('C5', 'projectApproval', 'submitted', [item('X', '2025-09-30', 1)], {
      acceptance: undefined,
      acceptDueDate: '2025-10-09',
    });
    delete (waiting as Partial<StageCase>).acceptance;
    const p = project({ publicDisclosure: consent });
    expect(publicProjectView(p, [waiting], cal, '2025-10-09')!.stages[0]!.timing).toBe('withinLimit');
    expect(publicProjectView(p, [waiting], cal, '2025-10-10')!.stages[0]!.timing).toBe('overLimit');
  });

  it('the latest case of a stage stands for it (a refused application followed by a new one)', () => {
    const refused = stageCase('C6', 'projectApproval', 'refused', [], { submittedAt: sh('2025-09-20') });
    const again = stageCase('C7', 'projectApproval', 'underReview', [item('X', '2025-10-09', 5)]);
    const v = publicProjectView(project({ publicDisclosure: consent }), [again, refused], cal, '2025-10-10')!;
    expect(v.stages[0]!.state).toBe('inProgress');
  });

  it('property: never carries the owner, credit code, investment, reasons, materials or people', () => {
    const statuses: StageCase['status'][] = [
      'submitted',
      'correctionRequested',
      'underReview',
      'approved',
      'rejected',
      'refused',
      'terminated',
    ];
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom(
              ...(['projectApproval', 'worksPermit', 'constructionPermit', 'completionAcceptance'] as const),
            ),
            fc.constantFrom(...statuses),
            fc.boolean(),
          ),
          { maxLength: 6 },
        ),
        (specs) => {
          const cases = specs.map(([stage, status, decided], i) =>
            stageCase(`C${i}`, stage, status, [
              item(`I${i}`, '2025-09-29', 3, decided ? '2025-10-09' : undefined),
            ]),
          );
          const text = JSON.stringify(
            publicProjectView(project({ publicDisclosure: consent }), cases, cal, '2025-10-13'),
          );
          for (const secret of [
            '91320000MA1XXXXX0X',
            '建设投资集团',
            '120000',
            SECRET_REASON,
            'M-SECRET',
            'rev-1',
            'win-1',
            'app-1',
            '很满意',
          ]) {
            expect(text).not.toContain(secret);
          }
        },
      ),
    );
  });
});

describe('public statistics', () => {
  it('counts decided items to date without recognised ones, with averages of hand-computed days', () => {
    // X: 1 day of 1 (on time); Y: 5 days of 3 (late); Z recognised: not counted
    const late = stageCase('C3', 'projectApproval', 'approved', [item('Y', '2025-09-29', 3, '2025-10-13')], {
      feedback: { satisfaction: 2, at: sh('2025-10-14'), by: 'app-2' },
    });
    const s = publicStatistics(7, [stage1, late, stage1], cal, '2025-10-14');
    expect(s).toEqual({
      projectsInChannel: 7,
      decidedItems: 2,
      avgWorkingDaysPerItem: 3,
      avgPromisedDaysPerItem: 2,
      onTimeRate: 0.5,
      satisfactionAvg: 3,
      satisfactionCount: 2,
      asOf: '2025-10-14',
    });
  });

  it('has nulls, never zeros, when nothing was decided or rated', () => {
    expect(publicStatistics(0, [stage2], cal, '2025-10-14')).toMatchObject({
      decidedItems: 0,
      avgWorkingDaysPerItem: null,
      onTimeRate: null,
      satisfactionAvg: null,
      satisfactionCount: 0,
    });
  });
});

describe('operation guide (《工程绿色通道操作指南》)', () => {
  it.each([
    ['JS', jiangsu],
    ['ZJ', zhejiang],
    ['SH', shanghai],
  ] as [string, ProvinceConfig][])(
    '%s: every staged item with its department, limits and every material; 容缺 as configured',
    (_, cfg) => {
      const g = operationGuide(cfg);
      expect(g.windowUnit).toBe(cfg.windowUnit);
      expect(g.stages.map((s) => s.stage)).toEqual(
        cfg.stages
          .map((s) => s.stage)
          .sort(
            (a, b) =>
              ['projectApproval', 'worksPermit', 'constructionPermit', 'completionAcceptance'].indexOf(a) -
              ['projectApproval', 'worksPermit', 'constructionPermit', 'completionAcceptance'].indexOf(b),
          ),
      );
      for (const stage of cfg.stages) {
        const gs = g.stages.find((s) => s.stage === stage.stage)!;
        expect(gs.items.map((i) => i.code)).toEqual(stage.items.map((i) => i.code));
        for (const ref of stage.items) {
          const item = cfg.items.find((i) => i.code === ref.code)!;
          const gi = gs.items.find((i) => i.code === ref.code)!;
          expect(gi).toMatchObject({
            department: item.department,
            departmentName: cfg.departments.find((d) => d.code === item.department)!.name,
            statutoryDays: item.statutoryDays,
            promisedDays: item.promisedDays,
            required: ref.required,
            pledgeAllowed: item.pledgeAllowed,
          });
          expect(gi.materials.map((m) => m.code)).toEqual(item.materials);
          for (const m of gi.materials) {
            expect(m.deficiencyAllowed).toBe(item.deficiencyAllowed.includes(m.code));
            if (m.core) expect(m.deficiencyAllowed).toBe(false);
          }
        }
      }
      expect(g.deficiency).toEqual(cfg.deficiency);
      expect(g.pledge.items.map((i) => i.code)).toEqual(
        cfg.items.filter((i) => i.pledgeAllowed).map((i) => i.code),
      );
      expect(g.admission.minInvestmentWan).toBe(cfg.admission.minInvestmentWan);
      expect(g.admission.categories.map((c) => c.priority)).toEqual(
        [...g.admission.categories.map((c) => c.priority)].sort((a, b) => a - b),
      );
    },
  );
});

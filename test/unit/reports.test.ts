import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../shared/domain/calendar.js';
import type {
  CaseItem,
  ClockStop,
  Complaint,
  EscalationRecord,
  Instant,
  StageCase,
} from '../../shared/domain/model.js';
import {
  annualEvaluation,
  FREQUENT_REASSIGNMENT_THRESHOLD,
  monthlyBulletin,
  offHoursReason,
  weeklyDispatch,
} from '../../shared/domain/reports.js';
import { csvField, toCsv } from '../../shared/render/csv.js';
import { escapeHtml, toHtml } from '../../shared/render/html.js';
import { renderReport } from '../../shared/render/report.js';

/**
 * Hand-built cases on the real 2025 calendar: National Day 10-01..10-08 is off, Sunday 09-28 and
 * Saturday 10-11 are worked (调休). Working days, in order:
 *   09-22 23 24 25 26 | 28 29 30 | 10-09 10 11 | 13 14 15 16 17 | 20 21 22 23 24
 * Elapsed days count (start, day]: the start day does not count.
 */
const cal = WorkingCalendar.fromChineseDays();
const thresholds = { yellowShare: 0.8, yellowRemainingDays: 2 };

/** `HH:mm` Shanghai time on `day` as a UTC instant. */
const sh = (day: string, time = '10:00'): Instant => new Date(`${day}T${time}:00+08:00`).toISOString();

const CATALOGUE = {
  landPreExaminationSiting: {
    name: '建设项目用地预审与选址意见书',
    department: 'nrp',
    promised: 10,
    statutory: 20,
  },
  landUsePlanningPermit: { name: '建设用地规划许可证核发', department: 'nrp', promised: 7, statutory: 20 },
  investmentApproval: {
    name: '政府投资项目可行性研究报告审批',
    department: 'ndrc',
    promised: 10,
    statutory: 20,
  },
  eiaReportFormApproval: {
    name: '建设项目环境影响报告表审批',
    department: 'eco',
    promised: 10,
    statutory: 30,
  },
} as const;
type Code = keyof typeof CATALOGUE;

function item(
  code: Code,
  start: string,
  o: {
    decidedAt?: Instant;
    outcome?: 'approve' | 'reject';
    recognised?: boolean;
    stops?: ClockStop[];
    escalations?: EscalationRecord[];
  } = {},
): CaseItem {
  const c = CATALOGUE[code];
  const outcome = o.outcome ?? 'approve';
  return {
    code,
    name: c.name,
    department: c.department,
    statutoryDays: c.statutory,
    promisedDays: c.promised,
    status: o.decidedAt
      ? o.recognised
        ? 'recognised'
        : outcome === 'approve'
          ? 'approved'
          : 'rejected'
      : 'inReview',
    startDate: start,
    clockStops: o.stops ?? [],
    ...(o.escalations ? { escalations: o.escalations } : {}),
    ...(o.decidedAt
      ? {
          decision: {
            outcome,
            by: o.recognised ? 'partner:ZJ' : `reviewer-${c.department}`,
            at: o.decidedAt,
            ...(o.recognised
              ? {
                  recognition: {
                    origin: 'ZJ',
                    eventId: 'ZJ:E1',
                    caseId: 'ZJ-C1',
                    itemCode: code,
                    resultNo: 'ZJ2025-R1',
                    resultHash: 'h',
                    contentHash: 'h',
                    signature: 's',
                    keyId: 'k',
                    decidedAt: o.decidedAt,
                    receivedAt: o.decidedAt,
                  },
                }
              : {}),
          },
        }
      : {}),
  };
}

function stageCase(
  id: string,
  o: {
    submitted: string;
    status: StageCase['status'];
    items: CaseItem[];
    closedAt?: Instant;
    satisfaction?: 1 | 2 | 3 | 4 | 5;
    acceptDueDate?: string;
    creditCode?: string;
  },
): StageCase {
  return {
    id,
    province: 'JS',
    projectId: `P-${id}`,
    projectCode: `2025-320000-48-01-${id}`,
    projectName: `项目${id}`,
    applicant: { creditCode: o.creditCode ?? '91320000134768398X', name: '建设单位' },
    partnerProvinces: [],
    stage: 'projectApproval',
    status: o.status,
    round: 1,
    submittedAt: sh(o.submitted, '09:00'),
    submittedBy: 'applicant-1',
    acceptDueDate: o.acceptDueDate ?? o.submitted,
    acceptProvisional: false,
    materials: [],
    preReview: [],
    ...(o.status === 'submitted'
      ? {}
      : {
          firstReceiver: {
            officerId: 'window-1',
            name: '王敏',
            unit: '省政务服务中心绿色通道专窗',
            since: sh(o.submitted),
          },
        }),
    items: o.items,
    deficiencies: [],
    corrections: [],
    ...(o.closedAt ? { closedAt: o.closedAt } : {}),
    ...(o.satisfaction
      ? { feedback: { satisfaction: o.satisfaction, at: o.closedAt ?? sh(o.submitted), by: 'a' } }
      : {}),
  };
}

// A: accepted Fri 09-26. 用地预审 decided Fri 10-10 08:30 (5 days: 09-28 29 30 10-09 10), on time of 10;
//    用地规划许可 decided Fri 10-17 17:30 (5 + 10-11 13 14 15 16 17 = 11 days), late against 7. Rated 5.
const A = stageCase('A', {
  submitted: '2025-09-25',
  status: 'approved',
  closedAt: sh('2025-10-17', '17:30'),
  satisfaction: 5,
  items: [
    item('landPreExaminationSiting', '2025-09-26', { decidedAt: sh('2025-10-10', '08:30') }),
    item('landUsePlanningPermit', '2025-09-26', { decidedAt: sh('2025-10-17', '17:30') }),
  ],
});
// B: accepted Tue 09-30. 可研审批 decided Tue 10-14 at 19:00 (10-09 10 11 13 14 = 5 days), on time;
//    用地规划许可 under expert review 10-09 → 10-13, rejected Wed 10-15: gross 10-09 10 11 13 14 15 = 6,
//    stopped (10-09, 10-13] = 10-10 11 13 = 3, so 3 days, on time. Rated 3.
const B = stageCase('B', {
  submitted: '2025-09-29',
  status: 'rejected',
  closedAt: sh('2025-10-15'),
  satisfaction: 3,
  items: [
    item('investmentApproval', '2025-09-30', { decidedAt: sh('2025-10-14', '19:00') }),
    item('landUsePlanningPermit', '2025-09-30', {
      decidedAt: sh('2025-10-15'),
      outcome: 'reject',
      stops: [
        { kind: 'specialProcedure', procedureType: 'expertReview', from: '2025-10-09', to: '2025-10-13' },
      ],
    }),
  ],
});
// C: accepted Tue 09-30. 环评报告表 decided Fri 10-03 during the holiday (0 days); 用地预审 recognised
//    from 浙江 on 10-09 at 23:00 (互认: counted apart, never off-hours). Not rated.
const C = stageCase('C', {
  submitted: '2025-09-29',
  status: 'approved',
  closedAt: sh('2025-10-09', '23:00'),
  items: [
    item('eiaReportFormApproval', '2025-09-30', { decidedAt: sh('2025-10-03') }),
    item('landPreExaminationSiting', '2025-09-30', {
      decidedAt: sh('2025-10-09', '23:00'),
      recognised: true,
    }),
  ],
});
// D: accepted Mon 09-22, decided on the 调休 Sunday 09-28 (09-23 24 25 26 28 = 5 days), on time. September.
const D = stageCase('D', {
  submitted: '2025-09-19',
  status: 'approved',
  closedAt: sh('2025-09-28'),
  items: [item('landUsePlanningPermit', '2025-09-22', { decidedAt: sh('2025-09-28') })],
});
// Z: a 2024 case, outside every 2025 figure.
const Z = stageCase('Z', {
  submitted: '2024-06-03',
  status: 'approved',
  closedAt: sh('2024-06-12'),
  satisfaction: 1,
  items: [item('landUsePlanningPermit', '2024-06-04', { decidedAt: sh('2024-06-12') })],
});

const DEPARTMENTS = [
  { code: 'ndrc', name: '省发展改革委' },
  { code: 'nrp', name: '省自然资源厅' },
  { code: 'eco', name: '省生态环境厅' },
];
const ITEMS = Object.entries(CATALOGUE).map(([code, c]) => ({
  code,
  name: c.name,
  department: c.department,
}));

describe('weeklyDispatch (周调度) on Friday 2025-10-17', () => {
  const escalation = (level: number, role: EscalationRecord['role'], at: string): EscalationRecord => ({
    level,
    role,
    nameZh: level === 1 ? '审查人员' : '部门负责人',
    address: level === 1 ? 'dept:nrp' : 'dept:nrp:lead',
    at: sh(at, '02:00'),
    overdueDays: 1,
  });
  // E: accepted 09-30. 用地规划许可 (7): 10-09 10 11 13 14 15 16 17 = 8 days, due 10-16, 1 day over, red;
  //    told at levels 1 and 2. 用地预审 (10): 8 days, 80% used → yellow, 2 left, due 10-21.
  const E = stageCase('E', {
    submitted: '2025-09-29',
    status: 'underReview',
    items: [
      item('landUsePlanningPermit', '2025-09-30', {
        escalations: [escalation(2, 'departmentLead', '2025-10-17'), escalation(1, 'reviewer', '2025-10-17')],
      }),
      item('landPreExaminationSiting', '2025-09-30'),
    ],
  });
  // F: accepted 09-26. 用地规划许可 (7): 11 days, due 10-13, 4 over. 环评 stopped since 09-29 (open):
  //    gross 11 − stopped (09-29, 10-17] 9 = 2 days, green. 可研 already decided: not listed.
  const F = stageCase('F', {
    submitted: '2025-09-25',
    status: 'underReview',
    items: [
      item('landUsePlanningPermit', '2025-09-26'),
      item('eiaReportFormApproval', '2025-09-26', { stops: [{ kind: 'correction', from: '2025-09-29' }] }),
      item('investmentApproval', '2025-09-26', { decidedAt: sh('2025-10-09') }),
    ],
  });
  // G: waiting for acceptance, due Tue 10-14: 10-15 16 17 = 3 working days over.
  const G = stageCase('G', {
    submitted: '2025-10-13',
    status: 'submitted',
    acceptDueDate: '2025-10-14',
    items: [],
  });
  // H: a submitted case still within its acceptance limit, and a closed case: neither is listed.
  const H = stageCase('H', {
    submitted: '2025-10-16',
    status: 'submitted',
    acceptDueDate: '2025-10-20',
    items: [],
  });

  const rows = weeklyDispatch([E, F, G, H, A], '2025-10-17', cal, thresholds, {
    departmentNames: { nrp: '省自然资源厅' },
    windowUnit: '绿色通道专窗',
  });

  it('lists red first, most days over first, then the items at risk', () => {
    expect(
      rows.map((r) => [r.caseId, r.itemCode ?? '受理', r.lamp, r.daysOver, r.remainingDays, r.dueDate]),
    ).toEqual([
      ['F', 'landUsePlanningPermit', 'red', 4, -4, '2025-10-13'],
      ['G', '受理', 'red', 3, -3, '2025-10-14'],
      ['E', 'landUsePlanningPermit', 'red', 1, -1, '2025-10-16'],
      ['E', 'landPreExaminationSiting', 'yellow', 0, 2, '2025-10-21'],
    ]);
  });

  it('names the holder, the first receiver and the escalation history', () => {
    const e = rows[2]!;
    expect(e).toMatchObject({
      kind: 'item',
      department: 'nrp',
      departmentName: '省自然资源厅',
      firstReceiver: '省政务服务中心绿色通道专窗',
      stageNameZh: '立项用地规划许可',
      escalationLevel: 2,
      projectName: '项目E',
    });
    expect(e.history.map((h) => h.level)).toEqual([1, 2]);
    expect(rows[1]).toMatchObject({ kind: 'acceptance', departmentName: '绿色通道专窗', escalationLevel: 0 });
    expect(rows[1]!.firstReceiver).toBeUndefined();
  });
});

describe('monthlyBulletin (月通报) of 2025-10', () => {
  const b = monthlyBulletin([A, B, C, D, Z, A], '2025-10', cal, DEPARTMENTS, ITEMS);

  it('per department: counts, on-time rate, days against limits, satisfaction and rank', () => {
    // eco: C's 环评 only, 0 days → rate 1, avg 0 → rank 1; not rated.
    // ndrc: B's 可研, 5 days of 10 → rate 1, avg 5 → rank 2; B rated 3.
    // nrp: A 用地预审 5 (on time), A 用地规划 11 (late), B 用地规划 3 (on time, rejected); C's recognised
    //   用地预审 counted apart. 2 of 3 on time = 0.6667; avg (5 + 11 + 3) / 3 = 6.33; promised
    //   (10 + 7 + 7) / 3 = 8; cases A, B, C; satisfaction (5 + 3) / 2 = 4 from 2 rated cases.
    expect(b.byDepartment).toEqual([
      {
        code: 'eco',
        nameZh: '省生态环境厅',
        casesHandled: 1,
        decidedItems: 1,
        approved: 1,
        rejected: 0,
        onTime: 1,
        overdue: 0,
        onTimeRate: 1,
        avgDaysUsed: 0,
        avgPromisedDays: 10,
        avgStatutoryDays: 30,
        recognised: 0,
        satisfactionAvg: null,
        satisfactionCount: 0,
        rank: 1,
      },
      {
        code: 'ndrc',
        nameZh: '省发展改革委',
        casesHandled: 1,
        decidedItems: 1,
        approved: 1,
        rejected: 0,
        onTime: 1,
        overdue: 0,
        onTimeRate: 1,
        avgDaysUsed: 5,
        avgPromisedDays: 10,
        avgStatutoryDays: 20,
        recognised: 0,
        satisfactionAvg: 3,
        satisfactionCount: 1,
        rank: 2,
      },
      {
        code: 'nrp',
        nameZh: '省自然资源厅',
        casesHandled: 3,
        decidedItems: 3,
        approved: 2,
        rejected: 1,
        onTime: 2,
        overdue: 1,
        onTimeRate: 0.6667,
        avgDaysUsed: 6.33,
        avgPromisedDays: 8,
        avgStatutoryDays: 20,
        recognised: 1,
        satisfactionAvg: 4,
        satisfactionCount: 2,
        rank: 3,
      },
    ]);
  });

  it('per item, with equal rate and days sharing a rank; D (September) and Z (2024) left out', () => {
    // 环评 1.0/0 → 1; 可研 1.0/5 and 用地预审 1.0/5 (A only; C recognised) share 2;
    // 用地规划 A 11 late + B 3 on time = 0.5, avg 7 → 4.
    expect(
      b.byItem.map((r) => [r.code, r.rank, r.decidedItems, r.onTimeRate, r.avgDaysUsed, r.recognised]),
    ).toEqual([
      ['eiaReportFormApproval', 1, 1, 1, 0, 0],
      ['investmentApproval', 2, 1, 1, 5, 0],
      ['landPreExaminationSiting', 2, 1, 1, 5, 1],
      ['landUsePlanningPermit', 4, 2, 0.5, 7, 0],
    ]);
    const landPre = b.byItem.find((r) => r.code === 'landPreExaminationSiting')!;
    expect(landPre).toMatchObject({
      casesHandled: 2,
      satisfactionAvg: 5,
      satisfactionCount: 1,
      departmentName: '省自然资源厅',
    });
    const landUse = b.byItem.find((r) => r.code === 'landUsePlanningPermit')!;
    expect(landUse).toMatchObject({
      overdue: 1,
      avgPromisedDays: 7,
      satisfactionAvg: 4,
      approved: 1,
      rejected: 1,
    });
  });

  it('totals: 5 reviewed items, 4 on time, avg (5 + 11 + 5 + 3 + 0) / 5 = 4.8', () => {
    expect(b.total).toMatchObject({
      casesHandled: 3,
      decidedItems: 5,
      onTime: 4,
      onTimeRate: 0.8,
      avgDaysUsed: 4.8,
      avgPromisedDays: 8.8, // (10 + 7 + 10 + 7 + 10) / 5
      avgStatutoryDays: 22, // (20 + 20 + 20 + 20 + 30) / 5
      recognised: 1,
      satisfactionAvg: 4,
    });
  });

  it('a month without decisions has empty lists and null rates', () => {
    const empty = monthlyBulletin([A, B], '2025-11', cal, DEPARTMENTS, ITEMS);
    expect(empty.byDepartment).toEqual([]);
    expect(empty.total).toMatchObject({ decidedItems: 0, onTimeRate: null, avgDaysUsed: null });
  });
});

describe('annualEvaluation (年度评估) of 2025', () => {
  const complaint = (id: string, filed: string, closed?: string): Complaint => ({
    id,
    caseId: 'A',
    projectCode: A.projectCode,
    creditCode: A.applicant.creditCode,
    textZh: '投诉',
    status: closed ? 'closed' : 'open',
    filedAt: sh(filed),
    filedBy: 'a',
    handling: [],
    ...(closed ? { closedAt: sh(closed) } : {}),
  });
  const e = annualEvaluation({
    year: 2025,
    cases: [A, B, C, D, Z],
    complaints: [
      complaint('K1', '2025-10-20', '2025-10-24'), // 10-21 22 23 24 = 4 working days
      complaint('K2', '2025-09-29', '2025-10-10'), // 09-30 10-09 10-10 = 3 working days
      complaint('K3', '2025-12-01'), // open
      complaint('K4', '2024-12-30', '2025-01-03'), // filed in 2024: not counted
    ],
    creditMarksByOrg: {
      X: {
        name: '甲公司',
        marks: [
          { at: sh('2024-05-01'), caseId: 'X1' },
          { at: sh('2025-03-01'), caseId: 'X2' },
        ],
      },
      Y: { name: '乙公司', marks: [{ at: sh('2025-03-01'), caseId: 'Y1' }] },
      W: {
        marks: [
          { at: sh('2023-01-05'), caseId: 'W1' },
          { at: sh('2023-02-05'), caseId: 'W2' },
        ],
      },
    },
    auditVerifications: [
      { caseId: 'A', valid: true },
      { caseId: 'B', valid: true },
      { caseId: 'C', valid: false, firstBrokenSeq: 3 },
      { caseId: 'D', valid: true },
    ],
    cal,
  });

  it('timeliness: 6 reviewed items, 5 on time, compression against the statutory limits', () => {
    // used 5 + 11 + 5 + 3 + 0 + 5 = 29; promised 10 + 7 + 10 + 7 + 10 + 7 = 51; statutory 5 × 20 + 30 = 130
    expect(e.scope).toEqual({ cases: 4, closedCases: 4 });
    expect(e.timeliness).toEqual({
      decidedItems: 6,
      approved: 5,
      rejected: 1,
      onTime: 5,
      overdue: 1,
      onTimeRate: 0.8333,
      avgDaysUsed: 4.83,
      avgPromisedDays: 8.5,
      avgStatutoryDays: 21.67,
      recognised: 1,
      compressionRatio: 0.7769, // 1 − 29 / 130
      workingDaysSavedVsStatutory: 101, // 130 − 29
    });
  });

  it('service quality: satisfaction of the cases closed in the year, complaints filed in it', () => {
    expect(e.serviceQuality).toEqual({
      satisfaction: {
        average: 4,
        distribution: { '1': 0, '2': 0, '3': 1, '4': 0, '5': 1 },
        responses: 2,
        closedCases: 4,
        responseRate: 0.5,
      },
      complaints: { filed: 3, closed: 2, open: 1, avgWorkingDaysToClose: 3.5 },
    });
  });

  it('integrity risk: off-hours decisions, repeated credit marks, no hand-overs or revocations', () => {
    // 08:30 and 17:30 are inside office hours; the 调休 Sunday 09-28 is a working day; recognised
    // results are the partner's decisions. Flagged: B 19:00 and C on the National Day holiday.
    expect(e.integrityRisk.decisionsOutsideWorkingHours).toEqual({
      count: 2,
      decisions: [
        {
          caseId: 'B',
          itemCode: 'investmentApproval',
          department: 'ndrc',
          by: 'reviewer-ndrc',
          at: sh('2025-10-14', '19:00'),
          localTime: '2025-10-14 19:00',
          reason: 'outsideHours',
        },
        {
          caseId: 'C',
          itemCode: 'eiaReportFormApproval',
          department: 'eco',
          by: 'reviewer-eco',
          at: sh('2025-10-03'),
          localTime: '2025-10-03 10:00',
          reason: 'nonWorkingDay',
        },
      ],
    });
    // X: 2 marks, one in 2025. Y: only 1. W: 2 marks, none in 2025.
    expect(e.integrityRisk.repeatedDeficiencyWithoutSupplement).toEqual({
      count: 1,
      organisations: [{ creditCode: 'X', name: '甲公司', marks: 2, marksInYear: 1, caseIds: ['X1', 'X2'] }],
    });
    // nothing in these fixtures was handed on or revoked (see the 频繁转办 block below)
    expect(e.integrityRisk.frequentReassignment).toEqual({
      count: 0,
      threshold: FREQUENT_REASSIGNMENT_THRESHOLD,
      items: [],
    });
    expect(e.integrityRisk.reversedDecisions).toEqual({ count: 0, decisions: [] });
  });

  it('summarises the audit-trail verification', () => {
    expect(e.auditTrail).toEqual({ casesChecked: 4, valid: 3, broken: [{ caseId: 'C', firstBrokenSeq: 3 }] });
  });

  it('office hours are 08:30–17:30 Shanghai time on working days', () => {
    expect(offHoursReason(sh('2025-10-10', '08:29'), cal)).toBe('outsideHours');
    expect(offHoursReason(sh('2025-10-10', '08:30'), cal)).toBeUndefined();
    expect(offHoursReason(new Date('2025-10-10T17:30:01+08:00').toISOString(), cal)).toBe('outsideHours');
    expect(offHoursReason(sh('2025-10-11', '10:00'), cal)).toBeUndefined(); // 调休 Saturday
    expect(offHoursReason(sh('2025-10-12', '10:00'), cal)).toBe('nonWorkingDay');
  });
});

describe('annualEvaluation (年度评估): 频繁转办 and 决定反转, hand-counted', () => {
  type Assignment = NonNullable<CaseItem['assignments']>[number];
  const handOver = (n: number, when: Instant): Assignment => ({
    ...(n > 1 ? { from: `rev-${n - 1}` } : {}),
    to: `rev-${n}`,
    toName: `审查员${n}`,
    by: 'lead-nrp',
    at: when,
    reasonZh: '调整分工',
  });
  const handed = (base: CaseItem, times: Instant[]): CaseItem => ({
    ...base,
    assignments: times.map((t, i) => handOver(i + 1, t)),
  });
  const revoked = (base: CaseItem, when: Instant, reasonZh: string): CaseItem => ({
    ...base,
    decision: { ...base.decision!, revoked: { by: 'sup-1', at: when, reasonZh } },
  });

  // R1: 用地预审 handed on 3 times in 2025 → flagged; 用地规划许可 twice → at the threshold, not flagged.
  const R1 = stageCase('R1', {
    submitted: '2025-10-13',
    status: 'underReview',
    items: [
      handed(item('landPreExaminationSiting', '2025-10-14'), [
        sh('2025-10-14'),
        sh('2025-10-15'),
        sh('2025-10-16'),
      ]),
      handed(item('landUsePlanningPermit', '2025-10-14'), [sh('2025-10-14'), sh('2025-10-20')]),
    ],
  });
  // R2: submitted in 2024 and still open. Five hand-overs: two in 2024 Shanghai time (the second at
  //     2024-12-31 23:30), three in 2025 (the first at 2025-01-01 00:30, still 2024 in UTC) → 2025: 3,
  //     flagged; 2024: 2, not flagged. 可研审批 handed 4 times in 2025 → flagged first (most hand-overs).
  const R2 = stageCase('R2', {
    submitted: '2024-12-16',
    status: 'underReview',
    items: [
      handed(item('landPreExaminationSiting', '2024-12-17'), [
        sh('2024-12-20'),
        sh('2024-12-31', '23:30'),
        sh('2025-01-01', '00:30'),
        sh('2025-01-06'),
        sh('2025-01-07'),
      ]),
      handed(item('investmentApproval', '2024-12-17'), [
        sh('2025-01-02'),
        sh('2025-01-03'),
        sh('2025-01-06'),
        sh('2025-01-07'),
      ]),
    ],
  });
  // V1: closed in 2024, 用地规划许可 revoked on 2025-03-10: counted in 2025 although the case is not
  //     otherwise in the year's scope.
  const V1 = stageCase('V1', {
    submitted: '2024-06-03',
    status: 'approved',
    closedAt: sh('2024-06-12'),
    items: [
      revoked(
        item('landUsePlanningPermit', '2024-06-04', { decidedAt: sh('2024-06-12') }),
        sh('2025-03-10'),
        '申请人以欺骗手段取得许可',
      ),
    ],
  });
  // V2: closed 2025-10; 可研审批 revoked 2025-12-31 23:30 Shanghai → 2025; 用地预审 revoked
  //     2026-01-01 00:30 Shanghai (still 2025 in UTC) → 2026. Only the first counts for 2025.
  const V2 = stageCase('V2', {
    submitted: '2025-09-29',
    status: 'approved',
    closedAt: sh('2025-10-15'),
    items: [
      revoked(
        item('investmentApproval', '2025-09-30', { decidedAt: sh('2025-10-14') }),
        sh('2025-12-31', '23:30'),
        '超越法定职权作出',
      ),
      revoked(
        item('landPreExaminationSiting', '2025-09-30', { decidedAt: sh('2025-10-15') }),
        sh('2026-01-01', '00:30'),
        '违反法定程序',
      ),
    ],
  });
  // V3: revoked in 2024 → not in 2025.
  const V3 = stageCase('V3', {
    submitted: '2024-03-04',
    status: 'approved',
    closedAt: sh('2024-03-15'),
    items: [
      revoked(
        item('eiaReportFormApproval', '2024-03-05', { decidedAt: sh('2024-03-15') }),
        sh('2024-04-01'),
        '材料虚假',
      ),
    ],
  });
  const evaluate = (year: number) =>
    annualEvaluation({
      year,
      cases: [R1, R2, V1, V2, V3, A],
      complaints: [],
      creditMarksByOrg: {},
      auditVerifications: [],
      cal,
    });

  it('flags items handed on more than twice in the year, counted in Shanghai time', () => {
    expect(evaluate(2025).integrityRisk.frequentReassignment).toEqual({
      count: 3,
      threshold: 2,
      items: [
        { caseId: 'R2', itemCode: 'investmentApproval', department: 'ndrc', reassignments: 4 },
        { caseId: 'R1', itemCode: 'landPreExaminationSiting', department: 'nrp', reassignments: 3 },
        { caseId: 'R2', itemCode: 'landPreExaminationSiting', department: 'nrp', reassignments: 3 },
      ],
    });
    expect(evaluate(2024).integrityRisk.frequentReassignment).toMatchObject({ count: 0, items: [] });
  });

  it('lists the revocations of the year with department, reasons and who revoked, oldest first', () => {
    expect(evaluate(2025).integrityRisk.reversedDecisions).toEqual({
      count: 2,
      decisions: [
        {
          caseId: 'V1',
          itemCode: 'landUsePlanningPermit',
          department: 'nrp',
          decidedAt: sh('2024-06-12'),
          revokedAt: sh('2025-03-10'),
          revokedBy: 'sup-1',
          reasonZh: '申请人以欺骗手段取得许可',
        },
        {
          caseId: 'V2',
          itemCode: 'investmentApproval',
          department: 'ndrc',
          decidedAt: sh('2025-10-14'),
          revokedAt: sh('2025-12-31', '23:30'),
          revokedBy: 'sup-1',
          reasonZh: '超越法定职权作出',
        },
      ],
    });
    expect(evaluate(2024).integrityRisk.reversedDecisions.decisions.map((d) => d.caseId)).toEqual(['V3']);
    expect(evaluate(2026).integrityRisk.reversedDecisions.decisions.map((d) => d.itemCode)).toEqual([
      'landPreExaminationSiting',
    ]);
  });

  it('a revoked case from an earlier year does not enter the other figures of the year', () => {
    const e2025 = evaluate(2025);
    // V1 and V3 closed in 2024: out of scope; R1, R2, V2 and A are
    expect(e2025.scope).toEqual({ cases: 4, closedCases: 2 });
  });
});

describe('report rendering', () => {
  it('CSV: RFC 4180 quoting, BOM, CRLF, Chinese intact, formulas neutralised', () => {
    const csv = toCsv(
      [
        { name: '南京,江北 "新区"', note: '第一行\n第二行', n: -3, f: '=HYPERLINK("x")' },
        { name: '苏州', note: undefined, n: 0.5, f: null },
      ],
      [
        { key: 'name', headerZh: '名称' },
        { key: 'note', headerZh: '备注' },
        { key: 'n', headerZh: '数值' },
        { key: 'f', headerZh: '公式' },
      ],
    );
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv).toBe(
      '\uFEFF名称,备注,数值,公式\r\n' +
        '"南京,江北 ""新区""","第一行\n第二行",-3,"\'=HYPERLINK(""x"")"\r\n' +
        '苏州,,0.5,\r\n',
    );
    expect(csvField('a\rb')).toBe('"a\rb"');
    expect(csvField('普通')).toBe('普通');
  });

  it('HTML: self-contained, printable, every text escaped', () => {
    const html = toHtml(
      '周调度<script>alert(1)</script>',
      [
        {
          kind: 'table',
          headingZh: '清单 & 说明',
          columns: [
            { key: 'lamp', headerZh: '灯色', lamp: true },
            { key: 'name', headerZh: '项目' },
          ],
          rows: [{ lamp: 'red', name: '<script>alert("x")</script>' }],
        },
        { kind: 'facts', headingZh: '指标', facts: [['"引号"', "<b>'粗'</b>"]] },
      ],
      { generatedAt: sh('2025-10-17', '09:05') },
    );
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;b&gt;&#39;粗&#39;&lt;/b&gt;');
    expect(html).toContain('清单 &amp; 说明');
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('size: A4 landscape');
    expect(html).toContain('class="lamp-red"');
    expect(html).toContain('生成时间：2025-10-17 09:05（北京时间）');
    expect(html).not.toMatch(/<link|<img|src=|https?:\/\//);
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('renders the three reports with ASCII file names', () => {
    const generatedAt = sh('2025-11-01');
    const bulletin = monthlyBulletin([A, B, C], '2025-10', cal, DEPARTMENTS, ITEMS);
    const csv = renderReport(
      { kind: 'monthlyBulletin', province: 'JS', provinceName: '江苏省', generatedAt, ...bulletin },
      'csv',
    );
    expect(csv.fileName).toBe('monthly-bulletin-js-2025-10.csv');
    expect(csv.contentType).toBe('text/csv; charset=utf-8');
    const lines = csv.body.split('\r\n');
    expect(lines[0]).toMatch(/^\uFEFF统计口径,排名,代码,名称/);
    expect(lines[1]).toMatch(/^按部门,1,eco,省生态环境厅,/);
    expect(csv.body).toContain(
      '按事项,4,landUsePlanningPermit,建设用地规划许可证核发,省自然资源厅,2,2,1,1,1,1,50.0%',
    );

    const evaluation = annualEvaluation({
      year: 2025,
      cases: [A, B, C, D],
      complaints: [],
      creditMarksByOrg: {},
      auditVerifications: [],
      cal,
    });
    const page = renderReport(
      { kind: 'annualEvaluation', province: 'JS', provinceName: '江苏省', generatedAt, ...evaluation },
      'html',
    );
    expect(page.fileName).toBe('annual-evaluation-js-2025.html');
    expect(page.body).toContain('频繁转办');
    expect(page.body).toContain('2025-10-14 19:00');
    expect(/^[\x20-\x7e]+$/.test(page.fileName)).toBe(true);
  });
});

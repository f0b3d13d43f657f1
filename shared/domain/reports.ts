/**
 * 督办与通报 (DOMAIN.md "Supervision and evaluation"): the weekly dispatch list (周调度), the monthly
 * bulletin per department and per item (月通报) and the annual third-party evaluation (年度评估).
 * Pure computations over stage cases; the service loads them from the store's report index lists.
 *
 * Conventions: an item counts in the month (year) its decision falls in, as a Shanghai date; working
 * days used are the item's clock at its decision (clock stops excluded); an item is on time when the
 * days used do not exceed its promised limit. Items recognised from a partner province (互认) spent no
 * time here: they are counted apart and never in timeliness. Rates and averages are `null` when there
 * is nothing to divide by, never 0.
 */
import type { ChainBreak } from './audit-chain.js';
import type { WorkingCalendar } from './calendar.js';
import { shanghaiDate } from './calendar.js';
import type { LampThresholds } from './lamps.js';
import type { CaseItem, Complaint, EscalationRecord, Instant, IsoDate, Stage, StageCase } from './model.js';
import { itemProgress } from './progress.js';
import { elapsedWorkingDays } from './time-limits.js';

export const STAGE_NAMES_ZH: Readonly<Record<Stage, string>> = {
  projectApproval: '立项用地规划许可',
  worksPermit: '工程建设许可',
  constructionPermit: '施工许可',
  completionAcceptance: '竣工验收',
};

const round = (value: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
const ratio = (num: number, den: number, digits = 4): number | null =>
  den === 0 ? null : round(num / den, digits);
const average = (values: number[], digits = 2): number | null =>
  values.length === 0 ? null : round(values.reduce((s, v) => s + v, 0) / values.length, digits);

// ------------------------------------------------------------------------------------------------
// 周调度 weekly dispatch

export interface DispatchRow {
  /** an undecided item, or a case whose acceptance (受理) is overdue */
  kind: 'item' | 'acceptance';
  caseId: string;
  projectCode: string;
  projectName: string;
  stage: Stage;
  stageNameZh: string;
  itemCode?: string;
  itemName: string;
  /** the department holding the item; absent for an acceptance held by the window */
  department?: string;
  departmentName?: string;
  /** 首接负责单位 */
  firstReceiver?: string;
  lamp: 'red' | 'yellow';
  /** last day of the promised limit (or of the acceptance limit) */
  dueDate: IsoDate;
  /** working days past the due date; 0 for items at risk */
  daysOver: number;
  /** working days left; negative when overdue */
  remainingDays: number;
  /** the item's clock is stopped (补正, special procedure) */
  clockStopped: boolean;
  /** highest rung of the escalation ladder reached (0: none yet) */
  escalationLevel: number;
  /** who was told when, lowest level first */
  history: EscalationRecord[];
}

export interface DispatchOptions {
  /** department code → name */
  departmentNames?: Readonly<Record<string, string>>;
  /** the window holding cases waiting for acceptance */
  windowUnit?: string;
}

/**
 * 周调度: every undecided item of a case under review that is overdue (red) or at risk (yellow) on
 * `today`, and every case whose acceptance is overdue; red first, then most working days over.
 */
export function weeklyDispatch(
  cases: readonly StageCase[],
  today: IsoDate,
  cal: WorkingCalendar,
  thresholds: LampThresholds,
  options: DispatchOptions = {},
): DispatchRow[] {
  const names = options.departmentNames ?? {};
  const rows: DispatchRow[] = [];
  for (const c of cases) {
    const base = {
      caseId: c.id,
      projectCode: c.projectCode,
      projectName: c.projectName,
      stage: c.stage,
      stageNameZh: STAGE_NAMES_ZH[c.stage],
      ...(c.firstReceiver ? { firstReceiver: c.firstReceiver.unit } : {}),
    };
    if (c.status === 'submitted' && today > c.acceptDueDate) {
      const over = cal.workingDaysBetween(c.acceptDueDate, today);
      rows.push({
        ...base,
        kind: 'acceptance',
        itemName: '受理',
        departmentName: options.windowUnit ?? '综合窗口',
        lamp: 'red',
        dueDate: c.acceptDueDate,
        daysOver: over,
        remainingDays: -over,
        clockStopped: false,
        escalationLevel: 0,
        history: [],
      });
    }
    if (c.status !== 'underReview') continue;
    for (const item of c.items) {
      if (item.decision || !item.startDate) continue;
      const p = itemProgress(cal, item, today, thresholds);
      if (p.lamp === 'green' || !p.dueDate) continue;
      const remaining = p.remainingDays ?? 0;
      const history = [...(item.escalations ?? [])].sort((a, b) => a.level - b.level);
      rows.push({
        ...base,
        kind: 'item',
        itemCode: item.code,
        itemName: item.name,
        department: item.department,
        departmentName: names[item.department] ?? item.department,
        lamp: p.lamp,
        dueDate: p.dueDate,
        daysOver: p.lamp === 'red' ? Math.max(0, -remaining) : 0,
        remainingDays: remaining,
        clockStopped: p.clockStopped,
        escalationLevel: history.reduce((m, e) => Math.max(m, e.level), 0),
        history,
      });
    }
  }
  const severity = (r: DispatchRow) => (r.lamp === 'red' ? 1 : 0);
  return rows.sort(
    (a, b) =>
      severity(b) - severity(a) ||
      b.daysOver - a.daysOver ||
      a.remainingDays - b.remainingDays ||
      a.dueDate.localeCompare(b.dueDate) ||
      a.caseId.localeCompare(b.caseId) ||
      (a.itemCode ?? '').localeCompare(b.itemCode ?? ''),
  );
}

// ------------------------------------------------------------------------------------------------
// decided items, as the bulletin and the evaluation count them

export interface DecidedItem {
  case: StageCase;
  item: CaseItem;
  decidedOn: IsoDate;
  recognised: boolean;
  /** working days used up to the decision, clock stops excluded (0 for recognised items) */
  daysUsed: number;
  onTime: boolean;
}

/** Every decided item of the cases whose decision date (Shanghai) starts with `period` (YYYY or YYYY-MM). */
export function decidedItemsIn(
  cases: readonly StageCase[],
  period: string,
  cal: WorkingCalendar,
): DecidedItem[] {
  const out: DecidedItem[] = [];
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    for (const item of c.items) {
      if (!item.decision) continue;
      const decidedOn = shanghaiDate(item.decision.at);
      if (!decidedOn.startsWith(period)) continue;
      const recognised = !!item.decision.recognition;
      const daysUsed =
        recognised || !item.startDate
          ? 0
          : elapsedWorkingDays(cal, item.startDate, item.clockStops, decidedOn);
      out.push({ case: c, item, decidedOn, recognised, daysUsed, onTime: daysUsed <= item.promisedDays });
    }
  }
  return out;
}

interface Timeliness {
  decidedItems: number;
  approved: number;
  rejected: number;
  onTime: number;
  overdue: number;
  onTimeRate: number | null;
  avgDaysUsed: number | null;
  avgPromisedDays: number | null;
  avgStatutoryDays: number | null;
  recognised: number;
}

function timeliness(items: readonly DecidedItem[]): Timeliness {
  const timed = items.filter((d) => !d.recognised);
  const onTime = timed.filter((d) => d.onTime).length;
  return {
    decidedItems: timed.length,
    approved: timed.filter((d) => d.item.decision?.outcome === 'approve').length,
    rejected: timed.filter((d) => d.item.decision?.outcome === 'reject').length,
    onTime,
    overdue: timed.length - onTime,
    onTimeRate: ratio(onTime, timed.length),
    avgDaysUsed: average(timed.map((d) => d.daysUsed)),
    avgPromisedDays: average(timed.map((d) => d.item.promisedDays)),
    avgStatutoryDays: average(timed.map((d) => d.item.statutoryDays)),
    recognised: items.length - timed.length,
  };
}

// ------------------------------------------------------------------------------------------------
// 月通报 monthly bulletin

export interface BulletinRow extends Timeliness {
  /** department code (byDepartment) or item code (byItem) */
  code: string;
  nameZh: string;
  /** byItem: the item's department */
  department?: string;
  departmentName?: string;
  /** distinct cases with an item of this row decided in the month (recognised ones included) */
  casesHandled: number;
  /** average feedback (1–5) of those cases that were rated */
  satisfactionAvg: number | null;
  satisfactionCount: number;
  /** 1 = best on-time rate, then fewest average days; absent when nothing was reviewed */
  rank?: number;
}

export interface MonthlyBulletin {
  month: string;
  byDepartment: BulletinRow[];
  byItem: BulletinRow[];
  total: Omit<BulletinRow, 'code' | 'nameZh' | 'rank'>;
}

function rowOf(items: readonly DecidedItem[]) {
  const cases = new Map(items.map((d) => [d.case.id, d.case]));
  const rated = [...cases.values()].flatMap((c) => (c.feedback ? [c.feedback.satisfaction] : []));
  return {
    casesHandled: cases.size,
    ...timeliness(items),
    satisfactionAvg: average(rated),
    satisfactionCount: rated.length,
  };
}

/** Competition ranking ("1, 1, 3") by on-time rate (higher first), then average days used (fewer first). */
function ranked(rows: BulletinRow[]): BulletinRow[] {
  const order = (a: BulletinRow, b: BulletinRow) =>
    (b.onTimeRate ?? -1) - (a.onTimeRate ?? -1) || (a.avgDaysUsed ?? 0) - (b.avgDaysUsed ?? 0);
  const reviewed = rows
    .filter((r) => r.decidedItems > 0)
    .sort((a, b) => order(a, b) || a.code.localeCompare(b.code));
  reviewed.forEach((r, i) => {
    const prev = reviewed[i - 1];
    r.rank = prev && order(prev, r) === 0 ? prev.rank : i + 1;
  });
  const rest = rows.filter((r) => r.decidedItems === 0).sort((a, b) => a.code.localeCompare(b.code));
  return [...reviewed, ...rest];
}

/** 月通报 over the items decided in `month` (YYYY-MM, Shanghai dates). */
export function monthlyBulletin(
  cases: readonly StageCase[],
  month: string,
  cal: WorkingCalendar,
  departments: readonly { code: string; name: string }[],
  items: readonly { code: string; name: string; department: string }[],
): MonthlyBulletin {
  const decided = decidedItemsIn(cases, month, cal);
  const deptName = new Map(departments.map((d) => [d.code, d.name]));
  const itemName = new Map(items.map((i) => [i.code, i.name]));
  const group = (key: (d: DecidedItem) => string) => {
    const groups = new Map<string, DecidedItem[]>();
    // push onto the group's list: copying it per item made grouping quadratic in the group size
    for (const d of decided) {
      const k = key(d);
      const list = groups.get(k);
      if (list) list.push(d);
      else groups.set(k, [d]);
    }
    return groups;
  };
  const byDepartment = [...group((d) => d.item.department)].map(
    ([code, list]): BulletinRow => ({ code, nameZh: deptName.get(code) ?? code, ...rowOf(list) }),
  );
  const byItem = [...group((d) => d.item.code)].map(([code, list]): BulletinRow => {
    const first = list[0]!.item;
    return {
      code,
      nameZh: itemName.get(code) ?? first.name,
      department: first.department,
      departmentName: deptName.get(first.department) ?? first.department,
      ...rowOf(list),
    };
  });
  return { month, byDepartment: ranked(byDepartment), byItem: ranked(byItem), total: rowOf(decided) };
}

// ------------------------------------------------------------------------------------------------
// 年度评估 annual third-party evaluation

export interface OffHoursDecision {
  caseId: string;
  itemCode: string;
  department: string;
  by: string;
  at: Instant;
  /** `YYYY-MM-DD HH:mm` in Asia/Shanghai */
  localTime: string;
  reason: 'nonWorkingDay' | 'outsideHours';
}

export interface CreditMarkedOrganisation {
  creditCode: string;
  name?: string;
  marks: number;
  marksInYear: number;
  caseIds: string[];
}

export interface Evaluation {
  year: number;
  scope: { cases: number; closedCases: number };
  timeliness: Timeliness & {
    /** 1 − average days used / average statutory limit */
    compressionRatio: number | null;
    /** Σ (statutory − used) over the reviewed items */
    workingDaysSavedVsStatutory: number;
  };
  serviceQuality: {
    satisfaction: {
      average: number | null;
      distribution: Record<'1' | '2' | '3' | '4' | '5', number>;
      responses: number;
      /** approved or rejected cases closed in the year, each asked for feedback */
      closedCases: number;
      responseRate: number | null;
    };
    complaints: {
      filed: number;
      closed: number;
      open: number;
      /** working days from filing to closure, of those closed */
      avgWorkingDaysToClose: number | null;
    };
  };
  integrityRisk: {
    decisionsOutsideWorkingHours: { count: number; decisions: OffHoursDecision[] };
    repeatedDeficiencyWithoutSupplement: { count: number; organisations: CreditMarkedOrganisation[] };
    /**
     * 频繁转办: items handed on (转办, each `assignItem`, the first naming of a holder included) more
     * than `threshold` times within the year (Shanghai time), most handed-on first
     */
    frequentReassignment: { count: number; threshold: number; items: ReassignedItem[] };
    /** 决定反转: approvals revoked (撤销) within the year, whatever year the case closed, oldest first */
    reversedDecisions: { count: number; decisions: RevokedDecision[] };
  };
  auditTrail: {
    casesChecked: number;
    valid: number;
    broken: { caseId: string; firstBrokenSeq?: number; reason?: ChainBreak }[];
  };
}

export interface EvaluationInput {
  year: number;
  /**
   * the cases active in the year, plus any closed earlier whose approval was revoked in the year
   * (only those count for the revocations; the other figures keep to the active cases)
   */
  cases: readonly StageCase[];
  complaints: readonly Complaint[];
  /** credit code → the organisation's credit marks (容缺 not supplemented) */
  creditMarksByOrg: Readonly<
    Record<string, { name?: string; marks: readonly { at: Instant; caseId: string }[] }>
  >;
  /** each case's stream checked against its stored head and the signed audit checkpoints */
  auditVerifications: readonly {
    caseId: string;
    valid: boolean;
    firstBrokenSeq?: number;
    reason?: ChainBreak;
  }[];
  cal: WorkingCalendar;
}

/** Office hours of the integrity check: 08:30–17:30, Asia/Shanghai. */
const OFFICE_OPEN_S = (8 * 60 + 30) * 60;
const OFFICE_CLOSE_S = (17 * 60 + 30) * 60;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

function shanghaiSecondOfDay(instant: Instant): number {
  const ms = Date.parse(instant) + SHANGHAI_OFFSET_MS;
  return Math.floor((((ms % 86_400_000) + 86_400_000) % 86_400_000) / 1000);
}

/** `YYYY-MM-DD HH:mm` in Asia/Shanghai. */
export function shanghaiDateTime(instant: Instant): string {
  const s = shanghaiSecondOfDay(instant);
  const hh = String(Math.floor(s / 3600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  return `${shanghaiDate(instant)} ${hh}:${mm}`;
}

/** A decision on a non-working day, or before 08:30 / after 17:30 Shanghai time; undefined if in hours. */
export function offHoursReason(
  instant: Instant,
  cal: WorkingCalendar,
): OffHoursDecision['reason'] | undefined {
  if (!cal.isWorkingDay(shanghaiDate(instant))) return 'nonWorkingDay';
  const s = shanghaiSecondOfDay(instant);
  return s < OFFICE_OPEN_S || s > OFFICE_CLOSE_S ? 'outsideHours' : undefined;
}

/** A case the year's evaluation covers: submitted by the year's end and not closed before it began. */
export function activeInYear(c: StageCase, year: number): boolean {
  const y = String(year);
  if (shanghaiDate(c.submittedAt).slice(0, 4) > y) return false;
  return !c.closedAt || shanghaiDate(c.closedAt).slice(0, 4) >= y;
}

/** An item handed on more than this many times in a year is flagged (频繁转办). */
export const FREQUENT_REASSIGNMENT_THRESHOLD = 2;

export interface ReassignedItem {
  caseId: string;
  itemCode: string;
  department: string;
  /** hand-overs in the year */
  reassignments: number;
}

export interface RevokedDecision {
  caseId: string;
  itemCode: string;
  department: string;
  decidedAt: Instant;
  revokedAt: Instant;
  revokedBy: string;
  reasonZh: string;
}

/** Items handed on more than the threshold within the year; the first naming of a holder counts too. */
export function frequentReassignments(cases: readonly StageCase[], year: number): ReassignedItem[] {
  const y = String(year);
  return cases
    .flatMap((c) =>
      c.items.map((item) => ({
        caseId: c.id,
        itemCode: item.code,
        department: item.department,
        reassignments: (item.assignments ?? []).filter((a) => shanghaiDate(a.at).startsWith(y)).length,
      })),
    )
    .filter((r) => r.reassignments > FREQUENT_REASSIGNMENT_THRESHOLD)
    .sort((a, b) => b.reassignments - a.reassignments || a.caseId.localeCompare(b.caseId));
}

/** Approvals revoked (撤销) within the year, with who revoked them and why. */
export function revokedDecisions(cases: readonly StageCase[], year: number): RevokedDecision[] {
  const y = String(year);
  return cases
    .flatMap((c) =>
      c.items.flatMap((item) => {
        const d = item.decision;
        if (!d?.revoked || !shanghaiDate(d.revoked.at).startsWith(y)) return [];
        return [
          {
            caseId: c.id,
            itemCode: item.code,
            department: item.department,
            decidedAt: d.at,
            revokedAt: d.revoked.at,
            revokedBy: d.revoked.by,
            reasonZh: d.revoked.reasonZh,
          },
        ];
      }),
    )
    .sort((a, b) => a.revokedAt.localeCompare(b.revokedAt));
}

/** 年度评估 for third-party auditors: timeliness, service quality, integrity risk, audit trail. */
export function annualEvaluation(input: EvaluationInput): Evaluation {
  const { year, cal } = input;
  const y = String(year);
  const cases = dedupe(input.cases).filter((c) => activeInYear(c, year));
  const decided = decidedItemsIn(cases, y, cal);
  const t = timeliness(decided);
  const timed = decided.filter((d) => !d.recognised);
  const used = timed.reduce((sum, d) => sum + d.daysUsed, 0);
  const statutory = timed.reduce((sum, d) => sum + d.item.statutoryDays, 0);

  const closed = cases.filter(
    (c) =>
      (c.status === 'approved' || c.status === 'rejected') &&
      !!c.closedAt &&
      shanghaiDate(c.closedAt).startsWith(y),
  );
  const rated = closed.flatMap((c) => (c.feedback ? [c.feedback.satisfaction] : []));
  const distribution = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  for (const s of rated) distribution[String(s) as keyof typeof distribution] += 1;

  const complaints = input.complaints.filter((c) => shanghaiDate(c.filedAt).startsWith(y));
  const closedComplaints = complaints.filter((c) => c.status === 'closed' && c.closedAt);

  const reassigned = frequentReassignments(cases, year);
  // a revocation comes after the close, often in a later year: look at every case given, not only
  // those active in the year
  const revoked = revokedDecisions(dedupe(input.cases), year);
  const offHours = timed.flatMap((d): OffHoursDecision[] => {
    const decision = d.item.decision!;
    const reason = offHoursReason(decision.at, cal);
    return reason
      ? [
          {
            caseId: d.case.id,
            itemCode: d.item.code,
            department: d.item.department,
            by: decision.by,
            at: decision.at,
            localTime: shanghaiDateTime(decision.at),
            reason,
          },
        ]
      : [];
  });

  const marked = Object.entries(input.creditMarksByOrg)
    .filter(([, o]) => o.marks.length >= 2 && o.marks.some((m) => shanghaiDate(m.at).startsWith(y)))
    .map(
      ([creditCode, o]): CreditMarkedOrganisation => ({
        creditCode,
        ...(o.name ? { name: o.name } : {}),
        marks: o.marks.length,
        marksInYear: o.marks.filter((m) => shanghaiDate(m.at).startsWith(y)).length,
        caseIds: [...new Set(o.marks.map((m) => m.caseId))],
      }),
    )
    .sort((a, b) => b.marks - a.marks || a.creditCode.localeCompare(b.creditCode));

  const broken = input.auditVerifications
    .filter((v) => !v.valid)
    .map((v) => ({
      caseId: v.caseId,
      ...(v.firstBrokenSeq !== undefined ? { firstBrokenSeq: v.firstBrokenSeq } : {}),
      ...(v.reason !== undefined ? { reason: v.reason } : {}),
    }));

  return {
    year,
    scope: { cases: cases.length, closedCases: closed.length },
    timeliness: {
      ...t,
      // the same items on both sides: the ratio of the averages is the ratio of the sums (unrounded)
      compressionRatio: statutory === 0 ? null : round(1 - used / statutory, 4),
      workingDaysSavedVsStatutory: statutory - used,
    },
    serviceQuality: {
      satisfaction: {
        average: average(rated),
        distribution,
        responses: rated.length,
        closedCases: closed.length,
        responseRate: ratio(rated.length, closed.length),
      },
      complaints: {
        filed: complaints.length,
        closed: closedComplaints.length,
        open: complaints.length - closedComplaints.length,
        avgWorkingDaysToClose: average(
          closedComplaints.map((c) =>
            cal.workingDaysBetween(shanghaiDate(c.filedAt), shanghaiDate(c.closedAt!)),
          ),
        ),
      },
    },
    integrityRisk: {
      decisionsOutsideWorkingHours: { count: offHours.length, decisions: offHours },
      repeatedDeficiencyWithoutSupplement: { count: marked.length, organisations: marked },
      frequentReassignment: {
        count: reassigned.length,
        threshold: FREQUENT_REASSIGNMENT_THRESHOLD,
        items: reassigned,
      },
      reversedDecisions: { count: revoked.length, decisions: revoked },
    },
    auditTrail: {
      casesChecked: input.auditVerifications.length,
      valid: input.auditVerifications.length - broken.length,
      broken,
    },
  };
}

function dedupe(cases: readonly StageCase[]): StageCase[] {
  const byId = new Map<string, StageCase>();
  for (const c of cases) byId.set(c.id, c);
  return [...byId.values()];
}

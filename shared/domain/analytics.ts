/**
 * 卡点分析 (bottleneck analytics): where working days go, per department and item, month by month,
 * and the headline figures of the green channel (projects, working days saved, satisfaction,
 * compression against statutory limits). Pure computations over stage cases.
 *
 * Conventions are those of reports.ts: an item counts in the month its decision falls in (Shanghai
 * date); working days used are its clock at the decision, clock stops excluded; items recognised from
 * a partner province (互认) are counted apart and never in timeliness; rates and averages are `null`
 * when there is nothing to divide by, never 0.
 *
 * 节省工作日: a reviewed item saves (statutory − used) working days (negative when it overran the
 * statutory limit). A recognised item counts zero days used here and saves its whole statutory limit:
 * the applicant was spared that review. Both parts are reported apart and summed; the compression
 * ratio (压缩率) keeps to reviewed items only, so recognitions never flatter a department's speed.
 */
import type { WorkingCalendar } from './calendar.js';
import { shanghaiDate } from './calendar.js';
import type { ClockStopKind, Instant, IsoDate, StageCase } from './model.js';
import { type DecidedItem, decidedItemsIn } from './reports.js';
import { stoppedWorkingDays } from './time-limits.js';

const round = (value: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
const ratio = (num: number, den: number, digits = 4): number | null =>
  den === 0 ? null : round(num / den, digits);
const average = (values: readonly number[], digits = 2): number | null =>
  values.length === 0 ? null : round(values.reduce((s, v) => s + v, 0) / values.length, digits);
const sum = (values: readonly number[]) => values.reduce((s, v) => s + v, 0);

function groupBy<T>(list: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const t of list) {
    const k = key(t);
    const g = groups.get(k);
    if (g) g.push(t);
    else groups.set(k, [t]);
  }
  return groups;
}

export interface Names {
  departments: readonly { code: string; name: string }[];
  items: readonly { code: string; name: string }[];
}

/** Months `from`..`to` (YYYY-MM) inclusive. */
export function monthRange(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  for (;;) {
    const key = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
    if (key > to) return out;
    out.push(key);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
}

/** Every decided item of the cases (each case once), with its decision day and clock. */
export function allDecidedItems(cases: readonly StageCase[], cal: WorkingCalendar): DecidedItem[] {
  return decidedItemsIn(cases, '', cal);
}

// ------------------------------------------------------------------------------------------------
// heatmap

export interface HeatCell {
  department: string;
  departmentName: string;
  /** item code (byItem) or month YYYY-MM (byMonth) */
  key: string;
  keyName: string;
  /** reviewed items decided (recognised ones apart) */
  count: number;
  /** of those, over their promised limit */
  late: number;
  /** average of used / promised working days; > 1 means late on average */
  avgUsedRatio: number | null;
  avgDaysUsed: number | null;
  avgPromisedDays: number | null;
  recognised: number;
}

function cellOf(
  department: string,
  departmentName: string,
  key: string,
  keyName: string,
  items: readonly DecidedItem[],
): HeatCell {
  const timed = items.filter((d) => !d.recognised);
  return {
    department,
    departmentName,
    key,
    keyName,
    count: timed.length,
    late: timed.filter((d) => !d.onTime).length,
    // a zero-day promise is met only by a zero-day review: count it as ratio 0 or as one day's worth
    avgUsedRatio: average(
      timed.map((d) => d.daysUsed / Math.max(1, d.item.promisedDays)),
      4,
    ),
    avgDaysUsed: average(timed.map((d) => d.daysUsed)),
    avgPromisedDays: average(timed.map((d) => d.item.promisedDays)),
    recognised: items.length - timed.length,
  };
}

// ------------------------------------------------------------------------------------------------
// slowest steps per department

export interface StepBreakdown {
  department: string;
  departmentName: string;
  /** reviewed items decided */
  items: number;
  /** 受理等待: working days from submission to acceptance of the items' cases (the window's step) */
  avgAcceptanceWaitDays: number | null;
  /** 审查: working days on the clock, stops excluded */
  avgReviewDays: number | null;
  /** 补正: correction rounds per item and their stopped working days */
  correctionRounds: number;
  avgCorrectionRounds: number | null;
  correctionStoppedDays: number;
  /** 容缺 waits (deficiency) and 特别程序 (special procedures) that stopped the clock */
  deficiencyStops: number;
  deficiencyStoppedDays: number;
  specialProcedureStops: number;
  specialProcedureStoppedDays: number;
  /** average working days a reviewed item's clock stood still, all kinds together */
  avgStoppedDays: number | null;
  /** the step with the most working days per item; absent when nothing was decided */
  slowestStep?: 'acceptanceWait' | 'review' | 'correction' | 'deficiency' | 'specialProcedure';
}

const STOP_KINDS: readonly ClockStopKind[] = ['correction', 'deficiency', 'specialProcedure'];

function stopsOf(d: DecidedItem, kind: ClockStopKind | undefined, cal: WorkingCalendar) {
  const stops = d.item.clockStops.filter((s) => kind === undefined || s.kind === kind);
  return {
    count: stops.length,
    // the same window as the clock itself: from the start of the clock to the decision
    days: stoppedWorkingDays(cal, stops, d.decidedOn, d.item.startDate),
  };
}

/** Working days from the submission to the acceptance decision (0 on the same day). */
export function acceptanceWaitDays(c: StageCase, cal: WorkingCalendar): number | undefined {
  if (!c.acceptance) return undefined;
  const from = shanghaiDate(c.submittedAt);
  const to = shanghaiDate(c.acceptance.at);
  return to > from ? cal.workingDaysBetween(from, to) : 0;
}

function breakdownOf(
  department: string,
  departmentName: string,
  items: readonly DecidedItem[],
  cal: WorkingCalendar,
): StepBreakdown {
  const timed = items.filter((d) => !d.recognised && d.item.startDate);
  const waits = timed.flatMap((d) => {
    const w = acceptanceWaitDays(d.case, cal);
    return w === undefined ? [] : [w];
  });
  const per = Object.fromEntries(
    STOP_KINDS.map((k) => {
      const s = timed.map((d) => stopsOf(d, k, cal));
      return [k, { count: sum(s.map((x) => x.count)), days: sum(s.map((x) => x.days)) }];
    }),
  ) as Record<ClockStopKind, { count: number; days: number }>;
  const n = timed.length;
  const row: StepBreakdown = {
    department,
    departmentName,
    items: n,
    avgAcceptanceWaitDays: average(waits),
    avgReviewDays: average(timed.map((d) => d.daysUsed)),
    correctionRounds: per.correction.count,
    avgCorrectionRounds: ratio(per.correction.count, n, 2),
    correctionStoppedDays: per.correction.days,
    deficiencyStops: per.deficiency.count,
    deficiencyStoppedDays: per.deficiency.days,
    specialProcedureStops: per.specialProcedure.count,
    specialProcedureStoppedDays: per.specialProcedure.days,
    avgStoppedDays: average(timed.map((d) => stopsOf(d, undefined, cal).days)),
  };
  if (n > 0) {
    const steps: [NonNullable<StepBreakdown['slowestStep']>, number][] = [
      ['acceptanceWait', row.avgAcceptanceWaitDays ?? 0],
      ['review', row.avgReviewDays ?? 0],
      ['correction', per.correction.days / n],
      ['deficiency', per.deficiency.days / n],
      ['specialProcedure', per.specialProcedure.days / n],
    ];
    // first of the largest: ties go to the earlier step in the flow
    row.slowestStep = steps.reduce((best, s) => (s[1] > best[1] ? s : best))[0];
  }
  return row;
}

// ------------------------------------------------------------------------------------------------
// monthly trend

export interface TrendPoint {
  month: string;
  decidedItems: number;
  onTime: number;
  onTimeRate: number | null;
  avgDaysUsed: number | null;
  /** feedback of the cases closed (approved or rejected) in the month */
  satisfactionAvg: number | null;
  /** share of those answers that are 4 or 5 (满意) */
  satisfactionRate: number | null;
  satisfactionCount: number;
}

const closedMonth = (c: StageCase): string | undefined =>
  (c.status === 'approved' || c.status === 'rejected') && c.closedAt
    ? shanghaiDate(c.closedAt).slice(0, 7)
    : undefined;

function satisfactionOf(cases: readonly StageCase[]) {
  const rated = cases.flatMap((c) => (c.feedback ? [c.feedback.satisfaction] : []));
  return {
    satisfactionAvg: average(rated),
    satisfactionRate: ratio(rated.filter((s) => s >= 4).length, rated.length),
    satisfactionCount: rated.length,
  };
}

// ------------------------------------------------------------------------------------------------
// headline figures

export interface HeadlineFigures {
  /** YYYY, or 'toDate' for everything so far */
  period: string;
  /** 纳入绿色通道项目: projects admitted in the period */
  projectsAdmitted: number;
  /** projects with a stage case submitted in the period */
  projectsWithCases: number;
  reviewedItems: number;
  recognisedItems: number;
  /** Σ (statutory − used) over reviewed items */
  daysSavedByReview: number;
  /** Σ statutory limit over recognised items (they used none here) */
  daysSavedByRecognition: number;
  workingDaysSaved: number;
  /** 压缩率: 1 − Σ used / Σ statutory over reviewed items (= 1 − average used / average statutory) */
  compressionRatio: number | null;
  onTimeRate: number | null;
  satisfactionAvg: number | null;
  satisfactionRate: number | null;
  satisfactionCount: number;
}

export interface ProjectAdmission {
  id: string;
  /** when the project was admitted to the channel; absent if never admitted */
  admittedAt?: Instant;
}

function headlineOf(
  period: string,
  inPeriod: (day: IsoDate) => boolean,
  decided: readonly DecidedItem[],
  cases: readonly StageCase[],
  projects: readonly ProjectAdmission[],
): HeadlineFigures {
  const items = decided.filter((d) => inPeriod(d.decidedOn));
  const timed = items.filter((d) => !d.recognised);
  const recognised = items.filter((d) => d.recognised);
  const used = sum(timed.map((d) => d.daysUsed));
  const statutory = sum(timed.map((d) => d.item.statutoryDays));
  const byReview = statutory - used;
  const byRecognition = sum(recognised.map((d) => d.item.statutoryDays));
  const closed = cases.filter((c) => {
    const m = closedMonth(c);
    return m !== undefined && inPeriod(shanghaiDate(c.closedAt!));
  });
  return {
    period,
    projectsAdmitted: projects.filter((p) => p.admittedAt && inPeriod(shanghaiDate(p.admittedAt))).length,
    projectsWithCases: new Set(
      cases.filter((c) => inPeriod(shanghaiDate(c.submittedAt))).map((c) => c.projectId),
    ).size,
    reviewedItems: timed.length,
    recognisedItems: recognised.length,
    daysSavedByReview: byReview,
    daysSavedByRecognition: byRecognition,
    workingDaysSaved: byReview + byRecognition,
    compressionRatio: statutory === 0 ? null : round(1 - used / statutory, 4),
    onTimeRate: ratio(timed.filter((d) => d.onTime).length, timed.length),
    ...satisfactionOf(closed),
  };
}

// ------------------------------------------------------------------------------------------------
// the whole analysis

export interface Analytics {
  from: string;
  to: string;
  heatmap: { byItem: HeatCell[]; byMonth: HeatCell[] };
  departments: StepBreakdown[];
  trend: TrendPoint[];
  /** one row per year that has any figure, oldest first, then 'toDate' */
  headline: HeadlineFigures[];
}

export interface AnalyticsInput {
  cases: readonly StageCase[];
  projects: readonly ProjectAdmission[];
  /** first and last month of the heatmap, breakdown and trend (YYYY-MM); headline covers all */
  from: string;
  to: string;
  /** today: the last day the headline's "to date" covers */
  today: IsoDate;
  cal: WorkingCalendar;
  names: Names;
}

export function bottleneckAnalytics(input: AnalyticsInput): Analytics {
  const { cal, from, to, today } = input;
  const cases = [...new Map(input.cases.map((c) => [c.id, c])).values()];
  const decided = allDecidedItems(cases, cal).filter((d) => d.decidedOn <= today);
  const inRange = decided.filter((d) => {
    const m = d.decidedOn.slice(0, 7);
    return m >= from && m <= to;
  });
  const deptName = new Map(input.names.departments.map((d) => [d.code, d.name]));
  const itemName = new Map(input.names.items.map((i) => [i.code, i.name]));
  const dn = (code: string) => deptName.get(code) ?? code;
  const deptOrder = (a: string, b: string) => a.localeCompare(b);

  const byItem = [...groupBy(inRange, (d) => `${d.item.department}\u0000${d.item.code}`)]
    .map(([, list]) => {
      const first = list[0]!.item;
      return cellOf(
        first.department,
        dn(first.department),
        first.code,
        itemName.get(first.code) ?? first.name,
        list,
      );
    })
    .sort((a, b) => deptOrder(a.department, b.department) || a.key.localeCompare(b.key));
  const byMonth = [...groupBy(inRange, (d) => `${d.item.department}\u0000${d.decidedOn.slice(0, 7)}`)]
    .map(([, list]) => {
      const dept = list[0]!.item.department;
      const month = list[0]!.decidedOn.slice(0, 7);
      return cellOf(dept, dn(dept), month, month, list);
    })
    .sort((a, b) => deptOrder(a.department, b.department) || a.key.localeCompare(b.key));

  const departments = [...groupBy(inRange, (d) => d.item.department)]
    .map(([code, list]) => breakdownOf(code, dn(code), list, cal))
    .sort(
      (a, b) => (b.avgReviewDays ?? -1) - (a.avgReviewDays ?? -1) || deptOrder(a.department, b.department),
    );

  const months = monthRange(from, to);
  const itemsByMonth = groupBy(inRange, (d) => d.decidedOn.slice(0, 7));
  const closedByMonth = groupBy(
    cases.filter((c) => closedMonth(c) !== undefined),
    (c) => closedMonth(c)!,
  );
  const trend = months.map((month): TrendPoint => {
    const timed = (itemsByMonth.get(month) ?? []).filter((d) => !d.recognised);
    const onTime = timed.filter((d) => d.onTime).length;
    return {
      month,
      decidedItems: timed.length,
      onTime,
      onTimeRate: ratio(onTime, timed.length),
      avgDaysUsed: average(timed.map((d) => d.daysUsed)),
      ...satisfactionOf(closedByMonth.get(month) ?? []),
    };
  });

  const years = new Set<string>();
  for (const d of decided) years.add(d.decidedOn.slice(0, 4));
  for (const p of input.projects) if (p.admittedAt) years.add(shanghaiDate(p.admittedAt).slice(0, 4));
  for (const c of cases) years.add(shanghaiDate(c.submittedAt).slice(0, 4));
  const headline = [...years]
    .filter((y) => y <= today.slice(0, 4))
    .sort()
    .map((y) => headlineOf(y, (day) => day.startsWith(y), decided, cases, input.projects));
  headline.push(headlineOf('toDate', (day) => day <= today, decided, cases, input.projects));

  return { from, to, heatmap: { byItem, byMonth }, departments, trend, headline };
}

/**
 * 风险预警 (early warning): for every open item, the probability that it will overrun its promised
 * limit, read off the department's own history of that item, so that the supervisor hears of it
 * before the lamp turns yellow; and a back-test (回测) of the same rule on closed items.
 *
 * The rule: of the history's items that were still open after as many clock days as this item has
 * used (total ≥ d), the share that ran over the limit L (total > L), smoothed towards a neutral prior:
 *   P = (late + PRIOR_WEIGHT · PRIOR_LATE_RATE) / (still open + PRIOR_WEIGHT).
 * Clock days exclude clock stops on both sides (history and the open item), so a stopped clock
 * neither ages the item nor the history. An item past its limit has P = 1. P never falls as d grows
 * (the late items stay in the conditioned set while the others leave it).
 *
 * History basis: the same item in the same department when it has at least MIN_HISTORY closed items,
 * else the item across departments, else the prior alone. The most recent HISTORY_WINDOW items count.
 * Recognised items (互认) used no clock here and are never history.
 */

import { allDecidedItems } from './analytics.js';
import { addCalendarDays, type WorkingCalendar } from './calendar.js';
import type { LampThresholds } from './lamps.js';
import type { IsoDate, Lamp, Stage, StageCase } from './model.js';
import { itemProgress } from './progress.js';
import { STAGE_NAMES_ZH } from './reports.js';
import { elapsedWorkingDays } from './time-limits.js';

/** forecast late when the probability reaches this */
export const FORECAST_LATE_THRESHOLD = 0.5;
/** fewer closed items than this and the next, wider basis is used */
export const MIN_HISTORY = 3;
/** the most recent closed items of the basis that count */
export const HISTORY_WINDOW = 50;
/** the prior: late rate assumed with no history, and its weight in items */
export const PRIOR_LATE_RATE = 0.1;
export const PRIOR_WEIGHT = 1;

export type ForecastBasis = 'department' | 'item' | 'prior';

/** One closed item of the history: clock days used, and when it was decided. */
export interface HistorySample {
  department: string;
  itemCode: string;
  decidedOn: IsoDate;
  daysUsed: number;
}

export interface LateProbability {
  probability: number;
  /** history items of the basis (within the window) */
  historySize: number;
  /** of those, still open after `daysUsed` clock days */
  stillOpen: number;
  /** of those, over the limit */
  late: number;
}

/** P(total > limit | total ≥ daysUsed) over the samples, smoothed towards the prior. */
export function lateProbability(
  samples: readonly number[],
  limit: number,
  daysUsed: number,
): LateProbability {
  if (daysUsed > limit) return { probability: 1, historySize: samples.length, stillOpen: 0, late: 0 };
  const open = samples.filter((t) => t >= daysUsed);
  const late = open.filter((t) => t > limit).length;
  const p = (late + PRIOR_WEIGHT * PRIOR_LATE_RATE) / (open.length + PRIOR_WEIGHT);
  return {
    probability: Math.round(p * 10_000) / 10_000,
    historySize: samples.length,
    stillOpen: open.length,
    late,
  };
}

/** History indexed by basis, each list sorted by decision day (oldest first). */
export class History {
  private readonly byDept = new Map<string, HistorySample[]>();
  private readonly byItem = new Map<string, HistorySample[]>();

  constructor(samples: readonly HistorySample[]) {
    const sorted = [...samples].sort((a, b) => a.decidedOn.localeCompare(b.decidedOn));
    for (const s of sorted) {
      push(this.byDept, `${s.department}\u0000${s.itemCode}`, s);
      push(this.byItem, s.itemCode, s);
    }
  }

  /** The basis for an item and its most recent samples decided before `before` (all when absent). */
  basis(
    department: string,
    itemCode: string,
    before?: IsoDate,
  ): { basis: ForecastBasis; samples: HistorySample[] } {
    const dept = recent(this.byDept.get(`${department}\u0000${itemCode}`), before);
    if (dept.length >= MIN_HISTORY) return { basis: 'department', samples: dept };
    const item = recent(this.byItem.get(itemCode), before);
    if (item.length >= MIN_HISTORY) return { basis: 'item', samples: item };
    return { basis: 'prior', samples: [] };
  }
}

function push(map: Map<string, HistorySample[]>, key: string, s: HistorySample) {
  const list = map.get(key);
  if (list) list.push(s);
  else map.set(key, [s]);
}

/** The last HISTORY_WINDOW samples decided strictly before `before` (binary search: lists are sorted). */
function recent(list: readonly HistorySample[] | undefined, before?: IsoDate): HistorySample[] {
  if (!list) return [];
  let end = list.length;
  if (before !== undefined) {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.decidedOn < before) lo = mid + 1;
      else hi = mid;
    }
    end = lo;
  }
  return list.slice(Math.max(0, end - HISTORY_WINDOW), end);
}

/** Closed history: every reviewed (not recognised) decided item with a clock. */
export function historyOf(cases: readonly StageCase[], cal: WorkingCalendar): HistorySample[] {
  return allDecidedItems(cases, cal)
    .filter((d) => !d.recognised && d.item.startDate)
    .map((d) => ({
      department: d.item.department,
      itemCode: d.item.code,
      decidedOn: d.decidedOn,
      daysUsed: d.daysUsed,
    }));
}

function reasonZh(
  basis: ForecastBasis,
  departmentName: string,
  itemName: string,
  lp: LateProbability,
  limit: number,
  daysUsed: number,
): string {
  if (daysUsed > limit) return `已用 ${daysUsed} 个工作日，超过承诺时限 ${limit} 个工作日`;
  const over = `超过 ${limit} 个工作日`;
  if (basis === 'prior') {
    return `${itemName}已办结不足 ${MIN_HISTORY} 件，无可参照的历史，按默认超时率 ${Math.round(PRIOR_LATE_RATE * 100)}% 估计`;
  }
  const who = basis === 'department' ? `${departmentName}同类事项` : `${itemName}（全省各部门）`;
  return `${who}近 ${lp.historySize} 件中，用时达到 ${daysUsed} 个工作日的 ${lp.stillOpen} 件里有 ${lp.late} 件${over}`;
}

export interface ForecastRow {
  caseId: string;
  projectCode: string;
  projectName: string;
  stage: Stage;
  stageNameZh: string;
  itemCode: string;
  itemName: string;
  department: string;
  departmentName: string;
  lamp: Lamp;
  daysUsed: number;
  promisedDays: number;
  remainingDays: number;
  dueDate: IsoDate;
  clockStopped: boolean;
  probability: number;
  forecastLate: boolean;
  basis: ForecastBasis;
  historySize: number;
  stillOpen: number;
  lateInHistory: number;
  reasonZh: string;
}

/**
 * Every undecided item with a running or stopped clock of the cases under review on `today`, with its
 * forecast; forecast-late first, then the most likely late.
 */
export function forecastOpenItems(
  cases: readonly StageCase[],
  history: History,
  today: IsoDate,
  cal: WorkingCalendar,
  thresholds: LampThresholds,
  departmentNames: Readonly<Record<string, string>> = {},
): ForecastRow[] {
  const rows: ForecastRow[] = [];
  for (const c of cases) {
    if (c.status !== 'underReview') continue;
    for (const item of c.items) {
      if (item.decision || !item.startDate) continue;
      // the lamp, due date and clock as the case page shows them
      const progress = itemProgress(cal, item, today, thresholds);
      const d = progress.elapsedDays;
      const L = item.promisedDays;
      // only what was decided by `today`: a dispatch list of a past day must not know the future
      const { basis, samples } = history.basis(item.department, item.code, addCalendarDays(today, 1));
      const lp = lateProbability(
        samples.map((s) => s.daysUsed),
        L,
        d,
      );
      const departmentName = departmentNames[item.department] ?? item.department;
      rows.push({
        caseId: c.id,
        projectCode: c.projectCode,
        projectName: c.projectName,
        stage: c.stage,
        stageNameZh: STAGE_NAMES_ZH[c.stage],
        itemCode: item.code,
        itemName: item.name,
        department: item.department,
        departmentName,
        lamp: progress.lamp,
        daysUsed: d,
        promisedDays: L,
        remainingDays: L - d,
        dueDate: progress.dueDate ?? today,
        clockStopped: progress.clockStopped,
        probability: lp.probability,
        forecastLate: lp.probability >= FORECAST_LATE_THRESHOLD,
        basis,
        historySize: lp.historySize,
        stillOpen: lp.stillOpen,
        lateInHistory: lp.late,
        reasonZh: reasonZh(basis, departmentName, item.name, lp, L, d),
      });
    }
  }
  return rows.sort(
    (a, b) =>
      Number(b.forecastLate) - Number(a.forecastLate) ||
      b.probability - a.probability ||
      a.remainingDays - b.remainingDays ||
      a.caseId.localeCompare(b.caseId) ||
      a.itemCode.localeCompare(b.itemCode),
  );
}

// ------------------------------------------------------------------------------------------------
// 回测 back-test

export interface BacktestResult {
  /** closed items forecast (still open at their checkpoint) */
  count: number;
  truePositive: number;
  falsePositive: number;
  falseNegative: number;
  trueNegative: number;
  /** of the items forecast late, the share that were late */
  precision: number | null;
  /** of the late items, the share forecast late */
  recall: number | null;
  /** share of forecasts that came true */
  accuracy: number | null;
  /** actual late share of the items forecast */
  lateRate: number | null;
  threshold: number;
  /** at which point of its clock each item is forecast */
  checkpointZh: string;
}

/** The day an item is forecast in the back-test: half its promised limit after the clock started. */
export function backtestCheckpoint(cal: WorkingCalendar, startDate: IsoDate, promisedDays: number): IsoDate {
  return cal.addWorkingDays(startDate, Math.floor(promisedDays / 2)).date;
}

/**
 * Replays the forecast on every closed reviewed item that was still open at its checkpoint (half its
 * limit), using only history decided before that day and the clock as it stood then.
 */
export function backtest(cases: readonly StageCase[], cal: WorkingCalendar): BacktestResult {
  const history = new History(historyOf(cases, cal));
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (const d of allDecidedItems(cases, cal)) {
    const { item } = d;
    if (d.recognised || !item.startDate) continue;
    const asOf = backtestCheckpoint(cal, item.startDate, item.promisedDays);
    if (d.decidedOn <= asOf) continue;
    const used = elapsedWorkingDays(cal, item.startDate, item.clockStops, asOf);
    const { samples } = history.basis(item.department, item.code, asOf);
    const lp = lateProbability(
      samples.map((s) => s.daysUsed),
      item.promisedDays,
      used,
    );
    const predicted = lp.probability >= FORECAST_LATE_THRESHOLD;
    const actual = !d.onTime;
    if (predicted && actual) tp += 1;
    else if (predicted) fp += 1;
    else if (actual) fn += 1;
    else tn += 1;
  }
  const count = tp + fp + fn + tn;
  const r = (n: number, den: number) => (den === 0 ? null : Math.round((n / den) * 10_000) / 10_000);
  return {
    count,
    truePositive: tp,
    falsePositive: fp,
    falseNegative: fn,
    trueNegative: tn,
    precision: r(tp, tp + fp),
    recall: r(tp, tp + fn),
    accuracy: r(tp + tn, count),
    lateRate: r(tp + fn, count),
    threshold: FORECAST_LATE_THRESHOLD,
    checkpointZh: '每件已办结事项在其承诺时限过半之日（仅用该日之前办结的历史）作出预测',
  };
}

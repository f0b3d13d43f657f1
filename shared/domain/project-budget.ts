/**
 * 全流程审批时间 (the project budget): 国办发〔2019〕11号 compresses the whole approval flow — the four
 * stages from 立项用地规划许可 to 竣工验收 — to at most 120 working days, and simple projects to at most
 * 90. Each stage case spends part of that budget; each stage has its own promised limit from the
 * province configuration.
 *
 * A stage's clock runs on a working day when at least one of its items' clocks runs that day: items
 * are reviewed in parallel, so a day counts once however many items run on it, and a day on which
 * every running item is stopped (补正, 容缺 waits, special procedures — 行政许可法第四十五条) does not
 * count at all. Recognised items (互认) never run. Counting is half-open like time-limits.ts: the day
 * the clock starts does not count, the day a stop starts does, the day it ends does not.
 */
import type { WorkingCalendar } from './calendar.js';
import { addCalendarDays } from './calendar.js';
import { type LampThresholds, lampFor } from './lamps.js';
import type { CaseItem, FlowClass, IsoDate, Lamp, Stage, StageCase } from './model.js';
import { STAGES } from './model.js';

/** 国办发〔2019〕11号: the ceilings a province's flow budget may not exceed, working days. */
export const FLOW_BUDGET_CEILING: Readonly<Record<FlowClass, number>> = { standard: 120, simple: 90 };

export interface StageBudget {
  stage: Stage;
  caseId: string;
  status: StageCase['status'];
  /** the stage's promised limit from the province configuration, working days */
  promisedDays: number;
  /** the day the stage's clock started (acceptance); undefined before acceptance */
  startDate?: IsoDate;
  usedDays: number;
  /** negative when overdue */
  remainingDays: number;
  /** working days on which every running item's clock was stopped */
  stoppedDays: number;
  /** the stage's deadline, assuming no further stops; undefined before acceptance */
  deadline?: IsoDate;
  provisional: boolean;
  lamp: Lamp;
  /** the stage's clock no longer runs: every item decided, or the case ended */
  closed: boolean;
}

export interface ProjectBudget {
  projectId: string;
  flowClass: FlowClass;
  budgetDays: number;
  usedDays: number;
  /** never below zero; an overrun shows in overrunDays */
  leftDays: number;
  overrunDays: number;
  lamp: Lamp;
  stages: StageBudget[];
}

const ENDED: ReadonlySet<StageCase['status']> = new Set(['approved', 'rejected', 'refused', 'terminated']);

/** The last day an item's clock can run: its decision day, else the case's end, else today. */
function itemEnd(item: CaseItem, caseEnd: IsoDate, decidedOnOf: (at: string) => IsoDate): IsoDate {
  const end = item.decision ? decidedOnOf(item.decision.at) : caseEnd;
  return end < caseEnd ? end : caseEnd;
}

/** Whether the item's clock runs on `day` (a working day is checked by the caller). */
function runsOn(item: CaseItem, day: IsoDate, end: IsoDate): boolean {
  if (!item.startDate || item.decision?.recognition) return false;
  if (day <= item.startDate || day > end) return false;
  return !item.clockStops.some((s) => day > s.from && day <= (s.to ?? end));
}

/** The clock of one stage case on `today` against the stage's promised limit. */
export function stageBudget(
  cal: WorkingCalendar,
  c: StageCase,
  promisedDays: number,
  today: IsoDate,
  thresholds: LampThresholds,
  decidedOnOf: (at: string) => IsoDate,
): StageBudget {
  const base = { stage: c.stage, caseId: c.id, status: c.status, promisedDays };
  const starts = c.items.flatMap((i) => (i.startDate ? [i.startDate] : [])).sort();
  const start = starts[0];
  if (!start) {
    return {
      ...base,
      usedDays: 0,
      remainingDays: promisedDays,
      stoppedDays: 0,
      provisional: false,
      lamp: 'green',
      closed: ENDED.has(c.status),
    };
  }
  const ended = ENDED.has(c.status) || c.items.every((i) => i.decision);
  const caseEnd = ended && c.closedAt ? decidedOnOf(c.closedAt) : today;
  const asOf = caseEnd < today ? caseEnd : today;
  const ends = c.items.map((i) => itemEnd(i, asOf, decidedOnOf));
  let used = 0;
  let gross = 0;
  for (let day = addCalendarDays(start, 1); day <= asOf; day = addCalendarDays(day, 1)) {
    if (!cal.isWorkingDay(day)) continue;
    gross++;
    if (c.items.some((item, k) => runsOn(item, day, ends[k]!))) used++;
  }
  const stoppedDays = gross - used;
  const due = cal.addWorkingDays(start, promisedDays + stoppedDays);
  return {
    ...base,
    startDate: start,
    usedDays: used,
    remainingDays: promisedDays - used,
    stoppedDays,
    deadline: due.date,
    provisional: due.provisional,
    lamp: lampFor({ limitDays: promisedDays, elapsedDays: used, decided: ended }, thresholds),
    closed: ended,
  };
}

/**
 * The project's budget on `today`: the sum of its stage cases' used days. Every accepted case
 * counts, including rejected or terminated ones — the time was spent; cases never accepted count
 * zero. Over budget is always red with the overrun in working days, never silently capped.
 */
export function projectBudget(
  cal: WorkingCalendar,
  input: {
    projectId: string;
    flowClass: FlowClass;
    budgetDays: number;
    stagePromisedDays: Partial<Record<Stage, number>>;
    cases: readonly StageCase[];
  },
  today: IsoDate,
  thresholds: LampThresholds,
  decidedOnOf: (at: string) => IsoDate,
): ProjectBudget {
  const stages = [...input.cases]
    .sort(
      (a, b) =>
        STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage) || a.submittedAt.localeCompare(b.submittedAt),
    )
    .map((c) => stageBudget(cal, c, input.stagePromisedDays[c.stage] ?? 0, today, thresholds, decidedOnOf));
  const usedDays = stages.reduce((sum, s) => sum + s.usedDays, 0);
  // the flow is done once the last stage is approved; until then the budget is still being spent
  const done = stages.some((s) => s.stage === 'completionAcceptance' && s.status === 'approved');
  return {
    projectId: input.projectId,
    flowClass: input.flowClass,
    budgetDays: input.budgetDays,
    usedDays,
    leftDays: Math.max(0, input.budgetDays - usedDays),
    overrunDays: Math.max(0, usedDays - input.budgetDays),
    lamp: lampFor({ limitDays: input.budgetDays, elapsedDays: usedDays, decided: done }, thresholds),
    stages,
  };
}

export interface BudgetWatchRow extends Omit<ProjectBudget, 'stages' | 'lamp'> {
  projectName: string;
  lamp: 'yellow' | 'red';
}

/**
 * 周调度: the projects over (red) or near (yellow) their flow budget, red first, then the largest
 * overrun, then the fewest days left. Green projects are not listed.
 */
export function budgetWatchList(
  budgets: readonly (ProjectBudget & { projectName: string })[],
): BudgetWatchRow[] {
  return budgets
    .flatMap(({ stages: _stages, lamp, ...b }) => (lamp === 'green' ? [] : [{ ...b, lamp }]))
    .sort(
      (a, b) =>
        (b.lamp === 'red' ? 1 : 0) - (a.lamp === 'red' ? 1 : 0) ||
        b.overrunDays - a.overrunDays ||
        a.leftDays - b.leftDays ||
        a.projectId.localeCompare(b.projectId),
    );
}

/**
 * 工作台 (the supervisor's dashboard): one screen of what needs attention today, every figure taken
 * from the same rules as the pages it links to — the lamps (progress.ts), 周调度 (reports.ts),
 * 风险预警 (forecast.ts), 月通报 (reports.ts) and 一张图 (approval-map.ts) — so the dashboard never
 * disagrees with them. Pure: the service hands in every case and admitted project once.
 */

import { projectStanding } from './approval-map.js';
import type { WorkingCalendar } from './calendar.js';
import { FORECAST_LATE_THRESHOLD, forecastOpenItems, History, historyOf } from './forecast.js';
import type { LampThresholds } from './lamps.js';
import type { IsoDate, Lamp, Project, Stage, StageCase } from './model.js';
import { itemProgress } from './progress.js';
import { projectBudget } from './project-budget.js';
import { type DispatchRow, monthlyBulletin, weeklyDispatch } from './reports.js';

/** rows of 周调度 the dashboard shows; the full list is one click away */
export const DASHBOARD_DISPATCH_ROWS = 10;

export interface DepartmentLamps {
  department: string;
  departmentName: string;
  green: number;
  yellow: number;
  red: number;
  /** open items: the three lamps together */
  open: number;
  /** of those, with the clock stopped (补正, 容缺, 特别程序) */
  clockStopped: number;
}

export interface DashboardCounts {
  /** open items past their promised limit (red) */
  overdueItems: number;
  /** open items at risk (yellow) */
  atRiskItems: number;
  /** open items 风险预警 forecasts late */
  forecastLate: number;
  /** of those, still green: what the lamps do not show yet */
  forecastLateGreen: number;
  /** cases submitted and not accepted within the acceptance limit */
  acceptanceOverdue: number;
}

export interface DashboardBulletinRow {
  department: string;
  departmentName: string;
  /** items reviewed here and decided in the month (recognised ones excluded) */
  decidedItems: number;
  onTime: number;
  late: number;
  onTimeRate: number | null;
  /** recognised (互认) items decided in the month: no clock, counted apart */
  recognised: number;
}

export interface Dashboard {
  asOf: IsoDate;
  month: string;
  departments: DepartmentLamps[];
  counts: DashboardCounts;
  dispatch: { total: number; red: number; yellow: number; rows: DispatchRow[] };
  bulletin: {
    month: string;
    rows: DashboardBulletinRow[];
    total: Omit<DashboardBulletinRow, 'department' | 'departmentName'>;
  };
  /** admitted projects by their worst lamp, as 一张图 colours them */
  projects: Record<Lamp, number> & { total: number };
}

export interface DashboardInput {
  /** every case of the province (any status) */
  cases: readonly StageCase[];
  /** admitted projects */
  projects: readonly Project[];
  today: IsoDate;
  cal: WorkingCalendar;
  thresholds: LampThresholds;
  departments: readonly { code: string; name: string }[];
  items: readonly { code: string; name: string; department: string }[];
  windowUnit?: string;
  flowBudget: Record<NonNullable<Project['flowClass']>, number>;
  stagePromisedDays: Partial<Record<Stage, number>>;
  decidedOnOf: (at: string) => IsoDate;
}

export function dashboard(input: DashboardInput): Dashboard {
  const { cases, today, cal, thresholds } = input;
  const names = Object.fromEntries(input.departments.map((d) => [d.code, d.name]));

  // lamps of the open items, every configured department listed even when it holds nothing
  const byDept = new Map<string, DepartmentLamps>();
  const deptRow = (code: string): DepartmentLamps => {
    let row = byDept.get(code);
    if (!row) {
      row = {
        department: code,
        departmentName: names[code] ?? code,
        green: 0,
        yellow: 0,
        red: 0,
        open: 0,
        clockStopped: 0,
      };
      byDept.set(code, row);
    }
    return row;
  };
  for (const d of input.departments) deptRow(d.code);
  for (const c of cases) {
    if (c.status !== 'underReview') continue;
    for (const item of c.items) {
      // decided and recognised items are not open; an item not started has no clock
      if (item.decision || !item.startDate) continue;
      const p = itemProgress(cal, item, today, thresholds);
      const row = deptRow(item.department);
      row[p.lamp] += 1;
      row.open += 1;
      if (p.clockStopped) row.clockStopped += 1;
    }
  }
  const departments = [...byDept.values()];

  const dispatchRows = weeklyDispatch(cases, today, cal, thresholds, {
    departmentNames: names,
    ...(input.windowUnit ? { windowUnit: input.windowUnit } : {}),
  });
  const forecast = forecastOpenItems(
    cases,
    new History(historyOf(cases, cal)),
    today,
    cal,
    thresholds,
    names,
  );
  const late = forecast.filter((r) => r.probability >= FORECAST_LATE_THRESHOLD);

  const month = today.slice(0, 7);
  const bulletin = monthlyBulletin(cases, month, cal, input.departments, input.items);
  const bulletinRow = (r: {
    decidedItems: number;
    onTime: number;
    overdue: number;
    onTimeRate: number | null;
    recognised: number;
  }) => ({
    decidedItems: r.decidedItems,
    onTime: r.onTime,
    late: r.overdue,
    onTimeRate: r.onTimeRate,
    recognised: r.recognised,
  });
  const reported = new Map(bulletin.byDepartment.map((r) => [r.code, r]));
  // the bulletin's ranking order first, then the departments that decided nothing this month
  const bulletinRows: DashboardBulletinRow[] = [
    ...bulletin.byDepartment.map((r) => ({
      department: r.code,
      departmentName: r.nameZh,
      ...bulletinRow(r),
    })),
    ...input.departments
      .filter((d) => !reported.has(d.code))
      .map((d) => ({
        department: d.code,
        departmentName: d.name,
        decidedItems: 0,
        onTime: 0,
        late: 0,
        onTimeRate: null,
        recognised: 0,
      })),
  ];

  const projects = { green: 0, yellow: 0, red: 0, total: 0 };
  const casesOf = new Map<string, StageCase[]>();
  for (const c of cases) {
    const list = casesOf.get(c.projectId);
    if (list) list.push(c);
    else casesOf.set(c.projectId, [c]);
  }
  for (const p of input.projects) {
    const own = casesOf.get(p.id) ?? [];
    const flowClass = p.flowClass ?? 'standard';
    const budget = projectBudget(
      cal,
      {
        projectId: p.id,
        flowClass,
        budgetDays: input.flowBudget[flowClass],
        stagePromisedDays: input.stagePromisedDays,
        cases: own,
      },
      today,
      thresholds,
      input.decidedOnOf,
    );
    const standing = projectStanding(cal, own, budget.lamp, today, thresholds, input.decidedOnOf);
    projects[standing.lamp] += 1;
    projects.total += 1;
  }

  const items = dispatchRows.filter((r) => r.kind === 'item');
  return {
    asOf: today,
    month,
    departments,
    counts: {
      overdueItems: items.filter((r) => r.lamp === 'red').length,
      atRiskItems: items.filter((r) => r.lamp === 'yellow').length,
      forecastLate: late.length,
      forecastLateGreen: late.filter((r) => r.lamp === 'green').length,
      acceptanceOverdue: dispatchRows.length - items.length,
    },
    dispatch: {
      total: dispatchRows.length,
      red: dispatchRows.filter((r) => r.lamp === 'red').length,
      yellow: dispatchRows.filter((r) => r.lamp === 'yellow').length,
      rows: dispatchRows.slice(0, DASHBOARD_DISPATCH_ROWS),
    },
    bulletin: { month, rows: bulletinRows, total: bulletinRow(bulletin.total) },
    projects,
  };
}

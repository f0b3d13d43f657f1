import type { ChainBreak } from '../domain/audit-chain.js';
import { authorize } from '../domain/authz.js';
import { isIsoDate } from '../domain/calendar.js';
import { invalid } from '../domain/errors.js';
import type { ForecastRow } from '../domain/forecast.js';
import type { Complaint, Instant, IsoDate, Organisation, Project, StageCase } from '../domain/model.js';
import { type BudgetWatchRow, budgetWatchList } from '../domain/project-budget.js';
import {
  activeInYear,
  annualEvaluation,
  type DispatchRow,
  type Evaluation,
  type MonthlyBulletin,
  monthlyBulletin,
  weeklyDispatch,
} from '../domain/reports.js';
import type { IndexName, QueryOptions } from '../ports/store.js';
import { forecastLateGreen } from './analytics.js';
import { checkpointAnchors, verifyStream } from './audit.js';
import type { CalendarService } from './calendar.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';
import { computeProjectBudget } from './project-budget.js';
import { allIds, loadValues } from './store-reads.js';
import { nowIso, today } from './unit-of-work.js';

// the three reports as data; shared/render/report.ts turns them into CSV and HTML for people
export interface WeeklyDispatchReport {
  kind: 'weeklyDispatch';
  province: string;
  provinceName: string;
  asOf: string;
  generatedAt: Instant;
  red: number;
  yellow: number;
  rows: DispatchRow[];
  /** projects over or near their 全流程审批时间 (project-budget.ts) */
  projects?: BudgetWatchRow[];
  /** 风险预警: items still green that the forecast expects to run late (forecast.ts) */
  forecastLate?: ForecastRow[];
}

export interface MonthlyBulletinReport extends MonthlyBulletin {
  kind: 'monthlyBulletin';
  province: string;
  provinceName: string;
  generatedAt: Instant;
}

export interface AnnualEvaluationReport extends Evaluation {
  kind: 'annualEvaluation';
  province: string;
  provinceName: string;
  generatedAt: Instant;
}

export type Report = WeeklyDispatchReport | MonthlyBulletinReport | AnnualEvaluationReport;

/** audit streams verified at once */
const VERIFY_PARALLEL = 10;
/** months after the reported one whose closed cases may hold items decided in it */
const LATER_MONTHS = 12;

const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

function addMonths(month: string, n: number): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7)) - 1 + n;
  const year = y + Math.floor(m / 12);
  return `${String(year).padStart(4, '0')}-${String((m % 12) + 1).padStart(2, '0')}`;
}

/** Months from `first` to `last` inclusive (empty when last < first). */
function monthsBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let m = first; m <= last; m = addMonths(m, 1)) out.push(m);
  return out;
}

/**
 * 督办与通报: the weekly dispatch list, the monthly bulletin and the annual evaluation, computed from
 * the store through the report index lists that every case keeps up to date (case-indexes.ts).
 * Read-only for everyone; auditors may read it all.
 */
export class ReportService {
  constructor(
    private readonly deps: Deps,
    private readonly calendar: CalendarService,
  ) {}

  /** 周调度: overdue and at-risk items, and overdue acceptances, as of `asOf` (default today). */
  async weeklyDispatch(ctx: Ctx, asOf?: IsoDate): Promise<WeeklyDispatchReport> {
    authorize(ctx.actor, 'report.read');
    if (asOf !== undefined && !isIsoDate(asOf)) {
      throw invalid('DATE_INVALID', '日期格式无效，应为 YYYY-MM-DD', { asOf });
    }
    const day = asOf ?? today(this.deps);
    const { province } = this.deps;
    const ids = new Set<string>();
    // the lamps the sweeper announced…
    for (const lamp of ['red', 'yellow']) {
      for (const id of await this.ids('status', `stageCase:lamp:${lamp}`)) ids.add(id);
    }
    // …and what is past due even if the sweeper has not been round yet
    for (const id of await this.ids('acceptance', province.code, { to: day })) ids.add(id);
    for (const d of province.departments) {
      for (const id of await this.ids('inbox', d.code, { to: day })) ids.add(id);
    }
    const cases = await this.cases([...ids]);
    const rows = weeklyDispatch(cases, day, await this.calendar.current(), province.lamps, {
      departmentNames: Object.fromEntries(province.departments.map((d) => [d.code, d.name])),
      windowUnit: province.windowUnit,
    });
    return {
      kind: 'weeklyDispatch',
      province: province.code,
      provinceName: province.name,
      asOf: day,
      generatedAt: nowIso(this.deps),
      red: rows.filter((r) => r.lamp === 'red').length,
      yellow: rows.filter((r) => r.lamp === 'yellow').length,
      rows,
      projects: await this.budgetWatch(day),
      forecastLate: await forecastLateGreen(this.deps, this.calendar, day),
    };
  }

  /**
   * 全流程审批时间 of the projects still in the flow (a case under review or waiting for
   * acceptance): those over or near their budget. Projects between stages spend no budget.
   */
  private async budgetWatch(day: IsoDate): Promise<BudgetWatchRow[]> {
    const ids = new Set<string>();
    for (const key of ['stageCase:underReview', 'stageCase:submitted']) {
      for (const id of await this.ids('status', key)) ids.add(id);
    }
    const projectIds = [...new Set((await this.cases([...ids])).map((c) => c.projectId))];
    const projects = await this.deps.store.getMany<Project>('project', projectIds);
    const budgets = await Promise.all(
      projects.map(async ({ value: p }) => ({
        ...(await computeProjectBudget(this.deps, this.calendar, p, day)),
        projectName: p.name,
      })),
    );
    return budgetWatchList(budgets);
  }

  /** 月通报 of the items decided in `month` (YYYY-MM). */
  async monthlyBulletin(ctx: Ctx, month: string): Promise<MonthlyBulletinReport> {
    authorize(ctx.actor, 'report.read');
    if (!MONTH_RE.test(month)) {
      throw invalid('MONTH_INVALID', '月份格式无效，应为 YYYY-MM', { month });
    }
    const current = today(this.deps).slice(0, 7);
    const last = [addMonths(month, LATER_MONTHS), current].sort()[0]!;
    // items decided in the month belong to cases closed then or later, or still under review
    const keys = [
      ...monthsBetween(month, last).map((m) => `stageCase:closedIn:${m}`),
      'stageCase:underReview',
    ];
    const cases = await this.cases(await this.idsOfKeys(keys));
    const { province } = this.deps;
    return {
      kind: 'monthlyBulletin',
      province: province.code,
      provinceName: province.name,
      generatedAt: nowIso(this.deps),
      ...monthlyBulletin(cases, month, await this.calendar.current(), province.departments, province.items),
    };
  }

  /** 年度评估 for third-party auditors. */
  async annualEvaluation(ctx: Ctx, year: number): Promise<AnnualEvaluationReport> {
    authorize(ctx.actor, 'report.read');
    if (!Number.isInteger(year) || year < 2000 || year > 2100) {
      throw invalid('YEAR_INVALID', '年度应为 2000–2100 之间的整数', { year });
    }
    const current = today(this.deps).slice(0, 7);
    const first = `${year}-01`;
    const last = [addMonths(first, 12 + LATER_MONTHS - 1), current].sort()[0]!;
    const keys = [
      ...monthsBetween(first, last).map((m) => `stageCase:closedIn:${m}`),
      'stageCase:submitted',
      'stageCase:correctionRequested',
      'stageCase:underReview',
    ];
    const active = (await this.cases(await this.idsOfKeys(keys))).filter((c) => activeInYear(c, year));
    // cases closed earlier whose approvals were revoked in the year count for the reversal flag
    const revokedKeys = monthsBetween(first, `${year}-12`).map((m) => `stageCase:revokedIn:${m}`);
    const revoked = await this.cases(await this.idsOfKeys(revokedKeys));
    const seen = new Set(active.map((c) => c.id));
    const cases = [...active, ...revoked.filter((c) => !seen.has(c.id))];

    // every complaint (none when nobody has filed one); the evaluation keeps those filed in the year
    const complaints = await loadValues<Complaint>(
      this.deps.store,
      'complaint',
      await this.ids('status', 'complaint:all'),
    );

    const orgIds = new Set([
      ...(await this.ids('status', 'organisation:marked')),
      ...cases.map((c) => c.applicant.creditCode),
    ]);
    const orgs = await loadValues<Organisation>(this.deps.store, 'organisation', [...orgIds]);
    const creditMarksByOrg = Object.fromEntries(
      orgs.map((o) => [o.creditCode, { name: o.name, marks: o.creditMarks }]),
    );

    const auditVerifications: {
      caseId: string;
      valid: boolean;
      firstBrokenSeq?: number;
      reason?: ChainBreak;
    }[] = [];
    // Against the stored heads and the signed checkpoints too: a consistent rewrite verifies link by
    // link, so the links alone must not certify the trail.
    const anchors = await checkpointAnchors(this.deps);
    for (let i = 0; i < cases.length; i += VERIFY_PARALLEL) {
      const batch = cases.slice(i, i + VERIFY_PARALLEL);
      const results = await Promise.all(
        batch.map(async (c) => {
          const v = await verifyStream(this.deps, `stageCase/${c.id}`, anchors);
          return {
            caseId: c.id,
            valid: v.valid,
            ...(v.firstBrokenSeq !== undefined ? { firstBrokenSeq: v.firstBrokenSeq } : {}),
            ...(v.reason !== undefined ? { reason: v.reason } : {}),
          };
        }),
      );
      auditVerifications.push(...results);
    }

    const { province } = this.deps;
    return {
      kind: 'annualEvaluation',
      province: province.code,
      provinceName: province.name,
      generatedAt: nowIso(this.deps),
      ...annualEvaluation({
        year,
        cases,
        complaints,
        creditMarksByOrg,
        auditVerifications,
        cal: await this.calendar.current(),
      }),
    };
  }

  /** Every id under an index key, following the cursors. */
  private ids(index: IndexName, key: string, options: QueryOptions = {}): Promise<string[]> {
    return allIds(this.deps.store, index, key, options);
  }

  private async idsOfKeys(keys: string[]): Promise<string[]> {
    const ids = new Set<string>();
    for (const key of keys) for (const id of await this.ids('status', key)) ids.add(id);
    return [...ids];
  }

  private async cases(ids: string[]): Promise<StageCase[]> {
    return loadValues<StageCase>(this.deps.store, 'stageCase', ids);
  }
}

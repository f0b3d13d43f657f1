import { authorize } from '../domain/authz.js';
import { shanghaiDate } from '../domain/calendar.js';
import { type Dashboard, dashboard } from '../domain/dashboard.js';
import type { CaseStatus, Instant, Project, Stage, StageCase } from '../domain/model.js';
import type { CalendarService } from './calendar.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';
import { allIds, loadValues } from './store-reads.js';
import { nowIso, today } from './unit-of-work.js';

/**
 * Every case status: the dashboard needs open cases (lamps, acceptance, dispatch), the closed ones
 * (the forecast's history, this month's bulletin, the projects' budget lamps), so it reads each
 * status list once rather than the overlapping sets the separate reports read.
 */
const CASE_STATUSES = {
  submitted: true,
  correctionRequested: true,
  underReview: true,
  approved: true,
  rejected: true,
  refused: true,
  terminated: true,
} satisfies Record<CaseStatus, true>;

export interface DashboardReport extends Dashboard {
  kind: 'dashboard';
  province: string;
  provinceName: string;
  generatedAt: Instant;
}

/** 工作台: one pass over the report index lists, getMany in batches, every figure in memory. */
export class DashboardService {
  constructor(
    private readonly deps: Deps,
    private readonly calendar: CalendarService,
  ) {}

  async dashboard(ctx: Ctx): Promise<DashboardReport> {
    authorize(ctx.actor, 'report.read');
    const { province } = this.deps;
    const day = today(this.deps);
    const caseIds: string[] = [];
    for (const status of Object.keys(CASE_STATUSES)) {
      caseIds.push(...(await allIds(this.deps.store, 'status', `stageCase:${status}`)));
    }
    const [cases, projects] = await Promise.all([
      loadValues<StageCase>(this.deps.store, 'stageCase', caseIds),
      allIds(this.deps.store, 'status', 'project:admitted').then((ids) =>
        loadValues<Project>(this.deps.store, 'project', ids),
      ),
    ]);
    return {
      kind: 'dashboard',
      province: province.code,
      provinceName: province.name,
      generatedAt: nowIso(this.deps),
      ...dashboard({
        cases,
        // the admitted list may still hold a project whose exit was just recorded
        projects: projects.filter((p) => p.admission.status === 'admitted'),
        today: day,
        cal: await this.calendar.current(),
        thresholds: province.lamps,
        departments: province.departments,
        items: province.items,
        windowUnit: province.windowUnit,
        flowBudget: province.flowBudget,
        stagePromisedDays: Object.fromEntries(
          province.stages.map((s) => [s.stage, s.promisedDays]),
        ) as Partial<Record<Stage, number>>,
        decidedOnOf: shanghaiDate,
      }),
    };
  }
}

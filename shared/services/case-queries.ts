import { agencyOfEvent } from '../domain/agency.js';
import { authorize } from '../domain/authz.js';
import { shanghaiDate } from '../domain/calendar.js';
import { deliveryRulesOf } from '../domain/delivery.js';
import { DomainError } from '../domain/errors.js';
import { eventLabelZh } from '../domain/events.js';
import type { StageCase, Versioned } from '../domain/model.js';
import { type CaseProgress, caseProgress } from '../domain/progress.js';
import type { Page } from '../ports/store.js';
import type { CalendarService } from './calendar.js';
import { scopeOf } from './case-writer.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';
import { budgetOfCaseProject } from './project-budget.js';
import { pageOpts } from './projects.js';
import { load, today } from './unit-of-work.js';

/** Reading cases: one case, its progress, and the lists and queues that point at cases. */
export class CaseQueries {
  constructor(
    private readonly deps: Deps,
    private readonly calendar: CalendarService,
  ) {}

  async get(ctx: Ctx, caseId: string): Promise<Versioned<StageCase>> {
    const found = await load<StageCase>(this.deps, 'stageCase', caseId, '办件');
    authorize(ctx.actor, 'case.read', scopeOf(found.value));
    return found;
  }

  /** 进度: per-item deadlines and lamps as of today, and the timeline from the audit trail. */
  async progress(ctx: Ctx, caseId: string) {
    const { value: c, version } = await this.get(ctx, caseId);
    const cal = await this.calendar.current();
    const progress: CaseProgress = caseProgress(
      cal,
      c,
      today(this.deps),
      this.deps.province.lamps,
      shanghaiDate,
      deliveryRulesOf(this.deps.province),
    );
    const trail = await this.deps.store.audit(`stageCase/${caseId}`);
    const budget = await budgetOfCaseProject(this.deps, this.calendar, c);
    const stageClock = budget?.stages.find((s) => s.caseId === c.id);
    if (budget) {
      const { stages: _stages, ...project } = budget;
      progress.projectBudget = project;
    }
    if (stageClock) progress.stageClock = stageClock;
    return {
      case: c,
      version,
      progress,
      timeline: trail.map((e) => ({
        seq: e.seq,
        type: e.type,
        labelZh: eventLabelZh(e.type),
        at: e.at,
        actor: e.actor,
        // 专窗代办: the timeline names who acted and for whom
        ...agencyOfEvent(e.data),
      })),
    };
  }

  /** Applicants see their organisation's cases; window, supervisors, auditors and the leader list by status. */
  async list(
    ctx: Ctx,
    options: { status?: StageCase['status']; cursor?: string; limit?: number },
  ): Promise<Page<Versioned<StageCase>>> {
    const { actor } = ctx;
    if (actor.role === 'applicant') {
      const page = await this.deps.store.query('applicant', `stageCase:${actor.creditCode ?? ''}`, {
        descending: true,
        ...pageOpts(options),
      });
      return this.hydrate(page);
    }
    if (!['windowOfficer', 'supervisor', 'auditor', 'admin', 'leader'].includes(actor.role)) {
      throw new DomainError('forbidden', 'FORBIDDEN', '审查人员请通过部门待办查看办件');
    }
    const page = await this.deps.store.query('status', `stageCase:${options.status ?? 'underReview'}`, {
      descending: true,
      ...pageOpts(options),
    });
    return this.hydrate(page);
  }

  /** 待受理: cases waiting at the window, earliest acceptance deadline first. */
  async acceptanceQueue(ctx: Ctx, options: { cursor?: string; limit?: number }) {
    authorize(ctx.actor, 'acceptanceQueue.read');
    const page = await this.deps.store.query('acceptance', this.deps.province.code, pageOpts(options));
    return this.hydrate(page);
  }

  /** 部门待办: the reviewer's department's undecided items, earliest due first. */
  async inbox(ctx: Ctx, options: { cursor?: string; limit?: number }) {
    authorize(ctx.actor, 'inbox.read');
    const department = ctx.actor.department ?? '';
    const page = await this.deps.store.query('inbox', department, pageOpts(options));
    const cases = await this.deps.store.getMany<StageCase>('stageCase', [
      ...new Set(page.items.map((h) => h.id)),
    ]);
    const byId = new Map(cases.map((c) => [c.value.id, c]));
    const cal = await this.calendar.current();
    const t = today(this.deps);
    const items = page.items.flatMap((h) => {
      const itemCode = h.sort.split('#')[2];
      const found = byId.get(h.id);
      const item = found?.value.items.find((i) => i.code === itemCode);
      if (!found || !item) return [];
      const progress = caseProgress(
        cal,
        { ...found.value, items: [item] },
        t,
        this.deps.province.lamps,
        shanghaiDate,
      );
      return [
        {
          caseId: found.value.id,
          caseVersion: found.version,
          projectCode: found.value.projectCode,
          projectName: found.value.projectName,
          stage: found.value.stage,
          priority: found.value.priority,
          item: progress.items[0]!,
          // 拒绝须上一级签发: the lead finds the refusals waiting for a signature in the inbox
          ...(item.proposedRefusal ? { proposedRefusal: item.proposedRefusal } : {}),
        },
      ];
    });
    return { items, ...(page.cursor ? { cursor: page.cursor } : {}) };
  }

  private async hydrate(page: Page<{ id: string }>) {
    const ids = page.items.map((h) => h.id);
    const items = await this.deps.store.getMany<StageCase>('stageCase', ids);
    return { items, ...(page.cursor ? { cursor: page.cursor } : {}) };
  }
}

import { authorize } from '../domain/authz.js';
import { shanghaiDate } from '../domain/calendar.js';
import { conflict, DomainError, invalid } from '../domain/errors.js';
import { decideExit, type ExitDecision, lateInYear, recordAnnualReview } from '../domain/exit-review.js';
import type { Project, StageCase, Versioned } from '../domain/model.js';
import type { AuditEventDraft } from '../ports/store.js';
import { CalendarService } from './calendar.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';
import { projectIndexes } from './projects.js';
import { commit, load, nowIso, today } from './unit-of-work.js';

const PAGE = 50;
const MAX_RETRIES = 5;

export interface YearlyRunResult {
  year: number;
  /** projects whose review for the year was recorded by this run */
  reviewed: string[];
  /** of those, the ones found late */
  late: string[];
  /** of those, the ones for which exit was proposed */
  proposed: string[];
  /** admitted projects already reviewed for the year, or admitted only after it */
  skipped: string[];
}

/** 年度准入复核 and the supervisor's exit / 容错纠错 decisions. */
export class ExitReviewService {
  constructor(
    private readonly deps: Deps,
    private readonly calendar: CalendarService = new CalendarService(deps),
  ) {}

  /**
   * Reviews every admitted project for an ended year: records the year's lateness on the project
   * and proposes exit after two late years in a row. Running it again for the same year records
   * nothing new.
   */
  async runYearly(ctx: Ctx, year: number): Promise<YearlyRunResult> {
    authorize(ctx.actor, 'exitReview.run');
    if (!Number.isInteger(year) || year < 2000 || year > 2100) {
      throw invalid('YEAR_INVALID', '年度应为 2000–2100 之间的整数', { year });
    }
    if (year >= Number(today(this.deps).slice(0, 4))) {
      throw invalid('YEAR_NOT_ENDED', '该年度尚未结束，不能进行年度复核', { year });
    }
    const result: YearlyRunResult = { year, reviewed: [], late: [], proposed: [], skipped: [] };
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.deps.store.query('status', 'project:admitted', {
        limit: PAGE,
        ...(cursor ? { cursor } : {}),
      });
      ids.push(...page.items.map((h) => h.id));
      cursor = page.cursor;
    } while (cursor);
    // The run writes nothing that the request's idempotency record should carry: it is idempotent per year.
    const runCtx: Ctx = { actor: ctx.actor };
    for (const id of ids) {
      const outcome = await this.reviewOne(runCtx, id, year);
      if (outcome === 'skipped') {
        result.skipped.push(id);
        continue;
      }
      result.reviewed.push(id);
      if (outcome.late) result.late.push(id);
      if (outcome.proposed) result.proposed.push(id);
    }
    return result;
  }

  private async reviewOne(
    ctx: Ctx,
    id: string,
    year: number,
  ): Promise<'skipped' | { late: boolean; proposed: boolean }> {
    const cal = await this.calendar.current();
    for (let attempt = 0; ; attempt++) {
      const found = await this.deps.store.get<Project>('project', id);
      if (found?.value.admission.status !== 'admitted') return 'skipped';
      const { value: p, version } = found;
      const admittedYear = Number(shanghaiDate(p.admission.decidedAt ?? p.createdAt).slice(0, 4));
      if (p.annualReviews?.some((r) => r.year === year) || admittedYear > year) return 'skipped';
      const cases = await this.casesOf(id);
      const at = nowIso(this.deps);
      const { next, review, proposal } = recordAnnualReview(p, year, lateInYear(p, cases, year, cal), at);
      if (!review) return 'skipped';
      const events: AuditEventDraft[] = [
        {
          type: 'AnnualReviewRecorded',
          actor: ctx.actor.id,
          at,
          data: { year, late: review.late, reasonsZh: review.reasonsZh },
        },
      ];
      if (proposal) {
        events.push({
          type: 'ExitProposed',
          actor: ctx.actor.id,
          at,
          data: { year, reasonsZh: proposal.reasonsZh },
        });
      }
      try {
        await commit(this.deps, ctx, [
          {
            kind: 'project',
            id,
            expectedVersion: version,
            value: next,
            indexes: projectIndexes(next),
            events,
          },
        ]);
        return { late: review.late, proposed: !!proposal };
      } catch (err) {
        const retry = err instanceof DomainError && err.code === 'VERSION_CONFLICT' && attempt < MAX_RETRIES;
        if (!retry) throw err;
      }
    }
  }

  private async casesOf(projectId: string): Promise<StageCase[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.deps.store.query('projectCases', projectId, {
        limit: PAGE,
        ...(cursor ? { cursor } : {}),
      });
      ids.push(...page.items.map((h) => h.id));
      cursor = page.cursor;
    } while (cursor);
    return (await this.deps.store.getMany<StageCase>('stageCase', ids)).map((c) => c.value);
  }

  /**
   * The supervisor decides a pending exit proposal: exit (status 'exited', priority removed) or
   * 容错纠错 (the proposal's year is recorded as excusable, with evidence, and never counts again).
   */
  async decide(
    ctx: Ctx,
    projectId: string,
    expectedVersion: number,
    input: ExitDecision,
  ): Promise<Versioned<Project>> {
    authorize(ctx.actor, 'exitReview.decide');
    if (input.decision !== 'exit' && input.decision !== 'excuse') {
      throw invalid('DECISION_INVALID', '决定只能是退出（exit）或容错（excuse）');
    }
    const { value: p, version } = await load<Project>(this.deps, 'project', projectId, '项目');
    if (expectedVersion !== version) {
      throw conflict('VERSION_CONFLICT', '数据已被他人修改，请刷新后重试', {
        expected: expectedVersion,
        actual: version,
      });
    }
    const at = nowIso(this.deps);
    const { next, proposal } = decideExit(p, input, ctx.actor.id, at);
    const reasonZh = input.reasonZh.trim();
    const event: AuditEventDraft =
      input.decision === 'exit'
        ? {
            type: 'ProjectExited',
            actor: ctx.actor.id,
            at,
            data: {
              year: proposal.year,
              ...(proposal.ground ? { ground: proposal.ground } : {}),
              reasonZh,
              proposalReasonsZh: proposal.reasonsZh,
              ...(p.admission.priority !== undefined ? { priorityRemoved: p.admission.priority } : {}),
            },
          }
        : proposal.ground === 'abuse'
          ? {
              type: 'AbuseExitDismissed',
              actor: ctx.actor.id,
              at,
              data: { reasonZh, proposalReasonsZh: proposal.reasonsZh },
            }
          : {
              type: 'DelayExcused',
              actor: ctx.actor.id,
              at,
              data: {
                year: proposal.year,
                reasonZh,
                evidence:
                  next.annualReviews?.find((r) => r.year === proposal.year)?.excusable?.evidence ?? [],
              },
            };
    const body = { ...next, version: version + 1 };
    await commit(
      this.deps,
      ctx,
      [
        {
          kind: 'project',
          id: projectId,
          expectedVersion: version,
          value: next,
          indexes: projectIndexes(next),
          events: [event],
        },
      ],
      { status: 200, body },
    );
    return { value: next, version: version + 1 };
  }
}

import { authorize } from '../domain/authz.js';
import { shanghaiDate } from '../domain/calendar.js';
import { deficiencyDeadline } from '../domain/deficiency.js';
import type { StageCase } from '../domain/model.js';
import { giveFeedback, recountAcceptanceDeadlines, terminate } from '../domain/stage-case.js';
import type { CalendarService } from './calendar.js';
import type { CaseWriter } from './case-writer.js';
import { type Ctx, SYSTEM_ACTOR } from './context.js';
import { creditMarkChanges } from './credit-marks.js';
import type { Deps } from './deps.js';
import { nowIso } from './unit-of-work.js';
import type { WorkflowCallbacks } from './workflow-callbacks.js';

/** After and around the review: 评价, 终止, and deadlines recounted when the calendar changes. */
export class CaseLifecycle {
  constructor(
    private readonly deps: Deps,
    private readonly calendar: CalendarService,
    private readonly writer: CaseWriter,
    private readonly callbacks: WorkflowCallbacks,
  ) {}

  /** 评价: satisfaction 1–5 after the stage closed. */
  async feedback(ctx: Ctx, caseId: string, input: { satisfaction: 1 | 2 | 3 | 4 | 5; comment?: string }) {
    return (
      await this.writer.mutate(ctx, caseId, undefined, async (c) => {
        authorize(ctx.actor, 'case.feedback', { ownerCreditCode: c.applicant.creditCode });
        const next = giveFeedback(c, { ...input, by: ctx.actor.id, now: nowIso(this.deps) });
        return { next, events: [{ type: 'FeedbackGiven', data: { satisfaction: input.satisfaction } }] };
      })
    ).saved;
  }

  /**
   * 终止: a supervisor's decision or an overdue 容缺 commitment. With `creditMark` the applicant's
   * organisation gets a credit mark in the same commit.
   */
  async terminate(ctx: Ctx, caseId: string, reason: string, creditMark: boolean) {
    if (ctx.actor !== SYSTEM_ACTOR) authorize(ctx.actor, 'case.terminate');
    const result = await this.writer.mutate(
      ctx,
      caseId,
      undefined,
      async (c) => {
        const now = nowIso(this.deps);
        const next = terminate(c, reason, now);
        return { next, events: [{ type: 'CaseTerminated', data: { reason, creditMark } }] };
      },
      async (c) =>
        creditMark ? creditMarkChanges(this.deps, c, reason, ctx.actor.id, nowIso(this.deps)) : [],
    );
    await this.callbacks.failAll(caseId, 'CaseTerminated', reason);
    return result.saved;
  }

  /** Recomputes stored deadlines that were provisional, after a new year's arrangement arrived. */
  async recomputeProvisional(): Promise<number> {
    const cal = await this.calendar.current();
    let changed = 0;
    let cursor: string | undefined;
    do {
      const page = await this.deps.store.query('status', 'stageCase:provisional', {
        limit: 50,
        ...(cursor ? { cursor } : {}),
      });
      for (const hit of page.items) {
        await this.writer.mutate({ actor: SYSTEM_ACTOR }, hit.id, undefined, async (c) => {
          const next: StageCase = {
            ...recountAcceptanceDeadlines(c, cal, this.deps.province),
            deficiencies: c.deficiencies.map((d) => {
              if (d.status !== 'open' || !c.acceptance) return d;
              const item = c.items.find((i) => i.code === d.itemCode);
              const due = deficiencyDeadline(
                cal,
                shanghaiDate(c.acceptance.at),
                d.grantedDays,
                item?.promisedDays ?? d.grantedDays,
              );
              return { ...d, deadline: due.date, provisional: due.provisional };
            }),
          };
          return {
            next,
            events: [{ type: 'DeadlinesRecomputed', data: { calendarYears: cal.coveredYears().slice(-1) } }],
          };
        });
        changed += 1;
      }
      cursor = page.cursor;
    } while (cursor);
    return changed;
  }
}

import { authorize } from '../domain/authz.js';
import { conflict, invalid } from '../domain/errors.js';
import type { MaterialRef, PreReviewFinding, Project, Stage, StageCase, Versioned } from '../domain/model.js';
import { createStageCase, preReview, resubmit, selectItems, supplement } from '../domain/stage-case.js';
import type { AuditEventDraft } from '../ports/store.js';
import type { CalendarService } from './calendar.js';
import type { CaseWriter } from './case-writer.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';
import { commit, load, nowIso, today } from './unit-of-work.js';
import { taskKeys, type WorkflowCallbacks } from './workflow-callbacks.js';

export interface MaterialInput {
  code: string;
  sha256?: string;
  fileName?: string;
}

export interface SubmitInput {
  projectId: string;
  stage: Stage;
  itemCodes?: string[];
  materials: MaterialInput[];
}

/** The applicant's side: 预审, 申请, and the materials that follow (补正后重新提交, 补交材料). */
export class CaseSubmission {
  constructor(
    private readonly deps: Deps,
    private readonly calendar: CalendarService,
    private readonly writer: CaseWriter,
    private readonly callbacks: WorkflowCallbacks,
  ) {}

  private materials(input: MaterialInput[]): MaterialRef[] {
    const at = nowIso(this.deps);
    return input.map((m) => ({
      code: m.code,
      ...(m.sha256 ? { sha256: m.sha256 } : {}),
      ...(m.fileName ? { fileName: m.fileName } : {}),
      submittedAt: at,
    }));
  }

  /** 智能预审 without storing anything. */
  async preReview(ctx: Ctx, input: SubmitInput): Promise<{ findings: PreReviewFinding[]; items: string[] }> {
    const { value: project } = await load<Project>(this.deps, 'project', input.projectId, '项目');
    authorize(ctx.actor, 'case.submit', { ownerCreditCode: project.owner.creditCode });
    const items = selectItems(this.deps.province, input.stage, input.itemCodes);
    return {
      findings: preReview(this.deps.province, items, input.materials),
      items: items.map((i) => i.code),
    };
  }

  /** 申请: stores the case and starts its workflow. Blocking findings refuse the submission. */
  async submit(ctx: Ctx, input: SubmitInput): Promise<Versioned<StageCase>> {
    const { value: project } = await load<Project>(this.deps, 'project', input.projectId, '项目');
    authorize(ctx.actor, 'case.submit', { ownerCreditCode: project.owner.creditCode });
    const items = selectItems(this.deps.province, input.stage, input.itemCodes);
    const findings = preReview(this.deps.province, items, input.materials);
    const errors = findings.filter((f) => f.severity === 'error');
    if (errors.length > 0) {
      throw invalid('PRE_REVIEW_FAILED', '智能预审未通过：缺少必备材料', { findings: errors });
    }
    await this.assertNoOpenCase(project.id, input.stage);
    const cal = await this.calendar.current();
    const c = createStageCase({
      id: this.deps.ids.next('C'),
      province: this.deps.province,
      project,
      stage: input.stage,
      items,
      materials: this.materials(input.materials),
      findings,
      submittedBy: ctx.actor.id,
      now: nowIso(this.deps),
      today: today(this.deps),
      cal,
    });
    const event: AuditEventDraft = {
      type: 'CaseSubmitted',
      actor: ctx.actor.id,
      at: c.submittedAt,
      data: {
        projectCode: c.projectCode,
        stage: c.stage,
        items: c.items.map((i) => i.code),
        warnings: findings.length,
      },
    };
    await commit(this.deps, ctx, [await this.writer.change(c, 0, [event])], {
      status: 201,
      body: { ...c, version: 1 },
    });
    await this.deps.workflow.start({
      caseId: c.id,
      round: 1,
      ...(ctx.correlationId ? { correlationId: ctx.correlationId } : {}),
    });
    return { value: c, version: 1 };
  }

  async assertNoOpenCase(projectId: string, stage: Stage) {
    const hits = await this.deps.store.query('projectCases', projectId, {
      from: `${stage}#`,
      to: `${stage}#\uffff`,
    });
    const cases = await this.deps.store.getMany<StageCase>(
      'stageCase',
      hits.items.map((h) => h.id),
    );
    if (cases.some((c) => !['refused', 'terminated', 'rejected'].includes(c.value.status))) {
      throw conflict('STAGE_CASE_EXISTS', '该项目此阶段已有办理中或已批准的申请');
    }
  }

  /** 补正后重新提交 */
  async resubmit(ctx: Ctx, caseId: string, expectedVersion: number, materials: MaterialInput[]) {
    const cal = await this.calendar.current();
    const result = await this.writer.mutate(ctx, caseId, expectedVersion, async (c) => {
      authorize(ctx.actor, 'case.resubmit', { ownerCreditCode: c.applicant.creditCode });
      const items = c.items.map((i) => ({ code: i.code }));
      const known = selectItems(
        this.deps.province,
        c.stage,
        items.map((i) => i.code),
      );
      preReview(this.deps.province, known, materials);
      const next = resubmit(c, this.materials(materials), {
        now: nowIso(this.deps),
        today: today(this.deps),
        cal,
        province: this.deps.province,
      });
      return {
        next,
        events: [
          { type: 'CaseResubmitted', data: { round: next.round, materials: materials.map((m) => m.code) } },
        ],
      };
    });
    await this.callbacks.complete(taskKeys.resubmission(caseId, result.before.round), {
      round: result.saved.value.round,
    });
    return result.saved;
  }

  /** 补交材料 for 容缺 commitments and item corrections. */
  async supplement(ctx: Ctx, caseId: string, materials: MaterialInput[]) {
    return (
      await this.writer.mutate(ctx, caseId, undefined, async (c) => {
        authorize(ctx.actor, 'case.supplement', { ownerCreditCode: c.applicant.creditCode });
        const { next, settled } = supplement(c, this.materials(materials), {
          now: nowIso(this.deps),
          today: today(this.deps),
        });
        return {
          next,
          events: [
            { type: 'MaterialsSupplemented', data: { materials: materials.map((m) => m.code), settled } },
          ],
        };
      })
    ).saved;
  }
}

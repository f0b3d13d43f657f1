import {
  AGENCY_AUTHORISATION_MATERIAL,
  agencyEventData,
  agencyNotices,
  agentFilingFindings,
  agentFor,
  checkEnterprise,
  confirmAgency,
  declineAgency,
} from '../domain/agency.js';
import { authorize } from '../domain/authz.js';
import { invalid } from '../domain/errors.js';
import type { CaseAgency, Project, StageCase, Versioned } from '../domain/model.js';
import { orgAddress } from '../domain/notifications.js';
import { createStageCase, deemedOnFrom, preReview, selectItems } from '../domain/stage-case.js';
import type { AuditEventDraft } from '../ports/store.js';
import type { CalendarService } from './calendar.js';
import type { CaseService, SubmitInput } from './cases.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';
import { newNotification, notificationChange } from './notifications.js';
import type { ProjectService, RegisterProjectInput } from './projects.js';
import { commit, load, nowIso, today } from './unit-of-work.js';
import { WorkflowCallbacks } from './workflow-callbacks.js';

export interface AgencyProjectInput extends Omit<RegisterProjectInput, 'ownerName'> {
  owner: { creditCode: string; name: string };
}

/**
 * 专窗代办: the green-channel desk registers projects and files stage cases for enterprises; the
 * enterprise stays the applicant and confirms (确认) or declines what was filed in its name.
 */
export class AgencyService {
  private readonly callbacks: WorkflowCallbacks;

  constructor(
    private readonly deps: Deps,
    private readonly projects: ProjectService,
    private readonly cases: CaseService,
    private readonly calendar: CalendarService,
  ) {
    this.callbacks = new WorkflowCallbacks(deps);
  }

  private authorizeDesk(ctx: Ctx) {
    authorize(ctx.actor, 'agency.file', { windowUnit: this.deps.province.windowUnit });
  }

  /** 代办登记项目: the enterprise (checked per GB 32100) becomes the owner; the record names the agent. */
  async registerProject(ctx: Ctx, input: AgencyProjectInput): Promise<Versioned<Project>> {
    this.authorizeDesk(ctx);
    const enterprise = checkEnterprise(input.owner);
    const { owner: _owner, ...rest } = input;
    return this.projects.register(
      ctx,
      { ...rest, ownerName: enterprise.name },
      agentFor(ctx.actor, enterprise, nowIso(this.deps)),
    );
  }

  /**
   * 代办申请: a stage case of the enterprise's project, with its signed 授权委托书 among the
   * materials. It waits for the enterprise's 确认 before the window may accept it.
   */
  async submitCase(ctx: Ctx, input: SubmitInput): Promise<Versioned<StageCase>> {
    this.authorizeDesk(ctx);
    const { value: project } = await load<Project>(this.deps, 'project', input.projectId, '项目');
    const items = selectItems(this.deps.province, input.stage, input.itemCodes);
    const findings = [
      ...agentFilingFindings(input.materials),
      ...preReview(this.deps.province, items, input.materials),
    ];
    const errors = findings.filter((f) => f.severity === 'error');
    if (errors.length > 0) {
      throw invalid('PRE_REVIEW_FAILED', '智能预审未通过：缺少必备材料', { findings: errors });
    }
    await this.cases.assertNoOpenCase(project.id, input.stage);
    const cal = await this.calendar.current();
    const now = nowIso(this.deps);
    const agency: CaseAgency = {
      ...agentFor(ctx.actor, project.owner, now),
      authorisationMaterial: AGENCY_AUTHORISATION_MATERIAL,
    };
    const c: StageCase = {
      ...createStageCase({
        id: this.deps.ids.next('C'),
        province: this.deps.province,
        project,
        stage: input.stage,
        items,
        materials: input.materials.map((m) => ({
          code: m.code,
          ...(m.sha256 ? { sha256: m.sha256 } : {}),
          ...(m.fileName ? { fileName: m.fileName } : {}),
          submittedAt: now,
        })),
        findings,
        submittedBy: ctx.actor.id,
        now,
        today: today(this.deps),
        cal,
      }),
      agency,
    };
    const event: AuditEventDraft = {
      type: 'CaseSubmitted',
      actor: ctx.actor.id,
      at: now,
      data: {
        projectCode: c.projectCode,
        stage: c.stage,
        items: c.items.map((i) => i.code),
        warnings: findings.length,
        ...agencyEventData(agency),
      },
    };
    const notice = newNotification(
      this.deps,
      orgAddress(c),
      agencyNotices.toConfirm(c, ctx.actor.name),
      { caseId: c.id, projectId: c.projectId },
      now,
    );
    await commit(
      this.deps,
      ctx,
      [await this.cases.change(c, 0, [event]), notificationChange(notice, ctx.actor.id)],
      { status: 201, body: { ...c, version: 1 } },
    );
    await this.deps.workflow.start({
      caseId: c.id,
      round: 1,
      ...(ctx.correlationId ? { correlationId: ctx.correlationId } : {}),
    });
    return { value: c, version: 1 };
  }

  /**
   * 确认 or 不予确认 by the enterprise. Confirmation restarts the acceptance limit and the 视为受理
   * day from today; a refusal ends the case (终止) with the enterprise's reason and no credit mark.
   */
  async answer(
    ctx: Ctx,
    caseId: string,
    expected: number | undefined,
    input: { decision: 'confirm' | 'decline'; reason?: string },
  ): Promise<Versioned<StageCase>> {
    const cal = await this.calendar.current();
    const confirmed = input.decision === 'confirm';
    const result = await this.cases.mutate(
      ctx,
      caseId,
      expected,
      async (c) => {
        authorize(ctx.actor, 'agency.confirm', { ownerCreditCode: c.applicant.creditCode });
        const by = { id: ctx.actor.id, name: ctx.actor.name, creditCode: ctx.actor.creditCode };
        const now = nowIso(this.deps);
        const day = today(this.deps);
        const next = confirmed
          ? confirmAgency(c, by, {
              now,
              acceptDue: cal.addWorkingDays(day, this.deps.province.acceptance.days),
              deemedOn: deemedOnFrom(cal, day, this.deps.province),
            })
          : declineAgency(c, by, input.reason ?? '', now);
        const agency = next.agency as CaseAgency;
        return {
          next,
          events: [
            {
              type: confirmed ? 'AgencyConfirmed' : 'AgencyDeclined',
              data: {
                ...agencyEventData(agency),
                ...(confirmed
                  ? { acceptDueDate: next.acceptDueDate, acceptDeemedOn: next.acceptDeemedOn }
                  : { reason: agency.confirmation?.reasonZh }),
              },
            },
          ],
        };
      },
      async (c) => {
        const agent = c.agency?.agent.id;
        if (!agent) return [];
        const n = newNotification(
          this.deps,
          `user:${agent}`,
          agencyNotices.answered(c, confirmed),
          { caseId: c.id, projectId: c.projectId },
          nowIso(this.deps),
        );
        return [notificationChange(n, ctx.actor.id)];
      },
    );
    // a declined filing ends its workflow the way a termination does
    if (!confirmed)
      await this.callbacks.failAll(caseId, 'CaseTerminated', result.saved.value.terminationReason ?? '');
    return result.saved;
  }
}

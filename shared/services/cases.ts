import { agencyOfEvent } from '../domain/agency.js';
import { canonicalJson, sha256Hex } from '../domain/audit-chain.js';
import { authorize } from '../domain/authz.js';
import { shanghaiDate } from '../domain/calendar.js';
import { type PartnerProject, recognitionRefusal } from '../domain/cross-province.js';
import { deficiencyDeadline } from '../domain/deficiency.js';
import { deliveryRulesOf } from '../domain/delivery.js';
import type { ElectronicResultRecord } from '../domain/electronic-result.js';
import { conflict, DomainError, invalid } from '../domain/errors.js';
import { eventLabelZh } from '../domain/events.js';
import { itemUnchangedSince, stampChangedItems } from '../domain/item-precondition.js';
import type {
  CommitmentLetter,
  MaterialRef,
  Notification,
  Organisation,
  PreReviewFinding,
  Project,
  Stage,
  StageCase,
  Versioned,
} from '../domain/model.js';
import { deptAddress, noticeTexts, orgAddress } from '../domain/notifications.js';
import { type CaseProgress, caseProgress } from '../domain/progress.js';
import {
  type AcceptanceDecision,
  accept,
  assignItem,
  catalogueItem,
  createStageCase,
  decideItem,
  giveFeedback,
  preReview,
  recogniseItem,
  recountAcceptanceDeadlines,
  requestItemCorrection,
  resubmit,
  revokeDecision,
  selectItems,
  signOffRefusal,
  supplement,
  terminate,
  withdrawRecognition,
} from '../domain/stage-case.js';
import type { AuditEventDraft, Change, Page } from '../ports/store.js';
import type { CalendarService } from './calendar.js';
import { caseIndexes } from './case-indexes.js';
import { type Ctx, SYSTEM_ACTOR } from './context.js';
import { creditMarkChanges } from './credit-marks.js';
import type { Deps } from './deps.js';
import { newNotification, notificationChange } from './notifications.js';
import { partnerViewsOf, recordRecognitionRefusal } from './partners.js';
import { budgetOfCaseProject } from './project-budget.js';
import { pageOpts } from './projects.js';
import { resultRecordChange, signResult } from './result-signing.js';
import { signedEventDraft } from './signed-events.js';
import { commit, load, nowIso, today } from './unit-of-work.js';
import { taskKeys, WorkflowCallbacks } from './workflow-callbacks.js';

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

/** How many times a mutation is retried when another writer changed the case in between. */
const MAX_RETRIES = 5;

/** An item action's If-Match: only that item must be unchanged since the version the reviewer saw. */
const onItem = (itemCode: string, version: number | undefined) =>
  version === undefined ? undefined : { itemCode, version };

export class CaseService {
  private readonly callbacks: WorkflowCallbacks;

  constructor(
    private readonly deps: Deps,
    private readonly calendar: CalendarService,
  ) {
    this.callbacks = new WorkflowCallbacks(deps);
  }

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
    await commit(this.deps, ctx, [await this.change(c, 0, [event])], {
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

  /** 受理 with one of the four outcomes; the window officer's unit becomes the first receiver. */
  async actOnAcceptance(ctx: Ctx, caseId: string, expectedVersion: number, decision: AcceptanceDecision) {
    authorize(ctx.actor, 'case.accept');
    const cal = await this.calendar.current();
    const result = await this.mutate(ctx, caseId, expectedVersion, async (c) => {
      const org = await this.deps.store.get<Organisation>('organisation', c.applicant.creditCode);
      const letter = await this.deps.store.get<CommitmentLetter>('commitmentLetter', caseId);
      const next = accept(c, decision, {
        province: this.deps.province,
        officer: {
          id: ctx.actor.id,
          name: ctx.actor.name,
          unit: ctx.actor.unit ?? this.deps.province.windowUnit,
        },
        now: nowIso(this.deps),
        today: today(this.deps),
        cal,
        applicantCreditMarks: org?.value.creditMarks.length ?? 0,
        ...(letter ? { commitmentLetter: letter.value } : {}),
      });
      const type = {
        accept: 'CaseAccepted',
        acceptWithDeficiencies: 'CaseAcceptedWithDeficiencies',
        correction: 'CorrectionRequested',
        refuse: 'CaseRefused',
      }[decision.outcome];
      return {
        next,
        events: [
          {
            type,
            data: {
              round: c.round,
              ...(decision.outcome === 'acceptWithDeficiencies'
                ? {
                    deficiencies: next.deficiencies.map((d) => ({ ...d })),
                    // where the applicant's signature came from: the counter, or the letter signed online
                    commitment: decision.commitmentSigned ? 'counter' : 'online',
                    ...(letter ? { commitmentLetterHash: letter.value.contentHash } : {}),
                  }
                : {}),
              ...(decision.outcome === 'correction'
                ? { missing: decision.missing, reason: decision.reason }
                : {}),
              ...(decision.outcome === 'refuse' ? { reason: decision.reason } : {}),
              ...(next.firstReceiver ? { firstReceiver: next.firstReceiver.unit } : {}),
            },
          },
        ],
      };
    });
    await this.callbacks.complete(taskKeys.acceptance(caseId, result.before.round), {
      outcome: decision.outcome,
    });
    if (result.saved.value.status === 'underReview') {
      return (await this.applyRecognitions(caseId)) ?? result.saved;
    }
    return result.saved;
  }

  /** 补正后重新提交 */
  async resubmit(ctx: Ctx, caseId: string, expectedVersion: number, materials: MaterialInput[]) {
    const cal = await this.calendar.current();
    const result = await this.mutate(ctx, caseId, expectedVersion, async (c) => {
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

  /** 审查决定 of one item by its department. */
  async decideItem(
    ctx: Ctx,
    caseId: string,
    itemCode: string,
    expectedVersion: number | undefined,
    input: { outcome: 'approve' | 'reject'; reasons?: string },
  ) {
    // 电子批文: every approval's result is signed and stored with the decision, in its transaction
    let issued: ElectronicResultRecord | undefined;
    const decide = async (c: StageCase) => {
      issued = undefined;
      const item = c.items.find((i) => i.code === itemCode);
      authorize(ctx.actor, 'item.decide', { itemDepartment: item?.department ?? '\u0000' });
      const now = nowIso(this.deps);
      const resultNo = `${this.deps.province.code}${now.slice(0, 4)}-${this.deps.ids.next('R')}`;
      const resultHash = sha256Hex(
        canonicalJson({
          province: this.deps.province.code,
          caseId,
          projectCode: c.projectCode,
          itemCode,
          outcome: input.outcome,
          resultNo,
          at: now,
          materials: c.materials.map((m) => ({ code: m.code, sha256: m.sha256 })),
        }),
      );
      const next = decideItem(c, itemCode, {
        ...input,
        by: ctx.actor.id,
        now,
        resultNo,
        resultHash,
        deficiencyPolicy: this.deps.province.deficiency.resultPolicy,
      });
      const decided = next.items.find((i) => i.code === itemCode)!;
      if (decided.decision?.resultNo && decided.decision.resultHash) {
        issued = await signResult(this.deps, {
          caseId,
          itemCode,
          resultNo: decided.decision.resultNo,
          resultHash: decided.decision.resultHash,
        });
      }
      const events: { type: string; data: Record<string, unknown> }[] = [
        {
          // 拒绝须上一级签发: a reviewer's refusal is a proposal until the department lead signs it
          type: input.outcome === 'approve' ? 'ItemApproved' : 'RefusalProposed',
          data: {
            itemCode,
            department: decided.department,
            ...(input.reasons ? { reasons: input.reasons } : {}),
            ...(decided.decision?.resultNo ? { resultNo: decided.decision.resultNo } : {}),
            ...(decided.decision?.resultHash ? { resultHash: decided.decision.resultHash } : {}),
            ...(issued ? { resultSignature: issued.signature, keyId: issued.keyId } : {}),
          },
        },
      ];
      const signed: AuditEventDraft[] = [];
      if (input.outcome === 'approve' && c.partnerProvinces.length > 0 && decided.decision?.resultNo) {
        // 互认: the result goes to the partner provinces, signed, with the hashes of its materials
        signed.push(
          await signedEventDraft(this.deps, ctx.actor.id, (eventId) => ({
            kind: 'resultIssued',
            eventId,
            origin: this.deps.province.code,
            projectCode: c.projectCode,
            partnerProvinces: c.partnerProvinces,
            caseId,
            stage: c.stage,
            itemCode,
            itemName: decided.name,
            department: decided.department,
            resultNo: decided.decision!.resultNo!,
            resultHash: decided.decision!.resultHash!,
            decidedAt: now,
            materials: c.materials.map((m) => ({ code: m.code, ...(m.sha256 ? { sha256: m.sha256 } : {}) })),
          })),
        );
      }
      if (next.status === 'approved') events.push({ type: 'StageApproved', data: { stage: next.stage } });
      if (next.status === 'rejected') events.push({ type: 'StageRejected', data: { stage: next.stage } });
      return { next, events, signed };
    };
    const result = await this.mutate(ctx, caseId, onItem(itemCode, expectedVersion), decide, async () =>
      issued ? [resultRecordChange(issued)] : [],
    );
    if (input.outcome === 'approve') {
      await this.callbacks.complete(taskKeys.item(caseId, itemCode), { itemCode, outcome: input.outcome });
    }
    return result.saved;
  }

  /**
   * 签发/退回: the department lead signs a proposed refusal (the item is rejected; a rejected stage
   * tells the applicant the reasons and the remedy) or sends it back to review.
   */
  async signOffRefusal(
    ctx: Ctx,
    caseId: string,
    itemCode: string,
    expectedVersion: number | undefined,
    input: { action: 'sign' | 'return'; commentZh?: string },
  ) {
    let notes: Notification[] = [];
    const result = await this.mutate(
      ctx,
      caseId,
      onItem(itemCode, expectedVersion),
      async (c) => {
        notes = [];
        const item = c.items.find((i) => i.code === itemCode);
        authorize(ctx.actor, 'item.signOffRefusal', { itemDepartment: item?.department ?? '\u0000' });
        const now = nowIso(this.deps);
        const next = signOffRefusal(c, itemCode, { ...input, by: ctx.actor.id, now });
        const proposal = item?.proposedRefusal;
        if (input.action === 'return') {
          return {
            next,
            events: [
              {
                type: 'RefusalReturned',
                data: {
                  itemCode,
                  proposedBy: proposal?.by,
                  ...(input.commentZh ? { comment: input.commentZh } : {}),
                },
              },
            ],
          };
        }
        const events: { type: string; data: Record<string, unknown> }[] = [
          {
            type: 'ItemRejected',
            data: {
              itemCode,
              department: item?.department,
              reasons: proposal?.reasons,
              proposedBy: proposal?.by,
              signedOffBy: ctx.actor.id,
            },
          },
        ];
        if (next.status === 'rejected') {
          events.push({ type: 'StageRejected', data: { stage: next.stage } });
          notes = [
            newNotification(
              this.deps,
              orgAddress(next),
              noticeTexts.stageRejected(next),
              {
                caseId,
                projectId: c.projectId,
              },
              now,
            ),
          ];
        }
        return { next, events };
      },
      async () => notes.map((n) => notificationChange(n)),
    );
    if (input.action === 'sign') {
      await this.callbacks.complete(taskKeys.item(caseId, itemCode), { itemCode, outcome: 'reject' });
    }
    return result.saved;
  }

  async requestItemCorrection(
    ctx: Ctx,
    caseId: string,
    itemCode: string,
    expectedVersion: number | undefined,
    input: { missing: string[]; reason: string },
  ) {
    return (
      await this.mutate(ctx, caseId, onItem(itemCode, expectedVersion), async (c) => {
        const item = c.items.find((i) => i.code === itemCode);
        authorize(ctx.actor, 'item.correction', { itemDepartment: item?.department ?? '\u0000' });
        const next = requestItemCorrection(c, itemCode, {
          ...input,
          now: nowIso(this.deps),
          today: today(this.deps),
          itemMaterials: catalogueItem(this.deps.province, itemCode).materials,
        });
        return { next, events: [{ type: 'ItemCorrectionRequested', data: { itemCode, ...input } }] };
      })
    ).saved;
  }

  /** 转办: the department lead (or the reviewer holding the item) hands it to a colleague. */
  async assignItem(
    ctx: Ctx,
    caseId: string,
    itemCode: string,
    expectedVersion: number | undefined,
    input: { assigneeId: string; assigneeName: string; reasonZh: string },
  ) {
    return (
      await this.mutate(ctx, caseId, onItem(itemCode, expectedVersion), async (c) => {
        const item = c.items.find((i) => i.code === itemCode);
        authorize(ctx.actor, 'item.assign', {
          itemDepartment: item?.department ?? '\u0000',
          ...(item?.assignee ? { itemAssignee: item.assignee.id } : {}),
        });
        const next = assignItem(c, itemCode, {
          assignee: { id: input.assigneeId, name: input.assigneeName },
          by: ctx.actor.id,
          reasonZh: input.reasonZh,
          now: nowIso(this.deps),
        });
        return {
          next,
          events: [
            {
              type: 'ItemReassigned',
              data: {
                itemCode,
                to: input.assigneeId,
                ...(item?.assignee ? { from: item.assignee.id } : {}),
                reason: input.reasonZh,
              },
            },
          ],
        };
      })
    ).saved;
  }

  /** 撤销 (纠错): a supervisor revokes an approval issued in a closed stage, with reasons. */
  async revokeDecision(
    ctx: Ctx,
    caseId: string,
    itemCode: string,
    expectedVersion: number | undefined,
    input: { reasonZh: string },
  ) {
    authorize(ctx.actor, 'item.revoke');
    return (
      await this.mutate(ctx, caseId, onItem(itemCode, expectedVersion), async (c) => {
        const now = nowIso(this.deps);
        const next = revokeDecision(c, itemCode, { by: ctx.actor.id, reasonZh: input.reasonZh, now });
        const decision = next.items.find((i) => i.code === itemCode)?.decision;
        const signed: AuditEventDraft[] = [];
        if (c.partnerProvinces.length > 0 && decision?.resultNo && decision.resultHash) {
          // 撤销 travels like the result did: partners that recognised it must withdraw it
          signed.push(
            await signedEventDraft(this.deps, ctx.actor.id, (eventId) => ({
              kind: 'resultRevoked',
              eventId,
              origin: this.deps.province.code,
              projectCode: c.projectCode,
              partnerProvinces: c.partnerProvinces,
              caseId,
              itemCode,
              resultNo: decision.resultNo!,
              resultHash: decision.resultHash!,
              reasonZh: input.reasonZh,
              revokedAt: now,
            })),
          );
        }
        return {
          next,
          events: [{ type: 'DecisionRevoked', data: { itemCode, reason: input.reasonZh } }],
          signed,
        };
      })
    ).saved;
  }

  /** 补交材料 for 容缺 commitments and item corrections. */
  async supplement(ctx: Ctx, caseId: string, materials: MaterialInput[]) {
    return (
      await this.mutate(ctx, caseId, undefined, async (c) => {
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

  /** 评价: satisfaction 1–5 after the stage closed. */
  async feedback(ctx: Ctx, caseId: string, input: { satisfaction: 1 | 2 | 3 | 4 | 5; comment?: string }) {
    return (
      await this.mutate(ctx, caseId, undefined, async (c) => {
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
    const result = await this.mutate(
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
        await this.mutate({ actor: SYSTEM_ACTOR }, hit.id, undefined, async (c) => {
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

  /**
   * 互认: items of an open case that a partner already decided are recognised instead of reviewed,
   * with the partner's provenance, but only when the origin shared the project under this case's
   * owner (an impostor registering the same project code gets nothing; the refusal is recorded) and
   * the result was not revoked. A recognition whose result the origin revoked is withdrawn: the item
   * goes back to review, its department and the applicant are told. Runs after acceptance and
   * whenever a partner's event about the project arrives; running it again changes nothing.
   */
  async applyRecognitions(caseId: string): Promise<Versioned<StageCase> | undefined> {
    const found = await this.deps.store.get<StageCase>('stageCase', caseId);
    if (!found) return undefined;
    const views = await partnerViewsOf(this.deps, found.value.projectCode);
    if (views.length === 0) return undefined;
    const revocationOf = (rec: { origin: string; resultNo: string; itemCode: string }) =>
      views
        .find((v) => v.origin === rec.origin)
        ?.revocations?.find((r) => r.resultNo === rec.resultNo && r.itemCode === rec.itemCode);
    const withdrawable = (c: StageCase) =>
      c.items.some((i) => {
        const rec = i.decision?.recognition;
        return rec && !i.decision?.revoked && revocationOf(rec);
      });
    if (found.value.status !== 'underReview' && !withdrawable(found.value)) return undefined;
    const recognised: string[] = [];
    const refused: { view: PartnerProject; result: PartnerProject['results'][number]; reason: string }[] = [];
    let notes: Notification[] = [];
    const result = await this.mutate(
      { actor: SYSTEM_ACTOR },
      caseId,
      undefined,
      async (c) => {
        recognised.length = 0;
        refused.length = 0;
        notes = [];
        let next = c;
        const now = nowIso(this.deps);
        const events: { type: string; data: Record<string, unknown> }[] = [];
        for (const item of c.items) {
          const rec = item.decision?.recognition;
          const revocation = rec && !item.decision?.revoked ? revocationOf(rec) : undefined;
          if (!rec || !revocation) continue;
          next = withdrawRecognition(next, item.code, {
            origin: rec.origin,
            resultNo: rec.resultNo,
            reasonZh: revocation.reasonZh,
            revokedAt: revocation.revokedAt,
            now,
            today: today(this.deps),
          });
          events.push({
            type: 'RecognitionWithdrawn',
            data: {
              itemCode: item.code,
              origin: rec.origin,
              resultNo: rec.resultNo,
              reason: revocation.reasonZh,
              revocationEventId: revocation.eventId,
              reopened: next.status === 'underReview',
            },
          });
          const text = noticeTexts.recognitionWithdrawn(c, item, rec.origin, revocation.reasonZh);
          const refs = { caseId: c.id, projectId: c.projectId, itemCode: item.code };
          notes.push(
            newNotification(this.deps, deptAddress(item.department), text, refs, now),
            newNotification(this.deps, orgAddress(c), text, refs, now),
          );
        }
        for (const item of next.items) {
          if (item.decision || next.status !== 'underReview') continue;
          const withdrawn = new Set(
            (item.recognitionWithdrawals ?? []).map((w) => `${w.origin}:${w.resultNo}`),
          );
          let match: PartnerProject['results'][number] | undefined;
          for (const view of views) {
            for (const r of view.results) {
              if (match || !r.localItems.includes(item.code) || withdrawn.has(`${r.origin}:${r.resultNo}`))
                continue;
              const reason = recognitionRefusal(view, r, c.applicant.creditCode);
              if (reason === 'ownerMismatch') refused.push({ view, result: r, reason });
              if (!reason) match = r;
            }
          }
          if (!match) continue;
          const {
            stage: _s,
            itemName: _n,
            department: _d,
            localItems: _l,
            revoked: _r,
            ...provenance
          } = match;
          next = recogniseItem(next, item.code, provenance, now);
          recognised.push(item.code);
          events.push({
            type: 'ItemRecognised',
            data: {
              itemCode: item.code,
              origin: match.origin,
              resultNo: match.resultNo,
              contentHash: match.contentHash,
            },
          });
        }
        if (next.status === 'approved' && c.status !== 'approved')
          events.push({ type: 'StageApproved', data: { stage: next.stage } });
        return { next, events };
      },
      async () => notes.map((n) => notificationChange(n)),
    );
    for (const itemCode of recognised) {
      await this.callbacks.complete(taskKeys.item(caseId, itemCode), { itemCode, outcome: 'approve' });
    }
    for (const { view, result: r, reason } of refused) {
      await recordRecognitionRefusal(this.deps, { caseId, origin: view.origin, result: r, reason });
    }
    return result.saved;
  }

  /** After a partner's result arrived: every open case of that project code may recognise it. */
  async applyRecognitionsForProject(projectCode: string): Promise<void> {
    const hits = await this.deps.store.query('projectCases', projectCode);
    for (const hit of hits.items) await this.applyRecognitions(hit.id);
  }

  /** Builds the store change of a case: value, derived indexes and audit events. */
  async change(c: StageCase, expectedVersion: number, events: AuditEventDraft[]): Promise<Change> {
    const cal = await this.calendar.current();
    return {
      kind: 'stageCase',
      id: c.id,
      expectedVersion,
      value: c,
      indexes: caseIndexes(
        cal,
        c,
        today(this.deps),
        this.deps.province.lamps,
        this.deps.province.escalation,
        deliveryRulesOf(this.deps.province),
      ),
      events,
    };
  }

  /**
   * Read–decide–write with optimistic concurrency. With an expected version from the client a
   * mismatch is the client's conflict; without one, a lost race is retried on fresh state.
   */
  async mutate(
    ctx: Ctx,
    caseId: string,
    /** the version the caller saw; with an item code, only that item must be unchanged since */
    expected: number | { itemCode: string; version: number } | undefined,
    decide: (c: StageCase) => Promise<{
      next: StageCase;
      events: { type: string; data: Record<string, unknown> }[];
      /** drafts complete with id and time (signed payloads), appended after `events` */
      signed?: AuditEventDraft[];
    }>,
    extra?: (c: StageCase) => Promise<Change[]>,
    /** the case as the caller just read it: the first attempt starts from it instead of reading again */
    preloaded?: Versioned<StageCase>,
  ): Promise<{ before: StageCase; saved: Versioned<StageCase> }> {
    for (let attempt = 0; ; attempt++) {
      const { value: c, version } =
        attempt === 0 && preloaded
          ? preloaded
          : await load<StageCase>(this.deps, 'stageCase', caseId, '办件');
      const expectedVersion = typeof expected === 'object' ? expected.version : expected;
      const stale =
        expectedVersion !== undefined &&
        expectedVersion !== version &&
        !(typeof expected === 'object' && itemUnchangedSince(c, expected.itemCode, expected.version));
      if (stale) {
        // Authorisation first: a stranger learns nothing about the case from a version conflict.
        authorize(ctx.actor, 'case.read', scopeOf(c));
        throw conflict('VERSION_CONFLICT', '数据已被他人修改，请刷新后重试', {
          expected: expectedVersion,
          actual: version,
        });
      }
      const decided = await decide(c);
      const { events, signed = [] } = decided;
      if (decided.next === c && events.length === 0) return { before: c, saved: { value: c, version } };
      const next = stampChangedItems(c, decided.next, version + 1);
      const at = nowIso(this.deps);
      const drafts = [
        ...events.map((e) => ({ type: e.type, actor: ctx.actor.id, at, data: e.data })),
        ...signed,
      ];
      const changes = [await this.change(next, version, drafts), ...(extra ? await extra(c) : [])];
      try {
        await commit(this.deps, ctx, changes, { status: 200, body: { ...next, version: version + 1 } });
        return { before: c, saved: { value: next, version: version + 1 } };
      } catch (err) {
        // an unconditional or item-scoped change is simply redone on the newer case
        const retry =
          (expected === undefined || typeof expected === 'object') &&
          err instanceof DomainError &&
          err.code === 'VERSION_CONFLICT' &&
          attempt < MAX_RETRIES;
        if (!retry) throw err;
      }
    }
  }
}

export function scopeOf(c: StageCase) {
  return { ownerCreditCode: c.applicant.creditCode, departments: c.items.map((i) => i.department) };
}

import { authorize } from '../domain/authz.js';
import { type ElectronicResultRecord, resultHashOf } from '../domain/electronic-result.js';
import type { CommitmentLetter, Notification, Organisation, StageCase } from '../domain/model.js';
import { noticeTexts, orgAddress } from '../domain/notifications.js';
import {
  type AcceptanceDecision,
  accept,
  assignItem,
  catalogueItem,
  decideItem,
  requestItemCorrection,
  revokeDecision,
  signOffRefusal,
} from '../domain/stage-case.js';
import type { AuditEventDraft } from '../ports/store.js';
import type { CalendarService } from './calendar.js';
import type { CaseRecognition } from './case-recognition.js';
import type { CaseWriter } from './case-writer.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';
import { newNotification, notificationChange } from './notifications.js';
import { newResultNo, resultRecordChange, signResult } from './result-signing.js';
import { resultIssuedDraft, resultRevokedDraft } from './signed-events.js';
import { nowIso, today } from './unit-of-work.js';
import { taskKeys, type WorkflowCallbacks } from './workflow-callbacks.js';

/** An item action's If-Match: only that item must be unchanged since the version the reviewer saw. */
const onItem = (itemCode: string, version: number | undefined) =>
  version === undefined ? undefined : { itemCode, version };

/** The officers' side: 受理 at the window, then each item's review, sign-off, correction, 转办 and 撤销. */
export class CaseReview {
  constructor(
    private readonly deps: Deps,
    private readonly calendar: CalendarService,
    private readonly writer: CaseWriter,
    private readonly callbacks: WorkflowCallbacks,
    private readonly recognition: CaseRecognition,
  ) {}

  /** 受理 with one of the four outcomes; the window officer's unit becomes the first receiver. */
  async actOnAcceptance(ctx: Ctx, caseId: string, expectedVersion: number, decision: AcceptanceDecision) {
    authorize(ctx.actor, 'case.accept');
    const cal = await this.calendar.current();
    const result = await this.writer.mutate(ctx, caseId, expectedVersion, async (c) => {
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
      return (await this.recognition.applyRecognitions(caseId)) ?? result.saved;
    }
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
      const resultNo = newResultNo(this.deps, now);
      const resultHash = resultHashOf(this.deps.province.code, c, {
        itemCode,
        outcome: input.outcome,
        resultNo,
        at: now,
      });
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
          await resultIssuedDraft(this.deps, ctx.actor.id, c, decided, {
            resultNo: decided.decision.resultNo,
            resultHash: decided.decision.resultHash!,
            decidedAt: now,
          }),
        );
      }
      if (next.status === 'approved') events.push({ type: 'StageApproved', data: { stage: next.stage } });
      if (next.status === 'rejected') events.push({ type: 'StageRejected', data: { stage: next.stage } });
      return { next, events, signed };
    };
    const result = await this.writer.mutate(
      ctx,
      caseId,
      onItem(itemCode, expectedVersion),
      decide,
      async () => (issued ? [resultRecordChange(issued)] : []),
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
    const result = await this.writer.mutate(
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
      await this.writer.mutate(ctx, caseId, onItem(itemCode, expectedVersion), async (c) => {
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
      await this.writer.mutate(ctx, caseId, onItem(itemCode, expectedVersion), async (c) => {
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
      await this.writer.mutate(ctx, caseId, onItem(itemCode, expectedVersion), async (c) => {
        const now = nowIso(this.deps);
        const next = revokeDecision(c, itemCode, { by: ctx.actor.id, reasonZh: input.reasonZh, now });
        const decision = next.items.find((i) => i.code === itemCode)?.decision;
        const signed: AuditEventDraft[] = [];
        if (c.partnerProvinces.length > 0 && decision?.resultNo && decision.resultHash) {
          // 撤销 travels like the result did: partners that recognised it must withdraw it
          signed.push(
            await resultRevokedDraft(this.deps, ctx.actor.id, c, itemCode, {
              resultNo: decision.resultNo,
              resultHash: decision.resultHash,
              reasonZh: input.reasonZh,
              revokedAt: now,
            }),
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
}

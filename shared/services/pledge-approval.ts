import { canonicalJson, sha256Hex } from '../domain/audit-chain.js';
import { authorize } from '../domain/authz.js';
import { resultHashOf } from '../domain/electronic-result.js';
import { invalid } from '../domain/errors.js';
import type { Notification, StageCase, Versioned } from '../domain/model.js';
import { orgAddress } from '../domain/notifications.js';
import {
  approveOnCommitment,
  type CheckInput,
  checkDueDate,
  pledgeContent,
  pledgeItem,
  pledgeNotices,
  pledgeText,
  recordCheck,
} from '../domain/pledge-approval.js';
import type { AuditEventDraft } from '../ports/store.js';
import type { CalendarService } from './calendar.js';
import type { CaseService } from './cases.js';
import type { Ctx } from './context.js';
import { creditMarkChanges } from './credit-marks.js';
import type { Deps } from './deps.js';
import { newNotification, notificationChange } from './notifications.js';
import { newResultNo, resultRecordChange, signResult } from './result-signing.js';
import { resultIssuedDraft, resultRevokedDraft } from './signed-events.js';
import { nowIso, today } from './unit-of-work.js';
import { taskKeys, WorkflowCallbacks } from './workflow-callbacks.js';

export interface PledgeOffer {
  itemCode: string;
  itemName: string;
  department: string;
  /** the 告知承诺书 the applicant reads and signs, generated from the item */
  textZh: string;
  /** whether the applicant can sign it now (item undecided, case under review, clock running) */
  signable: boolean;
  checkDays: number;
}

/** 告知承诺: the applicant's signed commitment approves the item at once; the department checks later. */
export class PledgeApprovalService {
  private readonly callbacks: WorkflowCallbacks;

  constructor(
    private readonly deps: Deps,
    private readonly cases: CaseService,
    private readonly calendar: CalendarService,
  ) {
    this.callbacks = new WorkflowCallbacks(deps);
  }

  /** The case's pledge-allowed items with the commitment text each would sign. */
  async offers(ctx: Ctx, caseId: string): Promise<{ items: PledgeOffer[] }> {
    const { value: c } = await this.cases.get(ctx, caseId);
    const province = this.deps.province;
    const items = c.items.flatMap((item) => {
      const entry = province.items.find((i) => i.code === item.code);
      if (!entry?.pledgeAllowed) return [];
      const signable =
        c.status === 'underReview' &&
        !item.decision &&
        !item.proposedRefusal &&
        item.status === 'inReview' &&
        !item.clockStops.some((s) => !s.to);
      return [
        {
          itemCode: item.code,
          itemName: item.name,
          department: item.department,
          textZh: pledgeText(province, c, entry),
          signable,
          checkDays: province.pledge.checkDays,
        },
      ];
    });
    return { items };
  }

  /** The applicant signs the 告知承诺书: the item is approved on commitment, its result signed. */
  async sign(ctx: Ctx, caseId: string, itemCode: string, input: { textZh: string }) {
    let issued: Awaited<ReturnType<typeof signResult>> | undefined;
    let notes: Notification[] = [];
    const result = await this.cases.mutate(
      ctx,
      caseId,
      undefined,
      async (c) => {
        issued = undefined;
        notes = [];
        authorize(ctx.actor, 'item.pledge', { ownerCreditCode: c.applicant.creditCode });
        const entry = pledgeItem(this.deps.province, c, itemCode);
        const now = nowIso(this.deps);
        const resultNo = newResultNo(this.deps, now);
        const signedPart = {
          textZh: input.textZh,
          creditCode: ctx.actor.creditCode ?? '',
          signedBy: ctx.actor.id,
          signedAt: now,
        };
        const contentHash = sha256Hex(canonicalJson(pledgeContent(caseId, itemCode, signedPart)));
        const resultHash = resultHashOf(this.deps.province.code, c, {
          itemCode,
          outcome: 'approve',
          resultNo,
          at: now,
          pledgeHash: contentHash,
        });
        const cal = await this.calendar.current();
        const next = approveOnCommitment(c, itemCode, {
          pledge: { ...signedPart, signerName: ctx.actor.name, contentHash },
          expectedTextZh: pledgeText(this.deps.province, c, entry),
          checkDueDate: checkDueDate(cal, today(this.deps), this.deps.province.pledge.checkDays),
          by: ctx.actor.id,
          now,
          resultNo,
          resultHash,
          deficiencyPolicy: this.deps.province.deficiency.resultPolicy,
        });
        const decided = next.items.find((i) => i.code === itemCode)!;
        issued = await signResult(this.deps, { caseId, itemCode, resultNo, resultHash });
        notes = [
          newNotification(this.deps, orgAddress(c), pledgeNotices.approved(next, decided), {
            caseId,
            projectId: c.projectId,
            itemCode,
          }),
        ];
        const events: { type: string; data: Record<string, unknown> }[] = [
          {
            type: 'ItemApprovedOnCommitment',
            data: {
              itemCode,
              department: decided.department,
              resultNo,
              resultHash,
              resultSignature: issued.signature,
              keyId: issued.keyId,
              pledgeHash: contentHash,
              checkDueDate: decided.pledge!.check.dueDate,
            },
          },
        ];
        if (next.status === 'approved') events.push({ type: 'StageApproved', data: { stage: next.stage } });
        const signed: AuditEventDraft[] = [];
        if (c.partnerProvinces.length > 0) {
          // 互认: a result on commitment travels like any other approval
          signed.push(
            await resultIssuedDraft(this.deps, ctx.actor.id, c, decided, {
              resultNo,
              resultHash,
              decidedAt: now,
            }),
          );
        }
        return { next, events, signed };
      },
      async () => [
        ...(issued ? [resultRecordChange(issued)] : []),
        ...notes.map((n) => notificationChange(n)),
      ],
    );
    await this.callbacks.complete(taskKeys.item(caseId, itemCode), { itemCode, outcome: 'approve' });
    return result.saved;
  }

  /**
   * 事后核查 by a reviewer of the item's department. Failed: the approval is revoked (and the
   * revocation sent to partner provinces as any 撤销), the organisation's credit marked, the
   * applicant told, and exit proposed for abuse when the record reaches the province's threshold.
   */
  async check(
    ctx: Ctx,
    caseId: string,
    itemCode: string,
    expectedVersion: number | undefined,
    input: { outcome: 'passed' | 'failed'; reasonsZh?: string },
  ): Promise<Versioned<StageCase>> {
    if (input.outcome !== 'passed' && input.outcome !== 'failed') {
      throw invalid('CHECK_OUTCOME_INVALID', '核查结论只能是通过（passed）或不通过（failed）');
    }
    let notes: Notification[] = [];
    const result = await this.cases.mutate(
      ctx,
      caseId,
      expectedVersion === undefined ? undefined : { itemCode, version: expectedVersion },
      async (c) => {
        notes = [];
        const item = c.items.find((i) => i.code === itemCode);
        authorize(ctx.actor, 'item.pledgeCheck', { itemDepartment: item?.department ?? '\u0000' });
        const now = nowIso(this.deps);
        const checkInput: CheckInput = { ...input, by: ctx.actor.id, now };
        const next = recordCheck(c, itemCode, checkInput);
        const checked = next.items.find((i) => i.code === itemCode)!;
        if (input.outcome === 'passed') {
          return { next, events: [{ type: 'PledgeCheckPassed', data: { itemCode } }] };
        }
        const decision = checked.decision!;
        const reason = decision.revoked!.reasonZh;
        notes = [
          newNotification(this.deps, orgAddress(c), pledgeNotices.checkFailed(next, checked), {
            caseId,
            projectId: c.projectId,
            itemCode,
          }),
        ];
        const signed: AuditEventDraft[] = [];
        if (c.partnerProvinces.length > 0 && decision.resultNo && decision.resultHash) {
          // 撤销 travels like the result did: partners that recognised it must withdraw it
          signed.push(
            await resultRevokedDraft(this.deps, ctx.actor.id, c, itemCode, {
              resultNo: decision.resultNo,
              resultHash: decision.resultHash,
              reasonZh: reason,
              revokedAt: now,
            }),
          );
        }
        return {
          next,
          events: [
            { type: 'PledgeCheckFailed', data: { itemCode, reasonsZh: checked.pledge!.check.reasonsZh } },
            { type: 'DecisionRevoked', data: { itemCode, reason } },
          ],
          signed,
        };
      },
      async (c) => {
        if (input.outcome !== 'failed') return [];
        const at = nowIso(this.deps);
        const reason = `告知承诺事后核查不通过（事项 ${itemCode}）：${input.reasonsZh?.trim() ?? ''}`;
        return [
          ...(await creditMarkChanges(this.deps, c, reason, ctx.actor.id, at)),
          ...notes.map((n) => notificationChange(n)),
        ];
      },
    );
    return result.saved;
  }
}

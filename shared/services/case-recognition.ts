import { type PartnerProject, recognitionRefusal } from '../domain/cross-province.js';
import type { Notification, StageCase, Versioned } from '../domain/model.js';
import { deptAddress, noticeTexts, orgAddress } from '../domain/notifications.js';
import { recogniseItem, withdrawRecognition } from '../domain/stage-case.js';
import type { CaseWriter } from './case-writer.js';
import { SYSTEM_ACTOR } from './context.js';
import type { Deps } from './deps.js';
import { newNotification, notificationChange } from './notifications.js';
import { partnerViewsOf, recordRecognitionRefusal } from './partners.js';
import { nowIso, today } from './unit-of-work.js';
import { taskKeys, type WorkflowCallbacks } from './workflow-callbacks.js';

/** 互认 of partner provinces' results, and its withdrawal when the origin revokes them. */
export class CaseRecognition {
  constructor(
    private readonly deps: Deps,
    private readonly writer: CaseWriter,
    private readonly callbacks: WorkflowCallbacks,
  ) {}

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
    const result = await this.writer.mutate(
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
}

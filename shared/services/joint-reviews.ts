import { authorize } from '../domain/authz.js';
import { invalid, notFound } from '../domain/errors.js';
import {
  conveneJointReview,
  jointReviewInvitation,
  jointReviewRecordedNotice,
  minutesText,
  recordJointReview,
} from '../domain/joint-review.js';
import type { JointReviewOpinion, Notification, StageCase } from '../domain/model.js';
import { deptAddress, orgAddress } from '../domain/notifications.js';
import { procedureNotice } from '../domain/special-procedure.js';
import type { CalendarService } from './calendar.js';
import type { CaseService } from './cases.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';
import { newNotification, notificationChange } from './notifications.js';
import { load, nowIso, today } from './unit-of-work.js';

const scopeOf = (c: StageCase) => ({
  departments: c.items.map((i) => i.department),
  ...(c.firstReceiver ? { firstReceiverUnit: c.firstReceiver.unit } : {}),
});

export interface ConveneBody {
  itemCodes: string[];
  meetingAt: string;
  place?: string;
  videoLink?: string;
}

export interface RecordBody {
  minutesZh: string;
  outcomes: { itemCode: string; opinion: JointReviewOpinion; commentZh?: string }[];
}

/** 联合审查: convening a meeting of several items' departments, and recording its minutes and outcome. */
export class JointReviewService {
  constructor(
    private readonly deps: Deps,
    private readonly cases: CaseService,
    private readonly calendar: CalendarService,
  ) {}

  async convene(ctx: Ctx, caseId: string, input: ConveneBody) {
    const cal = await this.calendar.current();
    const id = this.deps.ids.next('JR');
    let notes: Notification[] = [];
    const result = await this.cases.mutate(
      ctx,
      caseId,
      undefined,
      async (c) => {
        authorize(ctx.actor, 'jointReview.convene', scopeOf(c));
        const now = nowIso(this.deps);
        const next = conveneJointReview(c, {
          ...input,
          id,
          convener: { id: ctx.actor.id, name: ctx.actor.name, role: ctx.actor.role },
          now,
          today: today(this.deps),
          cal,
          rules: this.deps.province.specialProcedures,
        });
        const meeting = next.jointReviews!.at(-1)!;
        const refs = { caseId, projectId: c.projectId };
        notes = meeting.departments.map((d) =>
          newNotification(this.deps, deptAddress(d), jointReviewInvitation(next, meeting), refs, now),
        );
        // 特别程序告知书: the applicant learns of each stopped clock in writing
        for (const item of next.items) {
          const stop = item.clockStops.find((s) => s.jointReviewId === meeting.id);
          if (stop) {
            notes.push(
              newNotification(
                this.deps,
                orgAddress(c),
                procedureNotice(item, stop),
                { ...refs, itemCode: item.code },
                now,
              ),
            );
          }
        }
        return {
          next,
          events: [
            {
              type: 'JointReviewConvened',
              data: {
                jointReviewId: id,
                itemCodes: meeting.itemCodes,
                departments: meeting.departments,
                meetingAt: meeting.meetingAt,
                stopsClock: meeting.stopsClock,
              },
            },
          ],
        };
      },
      async () => notes.map((n) => notificationChange(n)),
    );
    return result.saved;
  }

  async record(ctx: Ctx, caseId: string, reviewId: string, input: RecordBody) {
    // Checked before the minutes are stored: nobody without the right leaves a file behind.
    const { value: current } = await load<StageCase>(this.deps, 'stageCase', caseId, '办件');
    authorize(ctx.actor, 'jointReview.convene', scopeOf(current));
    const meeting = (current.jointReviews ?? []).find((r) => r.id === reviewId);
    if (!meeting) throw notFound('JOINT_REVIEW_NOT_FOUND', '本办件没有该联合审查');
    const text = input.minutesZh.trim();
    if (!text) throw invalid('JOINT_REVIEW_NO_MINUTES', '请填写会议纪要');
    // 会议纪要 is a material of the case: stored by content like an uploaded file (content-addressed,
    // so a lost race leaves at most an unreferenced copy of the same bytes)
    const stored = await this.deps.blobs.put(
      new TextEncoder().encode(minutesText(current, meeting, text)),
      'text/plain; charset=utf-8',
    );
    let notes: Notification[] = [];
    const result = await this.cases.mutate(
      ctx,
      caseId,
      undefined,
      async (c) => {
        authorize(ctx.actor, 'jointReview.convene', scopeOf(c));
        const now = nowIso(this.deps);
        const next = recordJointReview(c, reviewId, {
          by: { id: ctx.actor.id, name: ctx.actor.name },
          minutes: { sha256: stored.sha256, fileName: `联合审查会议纪要-${reviewId}.txt` },
          outcomes: input.outcomes,
          now,
          today: today(this.deps),
        });
        const recorded = next.jointReviews!.find((r) => r.id === reviewId)!;
        const refs = { caseId, projectId: c.projectId };
        notes = recorded.departments.map((d) =>
          newNotification(this.deps, deptAddress(d), jointReviewRecordedNotice(next, recorded), refs, now),
        );
        return {
          next,
          events: [
            {
              type: 'JointReviewRecorded',
              data: {
                jointReviewId: reviewId,
                minutesSha256: stored.sha256,
                outcomes: recorded.outcomes,
              },
            },
          ],
        };
      },
      async () => notes.map((n) => notificationChange(n)),
    );
    return result.saved;
  }
}

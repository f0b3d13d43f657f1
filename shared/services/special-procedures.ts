import { authorize } from '../domain/authz.js';
import type { Notification, SpecialProcedureType, StageCase } from '../domain/model.js';
import { orgAddress } from '../domain/notifications.js';
import {
  approveSpecialProcedure,
  declineSpecialProcedure,
  endSpecialProcedure,
  procedureNotice,
  procedureRequestNotice,
  requestSpecialProcedure,
  startSpecialProcedure,
} from '../domain/special-procedure.js';
import type { CalendarService } from './calendar.js';
import type { CaseService } from './cases.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';
import { newNotification, notificationChange } from './notifications.js';
import { nowIso, today } from './unit-of-work.js';

export type SpecialProcedureInput =
  | { action: 'request'; procedureType: SpecialProcedureType; reason: string; expectedDays: number }
  | { action: 'approve' }
  | { action: 'decline'; commentZh?: string }
  | { action: 'start'; procedureType: SpecialProcedureType; reason: string; expectedDays: number }
  | { action: 'end' };

/** An item action's If-Match: only that item must be unchanged since the version the reviewer saw. */
const onItem = (itemCode: string, version: number | undefined) =>
  version === undefined ? undefined : { itemCode, version };

/**
 * 特别程序 (行政许可法第四十五条): a reviewer asks, the department lead approves (or starts one
 * directly), the applicant receives the 特别程序告知书 in the same commit, the reviewer ends it.
 */
export class SpecialProcedureService {
  constructor(
    private readonly deps: Deps,
    private readonly cases: CaseService,
    private readonly calendar: CalendarService,
  ) {}

  async act(
    ctx: Ctx,
    caseId: string,
    itemCode: string,
    expectedVersion: number | undefined,
    input: SpecialProcedureInput,
  ) {
    const cal = await this.calendar.current();
    const rules = this.deps.province.specialProcedures;
    const person = { id: ctx.actor.id, name: ctx.actor.name };
    let notes: Notification[] = [];
    const result = await this.cases.mutate(
      ctx,
      caseId,
      onItem(itemCode, expectedVersion),
      async (c: StageCase) => {
        notes = [];
        const item = c.items.find((i) => i.code === itemCode);
        const scope = { itemDepartment: item?.department ?? '\u0000' };
        const now = nowIso(this.deps);
        const refs = { caseId, projectId: c.projectId, itemCode };
        const day = today(this.deps);
        switch (input.action) {
          case 'request': {
            authorize(ctx.actor, 'item.specialProcedure', scope);
            const next = requestSpecialProcedure(c, itemCode, { ...input, by: person, now, rules });
            const req = next.items.find((i) => i.code === itemCode)!;
            notes = [
              newNotification(
                this.deps,
                `dept:${req.department}:lead`,
                procedureRequestNotice(c, req, req.specialProcedureRequest!),
                refs,
                now,
              ),
            ];
            return {
              next,
              events: [
                {
                  type: 'SpecialProcedureRequested',
                  data: {
                    itemCode,
                    procedureType: input.procedureType,
                    reason: input.reason,
                    expectedDays: input.expectedDays,
                  },
                },
              ],
            };
          }
          case 'approve':
          case 'start': {
            authorize(ctx.actor, 'item.approveSpecialProcedure', scope);
            const { next, stop } =
              input.action === 'approve'
                ? approveSpecialProcedure(c, itemCode, { approver: person, today: day, cal, rules })
                : startSpecialProcedure(c, itemCode, { ...input, lead: person, today: day, cal, rules });
            notes = [newNotification(this.deps, orgAddress(c), procedureNotice(item!, stop), refs, now)];
            return {
              next,
              events: [
                {
                  type: 'SpecialProcedureStarted',
                  data: {
                    itemCode,
                    procedureType: stop.procedureType,
                    reason: stop.reason,
                    expectedDays: stop.expectedDays,
                    latestEnd: stop.latestEnd,
                    requestedBy: stop.requestedBy?.id,
                    approvedBy: stop.approver?.id,
                  },
                },
              ],
            };
          }
          case 'decline': {
            authorize(ctx.actor, 'item.approveSpecialProcedure', scope);
            const next = declineSpecialProcedure(c, itemCode, person);
            return {
              next,
              events: [
                {
                  type: 'SpecialProcedureDeclined',
                  data: {
                    itemCode,
                    requestedBy: item?.specialProcedureRequest?.by.id,
                    ...(input.commentZh ? { comment: input.commentZh } : {}),
                  },
                },
              ],
            };
          }
          case 'end': {
            authorize(ctx.actor, 'item.specialProcedure', scope);
            const next = endSpecialProcedure(c, itemCode, day);
            return { next, events: [{ type: 'SpecialProcedureEnded', data: { itemCode } }] };
          }
        }
      },
      async () => notes.map((n) => notificationChange(n)),
    );
    return result.saved;
  }
}

import { authorize } from '../domain/authz.js';
import { shanghaiDate } from '../domain/calendar.js';
import {
  DELIVERY_METHOD_ZH,
  type DeliveryMethod,
  deliveryRulesOf,
  recordDelivery,
} from '../domain/delivery.js';
import { decideExtension, extensionNoticeTexts, requestExtension } from '../domain/extension.js';
import type { Notification, StageCase } from '../domain/model.js';
import { deptAddress, orgAddress } from '../domain/notifications.js';
import type { CalendarService } from './calendar.js';
import { type CaseService, scopeOf } from './cases.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';
import { newNotification, notificationChange } from './notifications.js';
import { nowIso, today } from './unit-of-work.js';

/** An item action's If-Match: only that item must be unchanged since the version the caller saw. */
const onItem = (itemCode: string, version: number | undefined) =>
  version === undefined ? undefined : { itemCode, version };

const departmentOf = (c: StageCase, itemCode: string) =>
  c.items.find((i) => i.code === itemCode)?.department ?? '\u0000';

/**
 * 延长审查期限 (行政许可法第四十二条) and 送达 (第四十四条): the use cases around the decision's
 * clock, each one read–decide–write of the case through CaseService.mutate.
 */
export class ExtensionDeliveryService {
  constructor(
    private readonly deps: Deps,
    private readonly cases: CaseService,
    private readonly calendar: CalendarService,
  ) {}

  /** A reviewer of the item asks; the department's lead is told a request waits for them. */
  async requestExtension(
    ctx: Ctx,
    caseId: string,
    itemCode: string,
    expectedVersion: number | undefined,
    input: { days: number; reasonZh: string },
  ) {
    const cal = await this.calendar.current();
    let notes: Notification[] = [];
    const result = await this.cases.mutate(
      ctx,
      caseId,
      onItem(itemCode, expectedVersion),
      async (c) => {
        notes = [];
        const department = departmentOf(c, itemCode);
        authorize(ctx.actor, 'item.requestExtension', { itemDepartment: department });
        const now = nowIso(this.deps);
        const next = requestExtension(c, itemCode, {
          ...input,
          by: ctx.actor.id,
          now,
          today: today(this.deps),
          maxDays: this.deps.province.extension.maxDays,
          cal,
        });
        const item = next.items.find((i) => i.code === itemCode)!;
        notes = [
          newNotification(
            this.deps,
            `${deptAddress(department)}:lead`,
            extensionNoticeTexts.requested(next, item),
            { caseId, projectId: c.projectId, itemCode },
            now,
          ),
        ];
        return {
          next,
          events: [
            {
              type: 'ExtensionRequested',
              data: { itemCode, department, days: input.days, reason: item.extension?.reasonZh },
            },
          ],
        };
      },
      async () => notes.map((n) => notificationChange(n, ctx.actor.id)),
    );
    return result.saved;
  }

  /** The department lead approves or refuses; a grant tells the applicant the reason and new due date. */
  async decideExtension(
    ctx: Ctx,
    caseId: string,
    itemCode: string,
    expectedVersion: number | undefined,
    input: { action: 'approve' | 'refuse'; commentZh?: string },
  ) {
    const cal = await this.calendar.current();
    let notes: Notification[] = [];
    const result = await this.cases.mutate(
      ctx,
      caseId,
      onItem(itemCode, expectedVersion),
      async (c) => {
        notes = [];
        const department = departmentOf(c, itemCode);
        authorize(ctx.actor, 'item.decideExtension', { itemDepartment: department });
        const now = nowIso(this.deps);
        const next = decideExtension(c, itemCode, {
          ...input,
          by: ctx.actor.id,
          now,
          today: today(this.deps),
          maxDays: this.deps.province.extension.maxDays,
          cal,
        });
        const item = next.items.find((i) => i.code === itemCode)!;
        const ext = item.extension!;
        const refs = { caseId, projectId: c.projectId, itemCode };
        if (input.action === 'refuse') {
          return {
            next,
            events: [
              {
                type: 'ExtensionRefused',
                data: { itemCode, department, requestedBy: ext.requestedBy, comment: ext.commentZh },
              },
            ],
          };
        }
        notes = [
          newNotification(this.deps, orgAddress(c), extensionNoticeTexts.granted(next, item), refs, now),
        ];
        return {
          next,
          events: [
            {
              type: 'ExtensionGranted',
              data: {
                itemCode,
                department,
                requestedBy: ext.requestedBy,
                days: ext.grantedDays,
                reason: ext.reasonZh,
                originalPromisedDays: ext.originalPromisedDays,
                promisedDays: item.promisedDays,
                newDueDate: ext.newDueDate,
              },
            },
          ],
        };
      },
      async () => notes.map((n) => notificationChange(n, ctx.actor.id)),
    );
    return result.saved;
  }

  /** 送达: the window records how and when the decision reached the applicant. */
  async recordDelivery(
    ctx: Ctx,
    caseId: string,
    itemCode: string,
    expectedVersion: number | undefined,
    input: { method: DeliveryMethod; deliveredOn: string },
  ) {
    return this.deliver(ctx, caseId, itemCode, expectedVersion, 'item.recordDelivery', input, false);
  }

  /** 签收: the applicant confirms in the console that the decision reached them today. */
  async signForDelivery(ctx: Ctx, caseId: string, itemCode: string, expectedVersion: number | undefined) {
    const input = { method: 'electronic' as const, deliveredOn: today(this.deps) };
    return this.deliver(ctx, caseId, itemCode, expectedVersion, 'item.signForDelivery', input, true);
  }

  private async deliver(
    ctx: Ctx,
    caseId: string,
    itemCode: string,
    expectedVersion: number | undefined,
    action: 'item.recordDelivery' | 'item.signForDelivery',
    input: { method: DeliveryMethod; deliveredOn: string },
    signedByApplicant: boolean,
  ) {
    const result = await this.cases.mutate(ctx, caseId, onItem(itemCode, expectedVersion), async (c) => {
      authorize(ctx.actor, 'case.read', scopeOf(c));
      authorize(ctx.actor, action, scopeOf(c));
      const next = recordDelivery(c, itemCode, {
        ...input,
        by: ctx.actor.id,
        now: nowIso(this.deps),
        today: today(this.deps),
        signedByApplicant,
        rules: deliveryRulesOf(this.deps.province),
        dateOf: shanghaiDate,
      });
      return {
        next,
        events: [
          {
            type: 'DecisionDelivered',
            data: {
              itemCode,
              method: input.method,
              methodZh: DELIVERY_METHOD_ZH[input.method],
              deliveredOn: input.deliveredOn,
              ...(signedByApplicant ? { signedByApplicant: true } : {}),
            },
          },
        ],
      };
    });
    return result.saved;
  }
}

/**
 * 送达 (行政许可法第四十四条): a decision is issued and delivered to the applicant within ten days of
 * being made. An item's own decision (not a partner's recognised result, which the partner delivered)
 * is delivered by the window — electronically, in person or by post — or signed for (签收) by the
 * applicant in the console. A 容缺 result withheld until the missing materials arrive can only be
 * delivered once released, and its window runs from the release.
 */
import type { WorkingCalendar } from './calendar.js';
import { conflict, invalid } from './errors.js';
import { type LampThresholds, lampFor } from './lamps.js';
import type { CaseItem, Instant, IsoDate, Lamp, StageCase } from './model.js';
import type { NoticeText } from './notifications.js';

/** 行政许可法第四十四条: ten days after the decision. */
export const LAW_DELIVERY_DAYS = 10;

export const DELIVERY_METHODS = ['electronic', 'direct', 'post'] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];
export const DELIVERY_METHOD_ZH: Record<DeliveryMethod, string> = {
  electronic: '电子送达',
  direct: '直接送达',
  post: '邮寄送达',
};

export interface ItemDelivery {
  method: DeliveryMethod;
  /** the day the decision reached the applicant */
  deliveredOn: IsoDate;
  /** who recorded it: the window officer, or the applicant who signed for it */
  by: string;
  at: Instant;
  /** 签收: the applicant confirmed receipt in the console */
  signedByApplicant?: boolean;
}

/** What the delivery clock needs from the province: its limit and whether 容缺 results are withheld. */
export interface DeliveryRules {
  days: number;
  withhold: boolean;
}

export const DEFAULT_DELIVERY_RULES: DeliveryRules = { days: LAW_DELIVERY_DAYS, withhold: false };

/** The rules from the province configuration's `delivery` and 容缺 result policy. */
export const deliveryRulesOf = (p: {
  delivery: { days: number };
  deficiency: { resultPolicy: string };
}): DeliveryRules => ({ days: p.delivery.days, withhold: p.deficiency.resultPolicy === 'withhold' });

/**
 * The day the delivery window opens, or undefined when the item has nothing to deliver here: not
 * decided, recognised from a partner, or a withheld result not yet released. Under the withhold
 * policy a result released by a later supplement opens its window on the supplement day.
 */
export function deliveryStart(
  c: Pick<StageCase, 'deficiencies' | 'status'>,
  item: CaseItem,
  rules: DeliveryRules,
  dateOf: (at: Instant) => IsoDate,
): IsoDate | undefined {
  const d = item.decision;
  // a terminated case's acceptance is void (容缺 lapsed): nothing of it is delivered
  if (!d || d.recognition || d.resultWithheld || c.status === 'terminated') return undefined;
  let start = dateOf(d.at);
  if (rules.withhold && d.outcome === 'approve') {
    for (const x of c.deficiencies) {
      if (x.itemCode !== item.code || !x.supplementedAt) continue;
      const on = dateOf(x.supplementedAt);
      if (on > start) start = on;
    }
  }
  return start;
}

export interface DeliveryProgress {
  /** last day to deliver */
  deliveryDueDate: IsoDate;
  deliveredOn?: IsoDate;
  deliveryMethod?: DeliveryMethod;
  deliverySigned?: boolean;
  /** yellow near the end of the window, red when delivered late or still undelivered after it */
  deliveryLamp: Lamp;
}

/** The delivery clock of an item on `today`; undefined when there is nothing to deliver. */
export function deliveryProgress(
  cal: WorkingCalendar,
  c: Pick<StageCase, 'deficiencies' | 'status'>,
  item: CaseItem,
  today: IsoDate,
  thresholds: LampThresholds,
  rules: DeliveryRules,
  dateOf: (at: Instant) => IsoDate,
): DeliveryProgress | undefined {
  const start = deliveryStart(c, item, rules, dateOf);
  if (!start) return undefined;
  const due = cal.addWorkingDays(start, rules.days).date;
  const delivered = item.delivery;
  const asOf = delivered ? delivered.deliveredOn : today;
  const elapsed = asOf > start ? cal.workingDaysBetween(start, asOf) : 0;
  return {
    deliveryDueDate: due,
    ...(delivered
      ? {
          deliveredOn: delivered.deliveredOn,
          deliveryMethod: delivered.method,
          ...(delivered.signedByApplicant ? { deliverySigned: true } : {}),
        }
      : {}),
    deliveryLamp: lampFor({ limitDays: rules.days, elapsedDays: elapsed, decided: !!delivered }, thresholds),
  };
}

/**
 * 记录送达 / 签收: once per item, for a decision that can be delivered, on a day between its window's
 * opening and today.
 */
export function recordDelivery(
  c: StageCase,
  itemCode: string,
  input: {
    method: DeliveryMethod;
    deliveredOn: IsoDate;
    by: string;
    now: Instant;
    today: IsoDate;
    signedByApplicant?: boolean;
    rules: DeliveryRules;
    dateOf: (at: Instant) => IsoDate;
  },
): StageCase {
  const item = c.items.find((i) => i.code === itemCode);
  if (!item) throw invalid('ITEM_NOT_IN_CASE', '该事项不在本办件中');
  if (item.delivery) {
    throw conflict('ALREADY_DELIVERED', `该事项的审批决定已于 ${item.delivery.deliveredOn} 送达`);
  }
  if (!item.decision) throw conflict('ITEM_NOT_DECIDED', '该事项尚未作出决定，无可送达的决定');
  if (item.decision.recognition) {
    throw conflict('DELIVERY_NOT_REQUIRED', '互认的审批结果由来源省份送达，本省无须送达');
  }
  if (item.decision.resultWithheld) {
    throw conflict('RESULT_WITHHELD', '容缺材料尚未补齐，审批结果暂缓出具，不能送达');
  }
  const start = deliveryStart(c, item, input.rules, input.dateOf);
  if (!start) throw conflict('CASE_TERMINATED', '办件已终止，无须送达');
  if (input.deliveredOn > input.today || input.deliveredOn < start) {
    throw invalid('DELIVERY_DATE_OUT_OF_RANGE', `送达日期应在 ${start} 至 ${input.today} 之间`, {
      from: start,
      to: input.today,
    });
  }
  const delivery: ItemDelivery = {
    method: input.method,
    deliveredOn: input.deliveredOn,
    by: input.by,
    at: input.now,
    ...(input.signedByApplicant ? { signedByApplicant: true } : {}),
  };
  return { ...c, items: c.items.map((i) => (i.code === itemCode ? { ...i, delivery } : i)) };
}

/** Items whose delivery window has passed undelivered and that were not yet announced. */
export function overdueDeliveries(
  cal: WorkingCalendar,
  c: StageCase,
  today: IsoDate,
  rules: DeliveryRules,
  dateOf: (at: Instant) => IsoDate,
): { item: CaseItem; due: IsoDate }[] {
  return c.items.flatMap((item) => {
    if (item.delivery || item.deliveryOverdueNotifiedAt) return [];
    const start = deliveryStart(c, item, rules, dateOf);
    if (!start) return [];
    const due = cal.addWorkingDays(start, rules.days).date;
    return today > due ? [{ item, due }] : [];
  });
}

/** When the sweeper must next look at the case for deliveries: the day after the earliest window. */
export function nextDeliveryCheck(
  cal: WorkingCalendar,
  c: StageCase,
  rules: DeliveryRules,
  dateOf: (at: Instant) => IsoDate,
): IsoDate | undefined {
  const dates = c.items.flatMap((item) => {
    if (item.delivery || item.deliveryOverdueNotifiedAt) return [];
    const start = deliveryStart(c, item, rules, dateOf);
    return start ? [cal.addWorkingDays(start, rules.days + 1).date] : [];
  });
  return dates.sort()[0];
}

const caseLabel = (c: Pick<StageCase, 'projectName' | 'id'>) => `「${c.projectName}」（办件 ${c.id}）`;

export const deliveryNoticeTexts = {
  overdue: (c: StageCase, item: CaseItem, due: IsoDate): NoticeText => ({
    type: 'deliveryOverdue',
    titleZh: `送达超期：${item.name}`,
    bodyZh: `${caseLabel(c)}的事项「${item.name}」的审批决定应于 ${due} 前送达申请人（《行政许可法》第四十四条），至今未记录送达，请立即送达。`,
  }),
};

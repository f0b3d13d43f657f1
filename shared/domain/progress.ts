import type { WorkingCalendar } from './calendar.js';
import { addCalendarDays, shanghaiDate } from './calendar.js';
import {
  DEFAULT_DELIVERY_RULES,
  type DeliveryProgress,
  type DeliveryRules,
  deliveryProgress,
  nextDeliveryCheck,
} from './delivery.js';
import { type EscalationLevel, nextEscalationDate } from './escalation.js';
import { LAMP_SEVERITY, type LampThresholds, lampFor, redFromDate, yellowFromDate } from './lamps.js';
import type { CaseItem, IsoDate, Lamp, StageCase, Step } from './model.js';
import { STEPS } from './model.js';
import { deficiencyReminderDate, feedbackReminderDate, REFUSAL_REMEDY_ZH } from './notifications.js';
import { nextCheckReminder, pledgeState } from './pledge-approval.js';
import type { ProjectBudget, StageBudget } from './project-budget.js';
import { overrunCheckDate, type ProcedureOverrun, procedureOverrun } from './special-procedure.js';
import { currentStep, isOpen } from './stage-case.js';
import { dueDate, elapsedWorkingDays } from './time-limits.js';

/** with the 送达 clock (delivery.ts) once the item's decision can be delivered */
export interface ItemProgress extends Partial<DeliveryProgress> {
  code: string;
  name: string;
  department: string;
  status: CaseItem['status'];
  promisedDays: number;
  statutoryDays: number;
  startDate?: IsoDate;
  /** working days used, clock stops excluded */
  elapsedDays: number;
  remainingDays?: number;
  dueDate?: IsoDate;
  /** the due date lies in a year whose holiday arrangement is not yet published */
  provisional: boolean;
  statutoryDueDate?: IsoDate;
  lamp: Lamp;
  clockStopped: boolean;
  stoppedDays: number;
  /** 特别程序 running past its expected time: the item is red (special-procedure.ts) */
  procedureOverrun?: ProcedureOverrun;
  /**
   * 撤销: the approval was revoked (here, or by the partner province whose result was recognised,
   * which sent the item back to review), with the reason; the latest one
   */
  revocation?: { reasonZh: string; at: string; origin?: string; resultNo?: string };
  /** 告知承诺: approved on commitment; the 事后核查's state and due date */
  pledge?: NonNullable<ReturnType<typeof pledgeState>>;
}

function revocationOf(item: CaseItem): ItemProgress['revocation'] {
  const revoked = item.decision?.revoked;
  if (revoked) {
    const origin = item.decision?.recognition?.origin;
    return {
      reasonZh: revoked.reasonZh,
      at: revoked.at,
      ...(origin ? { origin } : {}),
      ...(item.decision?.resultNo ? { resultNo: item.decision.resultNo } : {}),
    };
  }
  const withdrawn = item.recognitionWithdrawals?.at(-1);
  return withdrawn
    ? {
        reasonZh: withdrawn.reasonZh,
        at: withdrawn.revokedAt,
        origin: withdrawn.origin,
        resultNo: withdrawn.resultNo,
      }
    : undefined;
}

export const worstLamp = (lamps: Lamp[]): Lamp =>
  lamps.reduce<Lamp>((w, l) => (LAMP_SEVERITY[l] > LAMP_SEVERITY[w] ? l : w), 'green');

/** The clock of an item on `today`: a decided item's clock ended on its decision day. */
export function itemProgress(
  cal: WorkingCalendar,
  item: CaseItem,
  today: IsoDate,
  thresholds: LampThresholds,
  decidedOn?: IsoDate,
): ItemProgress {
  const base = {
    code: item.code,
    name: item.name,
    department: item.department,
    status: item.status,
    promisedDays: item.promisedDays,
    statutoryDays: item.statutoryDays,
    ...(revocationOf(item) ? { revocation: revocationOf(item)! } : {}),
    ...(item.pledge ? { pledge: pledgeState(item, today)! } : {}),
  };
  if (!item.startDate) {
    return {
      ...base,
      elapsedDays: 0,
      provisional: false,
      lamp: 'green',
      clockStopped: false,
      stoppedDays: 0,
    };
  }
  if (item.decision?.recognition) {
    // 互认: the partner's decision counts; this province spent no time on the item
    return {
      ...base,
      startDate: item.startDate,
      elapsedDays: 0,
      remainingDays: item.promisedDays,
      provisional: false,
      lamp: 'green',
      clockStopped: false,
      stoppedDays: 0,
    };
  }
  const asOf = decidedOn ?? today;
  const elapsed = elapsedWorkingDays(cal, item.startDate, item.clockStops, asOf);
  const due = dueDate(cal, item.startDate, item.promisedDays, item.clockStops, asOf);
  const statutory = dueDate(cal, item.startDate, item.statutoryDays, item.clockStops, asOf);
  const stoppedDays = cal.workingDaysBetween(item.startDate, asOf) - elapsed;
  const overrun = item.decision ? undefined : procedureOverrun(cal, item, asOf);
  return {
    ...base,
    startDate: item.startDate,
    elapsedDays: elapsed,
    remainingDays: item.promisedDays - elapsed,
    dueDate: due.date,
    provisional: due.provisional,
    statutoryDueDate: statutory.date,
    lamp: overrun
      ? 'red'
      : lampFor({ limitDays: item.promisedDays, elapsedDays: elapsed, decided: !!item.decision }, thresholds),
    clockStopped: item.clockStops.some((s) => !s.to),
    stoppedDays: Math.max(0, stoppedDays),
    ...(overrun ? { procedureOverrun: overrun } : {}),
  };
}

export interface CaseProgress {
  caseId: string;
  status: StageCase['status'];
  step: Step;
  steps: { step: Step; state: 'done' | 'current' | 'pending' }[];
  lamp: Lamp;
  acceptDueDate: IsoDate;
  acceptOverdue: boolean;
  items: ItemProgress[];
  deficiencies: (StageCase['deficiencies'][number] & { overdue: boolean })[];
  /** the stage's own deadline and lamp against its promised limit (project-budget.ts) */
  stageClock?: StageBudget;
  /** the project's 全流程审批时间: used and left of its flow budget, with its lamp */
  projectBudget?: Omit<ProjectBudget, 'stages'>;
  /** 不予批准 (行政许可法第三十八条): each refused item's reasons, and the applicant's remedies */
  rejection?: { items: { code: string; name: string; reasonsZh: string }[]; remedyZh: string };
}

export function caseProgress(
  cal: WorkingCalendar,
  c: StageCase,
  today: IsoDate,
  thresholds: LampThresholds,
  decidedOnOf: (at: string) => IsoDate,
  delivery: DeliveryRules = DEFAULT_DELIVERY_RULES,
): CaseProgress {
  const items = c.items.map((i) => ({
    ...itemProgress(cal, i, today, thresholds, i.decision ? decidedOnOf(i.decision.at) : undefined),
    ...deliveryProgress(cal, c, i, today, thresholds, delivery, decidedOnOf),
  }));
  const step = currentStep(c);
  const idx = STEPS.indexOf(step);
  const finished = !!c.feedback;
  const acceptOverdue = c.status === 'submitted' && today > c.acceptDueDate;
  return {
    caseId: c.id,
    status: c.status,
    step,
    steps: STEPS.map((s, i) => ({
      step: s,
      state: finished || i < idx ? 'done' : i === idx ? 'current' : 'pending',
    })),
    lamp: worstLamp([...items.map((i) => i.lamp), acceptOverdue ? 'red' : 'green']),
    acceptDueDate: c.acceptDueDate,
    acceptOverdue,
    items,
    deficiencies: c.deficiencies.map((d) => ({ ...d, overdue: d.status === 'open' && today > d.deadline })),
    ...(c.status === 'rejected' ? { rejection: rejectionOf(c) } : {}),
  };
}

function rejectionOf(c: StageCase): NonNullable<CaseProgress['rejection']> {
  return {
    items: c.items
      .filter((i) => i.decision?.outcome === 'reject')
      .map((i) => ({ code: i.code, name: i.name, reasonsZh: i.decision?.reasons ?? '' })),
    remedyZh: REFUSAL_REMEDY_ZH,
  };
}

/**
 * The next date on which the sweeper must look at the case: acceptance overdue, an item turning
 * yellow or red (unless already announced), the next level of an overdue item's escalation ladder,
 * a 容缺 reminder or deadline, or the reminder of a closed case's unanswered feedback request.
 * Undefined: nothing scheduled. Dates already past mean "due now" (a sweeper that was down).
 */
export function nextCheckDate(
  cal: WorkingCalendar,
  c: StageCase,
  today: IsoDate,
  thresholds: LampThresholds,
  ladder: readonly EscalationLevel[] = [],
  /** 送达: an undelivered decision is due the day after its window closes */
  delivery?: DeliveryRules,
): IsoDate | undefined {
  const candidates: IsoDate[] = [];
  // 告知承诺: the department is told once when the 事后核查 falls due, whatever the case's state
  const pledgeCheck = nextCheckReminder(c);
  if (pledgeCheck) candidates.push(pledgeCheck);
  const deliveryCheck = delivery && nextDeliveryCheck(cal, c, delivery, shanghaiDate);
  if (deliveryCheck) candidates.push(deliveryCheck);
  if (c.status === 'submitted' && !c.acceptOverdueNotified)
    candidates.push(addCalendarDays(c.acceptDueDate, 1));
  // 视为受理 (行政许可法第三十二条) on the first working day after the acceptance limit
  if (c.status === 'submitted')
    candidates.push(c.acceptDeemedOn ?? cal.addWorkingDays(c.acceptDueDate, 1).date);
  for (const d of c.deficiencies) {
    if (d.status !== 'open') continue;
    candidates.push(addCalendarDays(d.deadline, 1));
    const remind = d.remindedAt ? undefined : deficiencyReminderDate(cal, c, d);
    if (remind) candidates.push(remind);
  }
  if (c.status === 'underReview') {
    for (const item of c.items) {
      // a special procedure past its expected time is escalated once (special-procedure.ts)
      const overrunOn = item.decision ? undefined : overrunCheckDate(cal, item);
      if (overrunOn) candidates.push(overrunOn);
      if (item.decision || !item.startDate || item.clockStops.some((s) => !s.to)) continue;
      if (item.lampNotified !== 'yellow' && item.lampNotified !== 'red') {
        candidates.push(
          yellowFromDate(cal, item.startDate, item.promisedDays, item.clockStops, today, thresholds),
        );
      }
      if (item.lampNotified !== 'red') {
        // red from the first working day after the due date, not the calendar day after it
        candidates.push(redFromDate(cal, item.startDate, item.promisedDays, item.clockStops, today));
      }
      const escalation = nextEscalationDate(cal, item, today, ladder);
      if (escalation) candidates.push(escalation);
    }
  }
  if (
    (c.status === 'approved' || c.status === 'rejected') &&
    c.feedbackRequestedAt &&
    !c.feedback &&
    !c.feedbackRemindedAt
  ) {
    candidates.push(feedbackReminderDate(cal, shanghaiDate(c.feedbackRequestedAt)));
  }
  // ISO dates order as strings; the earliest is the first after sorting
  return candidates.sort()[0];
}

export { isOpen };

import { awaitingConfirmation } from '../domain/agency.js';
import { shanghaiDate, type WorkingCalendar } from '../domain/calendar.js';
import { overdueCommitments } from '../domain/deficiency.js';
import { deliveryNoticeTexts, deliveryRulesOf, overdueDeliveries } from '../domain/delivery.js';
import { dueEscalations, escalationRecipients, overdueWorkingDays } from '../domain/escalation.js';
import { LAMP_SEVERITY, type LampThresholds } from '../domain/lamps.js';
import type { EscalationRecord, Lamp, Notification, Project, StageCase, Versioned } from '../domain/model.js';
import {
  deficiencyReminderDate,
  deptAddress,
  feedbackReminderDate,
  noticeTexts,
  orgAddress,
  windowAddress,
} from '../domain/notifications.js';
import { markChecksReminded, pledgeNotices } from '../domain/pledge-approval.js';
import { itemProgress } from '../domain/progress.js';
import type { ProjectBudget } from '../domain/project-budget.js';
import {
  markOverrunEscalated,
  procedureOverrun,
  procedureOverrunNotice,
} from '../domain/special-procedure.js';
import { deemAccepted, deemedAcceptanceDate, terminate } from '../domain/stage-case.js';
import type { Change } from '../ports/store.js';
import type { CalendarService } from './calendar.js';
import type { CaseService } from './cases.js';
import { SYSTEM_ACTOR } from './context.js';
import { creditMarkChanges } from './credit-marks.js';
import type { Deps } from './deps.js';
import { newNotification, notificationChange } from './notifications.js';
import { computeProjectBudget } from './project-budget.js';
import { nowIso, today } from './unit-of-work.js';
import { taskKeys, WorkflowCallbacks } from './workflow-callbacks.js';

export interface SweepReport {
  /** cases read from the due index */
  examined: number;
  /** cases changed */
  changed: number;
  terminated: number;
  lampChanges: { caseId: string; itemCode: string; lamp: Lamp }[];
  /** escalation levels reached in this run (督办升级) */
  escalations: {
    caseId: string;
    itemCode: string;
    level: number;
    address: string;
    recipients: NonNullable<EscalationRecord['recipients']>;
  }[];
  /** notifications written in this run */
  notifications: number;
  /** 视为受理 in this run */
  deemed?: number;
}

type EventOut = { type: string; data: Record<string, unknown> };

/**
 * 时限巡检: reads only cases whose next check date has come (the `due` index), turns lamps,
 * climbs the escalation ladder of overdue items, announces missed acceptance deadlines, reminds
 * applicants of 容缺 deadlines and of the feedback they owe, and terminates cases whose 容缺
 * commitments lapsed. Every announcement is recorded on the case and its notifications are written
 * in the same commit, so a second run (or two at once) adds nothing: the loser of a race re-decides
 * on fresh state and finds everything already recorded.
 */
export async function runSweep(
  deps: Deps,
  cases: CaseService,
  calendar: CalendarService,
): Promise<SweepReport> {
  const report: SweepReport = {
    examined: 0,
    changed: 0,
    terminated: 0,
    lampChanges: [],
    escalations: [],
    notifications: 0,
  };
  const day = today(deps);
  const cal = await calendar.current();
  const callbacks = new WorkflowCallbacks(deps);
  let cursor: string | undefined;
  do {
    const page = await deps.store.query('due', deps.province.code, {
      to: `${day}#\uffff`,
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    for (const hit of page.items) {
      report.examined += 1;
      const found = await deps.store.get<StageCase>('stageCase', hit.id);
      if (!found) continue;
      // 专窗代办: an application the enterprise has not confirmed is not yet received, so not deemed accepted
      const received = !awaitingConfirmation(found.value);
      if (found.value.status === 'submitted' && received && day >= deemedAcceptanceDate(cal, found.value)) {
        const notes = await deemAcceptance(deps, cases, callbacks, cal, found, day);
        if (notes !== undefined) {
          report.deemed = (report.deemed ?? 0) + 1;
          report.changed += 1;
          report.notifications += notes;
        }
        continue;
      }
      const lapsed = overdueCommitments(found.value.deficiencies, day);
      if (lapsed.length > 0 && found.value.status !== 'terminated') {
        const notes = await terminateLapsed(deps, cases, callbacks, found, day);
        if (notes !== undefined) {
          report.terminated += 1;
          report.changed += 1;
          report.notifications += notes;
        }
        continue;
      }
      // Rebuilt on each attempt: a lost race re-decides on fresh state and must not report twice.
      let lampChanges: SweepReport['lampChanges'] = [];
      let escalations: SweepReport['escalations'] = [];
      let notes: Notification[] = [];
      // 一家牵头: the stage's lead department (told at level 3) depends on the project's investment
      const governmentInvested =
        found.value.status === 'underReview' &&
        ((await deps.store.get<Project>('project', found.value.projectId))?.value.governmentInvested ??
          false);
      // 全流程审批时间 in the escalations: only read (all of the project's cases) when an item is red
      const budget =
        found.value.status === 'underReview' && hasRedItem(cal, found.value, day, deps.province.lamps)
          ? await projectBudgetOf(deps, calendar, found.value.projectId)
          : undefined;
      const result = await cases.mutate(
        { actor: SYSTEM_ACTOR },
        hit.id,
        undefined,
        async (c) => {
          const decided = decide(deps, cal, c, day, governmentInvested, budget);
          lampChanges = decided.lampChanges;
          escalations = decided.escalations;
          notes = decided.notes;
          // Even with nothing to announce the indexes are rewritten, moving the next check forward.
          return { next: decided.events.length > 0 ? decided.next : { ...c }, events: decided.events };
        },
        async () => notes.map((n) => notificationChange(n)),
        found,
      );
      report.lampChanges.push(...lampChanges);
      report.escalations.push(...escalations);
      report.notifications += notes.length;
      if (result.saved.value !== result.before) report.changed += 1;
    }
    cursor = page.cursor;
  } while (cursor);
  return report;
}

/** What the sweeper records on one case today, with the events and notices that go with it. */
function hasRedItem(cal: WorkingCalendar, c: StageCase, day: string, thresholds: LampThresholds): boolean {
  return c.items.some((i) => !i.decision && itemProgress(cal, i, day, thresholds).lamp === 'red');
}

async function projectBudgetOf(
  deps: Deps,
  calendar: CalendarService,
  projectId: string,
): Promise<ProjectBudget | undefined> {
  const project = await deps.store.get<Project>('project', projectId);
  return project ? computeProjectBudget(deps, calendar, project.value) : undefined;
}

function decide(
  deps: Deps,
  cal: WorkingCalendar,
  c: StageCase,
  day: string,
  governmentInvested: boolean,
  budget?: ProjectBudget,
) {
  const province = deps.province;
  const at = nowIso(deps);
  const events: EventOut[] = [];
  const notes: Notification[] = [];
  const lampChanges: SweepReport['lampChanges'] = [];
  const escalations: SweepReport['escalations'] = [];
  const notify = (address: string, text: Parameters<typeof newNotification>[2], itemCode?: string) =>
    notes.push(
      newNotification(
        deps,
        address,
        text,
        { caseId: c.id, projectId: c.projectId, ...(itemCode ? { itemCode } : {}) },
        at,
      ),
    );
  let next: StageCase = c;

  if (
    c.status === 'submitted' &&
    !awaitingConfirmation(c) &&
    day > c.acceptDueDate &&
    !c.acceptOverdueNotified
  ) {
    next = { ...next, acceptOverdueNotified: true };
    events.push({ type: 'AcceptanceOverdue', data: { acceptDueDate: c.acceptDueDate } });
    notify(windowAddress(c, province.windowUnit), noticeTexts.acceptanceOverdue(c));
  }

  if (c.status === 'underReview') {
    let itemsChanged = false;
    const items = c.items.map((item) => {
      if (item.decision) return item;
      let updated = item;
      const progress = itemProgress(cal, item, day, province.lamps);
      // a special procedure's overrun has its own escalation below; announced as the item's red lamp
      // it would mark the lamp told and silence the real overdue notice once the clock runs again
      const lamp = progress.procedureOverrun ? (item.lampNotified ?? 'green') : progress.lamp;
      if (LAMP_SEVERITY[lamp] > LAMP_SEVERITY[item.lampNotified ?? 'green']) {
        events.push({
          type: lamp === 'red' ? 'ItemOverdue' : 'ItemAtRisk',
          data: { itemCode: item.code, department: item.department, lamp },
        });
        lampChanges.push({ caseId: c.id, itemCode: item.code, lamp });
        notify(
          deptAddress(item.department),
          lamp === 'red' ? noticeTexts.itemOverdue(c, item) : noticeTexts.itemAtRisk(c, item),
          item.code,
        );
        updated = { ...updated, lampNotified: lamp };
      }
      if (lamp === 'red') {
        const overdueDays = overdueWorkingDays(cal, item, day);
        const due = dueEscalations(overdueDays, province.escalation, item.escalations ?? []);
        if (due.length > 0) {
          const leadTitle = province.departments.find((d) => d.code === item.department)?.leadTitle;
          const records: EscalationRecord[] = due.map((level) => {
            const recipients = escalationRecipients(level.role, item, c, { province, governmentInvested });
            const address = recipients[0]?.address ?? 'role:supervisor';
            events.push({
              type: 'ItemEscalated',
              data: {
                itemCode: item.code,
                level: level.level,
                role: level.role,
                address,
                recipients,
                overdueDays,
                ...(budget
                  ? {
                      budgetDays: budget.budgetDays,
                      budgetUsedDays: budget.usedDays,
                      budgetLeftDays: budget.leftDays,
                    }
                  : {}),
              },
            });
            for (const r of recipients) {
              notify(
                r.address,
                noticeTexts.itemEscalated(c, item, level, overdueDays, leadTitle, budget),
                item.code,
              );
            }
            escalations.push({ caseId: c.id, itemCode: item.code, level: level.level, address, recipients });
            return {
              level: level.level,
              role: level.role,
              nameZh: level.nameZh,
              address,
              recipients,
              at,
              overdueDays,
            };
          });
          updated = { ...updated, escalations: [...(item.escalations ?? []), ...records] };
        }
      }
      // 特别程序超期: escalated once, to the department lead and the working group (supervisors)
      const overrun = procedureOverrun(cal, updated, day);
      if (overrun && !updated.clockStops.some((s) => !s.to && s.overrunEscalatedAt)) {
        const ctx = { province, governmentInvested };
        const recipients = [
          ...escalationRecipients('departmentLead', item, c, ctx),
          ...escalationRecipients('workingGroup', item, c, ctx),
        ];
        events.push({
          type: 'SpecialProcedureOverdue',
          data: {
            itemCode: item.code,
            procedureType: overrun.procedureType,
            latestEnd: overrun.latestEnd,
            overrunDays: overrun.overrunDays,
            recipients,
          },
        });
        for (const r of recipients) notify(r.address, procedureOverrunNotice(c, item, overrun), item.code);
        updated = markOverrunEscalated(updated, at);
      }
      if (updated !== item) itemsChanged = true;
      return updated;
    });
    if (itemsChanged) next = { ...next, items };
  }

  // 容缺: the applicant is reminded once, a few working days before the supplement deadline
  let deficienciesChanged = false;
  const deficiencies = c.deficiencies.map((d) => {
    if (d.status !== 'open' || d.remindedAt || day > d.deadline) return d;
    const remindOn = deficiencyReminderDate(cal, c, d);
    if (!remindOn || day < remindOn) return d;
    events.push({
      type: 'DeficiencyReminded',
      data: { materialCode: d.materialCode, itemCode: d.itemCode, deadline: d.deadline },
    });
    notify(orgAddress(c), noticeTexts.deficiencyReminder(c, d), d.itemCode);
    deficienciesChanged = true;
    return { ...d, remindedAt: at };
  });
  if (deficienciesChanged) next = { ...next, deficiencies };

  // 告知承诺: the item's department is told once that its 事后核查 is due
  const checks = markChecksReminded(next, day, at);
  for (const item of checks.due) {
    events.push({
      type: 'PledgeCheckReminded',
      data: { itemCode: item.code, dueDate: item.pledge!.check.dueDate },
    });
    notify(deptAddress(item.department), pledgeNotices.checkDue(c, item), item.code);
  }
  next = checks.next;

  // 满意度回访: one reminder when the applicant has not rated the stage a few working days later
  if (c.feedbackRequestedAt && !c.feedback && !c.feedbackRemindedAt) {
    if (day >= feedbackReminderDate(cal, shanghaiDate(c.feedbackRequestedAt))) {
      next = { ...next, feedbackRemindedAt: at };
      events.push({ type: 'FeedbackReminded', data: { requestedAt: c.feedbackRequestedAt } });
      notify(orgAddress(c), noticeTexts.feedbackReminder(c));
    }
  }

  // 送达 (行政许可法第四十四条): an undelivered decision past its window is announced once to the window
  const lateDeliveries = overdueDeliveries(cal, next, day, deliveryRulesOf(province), shanghaiDate);
  if (lateDeliveries.length > 0) {
    const late = new Map(lateDeliveries.map((x) => [x.item.code, x.due]));
    for (const { item, due } of lateDeliveries) {
      events.push({ type: 'DeliveryOverdue', data: { itemCode: item.code, due } });
      notify(windowAddress(c, province.windowUnit), deliveryNoticeTexts.overdue(c, item, due), item.code);
    }
    next = {
      ...next,
      items: next.items.map((i) => (late.has(i.code) ? { ...i, deliveryOverdueNotifiedAt: at } : i)),
    };
  }

  return { next, events, notes, lampChanges, escalations };
}

/**
 * 容缺 not supplemented in time: the acceptance is void, the case terminated, the applicant's credit
 * marked, and the applicant and the window told, all in one commit. Returns how many notices were
 * written, or undefined when another sweeper (or a supplement) got there first.
 */
async function terminateLapsed(
  deps: Deps,
  cases: CaseService,
  callbacks: WorkflowCallbacks,
  found: Versioned<StageCase>,
  day: string,
): Promise<number | undefined> {
  const caseId = found.value.id;
  let notes: Notification[] = [];
  let reason = '';
  const result = await cases.mutate(
    { actor: SYSTEM_ACTOR },
    caseId,
    undefined,
    async (c) => {
      notes = [];
      const lapsed = overdueCommitments(c.deficiencies, day);
      if (c.status === 'terminated' || lapsed.length === 0) return { next: c, events: [] };
      reason = `容缺材料未在期限内补齐：${lapsed.map((d) => d.materialCode).join('、')}`;
      const at = nowIso(deps);
      const text = noticeTexts.caseTerminated(c, reason);
      const refs = { caseId: c.id, projectId: c.projectId };
      notes = [
        newNotification(deps, orgAddress(c), text, refs, at),
        newNotification(deps, windowAddress(c, deps.province.windowUnit), text, refs, at),
      ];
      return {
        next: terminate(c, reason, at),
        events: [{ type: 'CaseTerminated', data: { reason, creditMark: true } }],
      };
    },
    async (c): Promise<Change[]> => [
      // 滥用: a lapsed 容缺 counts toward abuse as a failed 事后核查 does
      ...(await creditMarkChanges(deps, c, reason, SYSTEM_ACTOR.id, nowIso(deps))),
      ...notes.map((n) => notificationChange(n)),
    ],
    found,
  );
  if (result.saved.value === result.before) return undefined;
  await callbacks.failAll(caseId, 'CaseTerminated', reason);
  return notes.length;
}

/**
 * 视为受理 (行政许可法第三十二条): the window did not act within the acceptance limit, so the case is
 * accepted from the deemed day, recorded as such, the workflow's acceptance wait completed as for a
 * window's acceptance, and the window and the applicant told. Returns how many notices were
 * written, or undefined when the window (or another sweeper) acted first.
 */
async function deemAcceptance(
  deps: Deps,
  cases: CaseService,
  callbacks: WorkflowCallbacks,
  cal: WorkingCalendar,
  found: Versioned<StageCase>,
  day: string,
): Promise<number | undefined> {
  let notes: Notification[] = [];
  const result = await cases.mutate(
    { actor: SYSTEM_ACTOR },
    found.value.id,
    undefined,
    async (c) => {
      notes = [];
      if (c.status !== 'submitted' || day < deemedAcceptanceDate(cal, c)) return { next: c, events: [] };
      const at = nowIso(deps);
      const next = deemAccepted(c, { windowUnit: deps.province.windowUnit, now: at, today: day, cal });
      const deemedOn = deemedAcceptanceDate(cal, c);
      const text = noticeTexts.acceptanceDeemed(c, deemedOn);
      const refs = { caseId: c.id, projectId: c.projectId };
      notes = [
        newNotification(deps, windowAddress(next, deps.province.windowUnit), text, refs, at),
        newNotification(deps, orgAddress(c), text, refs, at),
      ];
      return {
        next,
        events: [
          {
            type: 'AcceptanceDeemed',
            data: {
              round: c.round,
              acceptDueDate: c.acceptDueDate,
              deemedOn,
              firstReceiver: deps.province.windowUnit,
            },
          },
        ],
      };
    },
    async () => notes.map((n) => notificationChange(n)),
    found,
  );
  if (result.saved.value === result.before) return undefined;
  await callbacks.complete(taskKeys.acceptance(found.value.id, result.before.round), { outcome: 'accept' });
  await cases.applyRecognitions(found.value.id);
  return notes.length;
}

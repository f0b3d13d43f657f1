/**
 * In-app notices (通知): who an actor is addressed as, and the Chinese texts the services send.
 * Addresses (see Notification): `user:<id>`, `role:<role>`, `dept:<code>`, `dept:<code>:lead`,
 * `unit:<unit>`, `org:<creditCode>`.
 */
import type { WorkingCalendar } from './calendar.js';
import { addCalendarDays, shanghaiDate } from './calendar.js';
import type { EscalationLevel } from './escalation.js';
import type { Actor, CaseItem, DeficiencyCommitment, IsoDate, StageCase } from './model.js';
import type { ProjectBudget } from './project-budget.js';

/**
 * 容缺 reminder: the applicant is reminded this many working days before a supplement deadline.
 * The province configuration has no field for it yet; this is the one place it is set.
 */
export const DEFICIENCY_REMINDER_WORKING_DAYS = 2;
/** 满意度回访: an applicant who has not rated the stage this many working days after the request is reminded once. */
export const FEEDBACK_REMINDER_WORKING_DAYS = 5;

/** Every address whose notices the actor reads. */
export function addressesOf(actor: Actor): string[] {
  const out = [`user:${actor.id}`, `role:${actor.role}`];
  if (actor.role === 'reviewer' && actor.department) {
    out.push(`dept:${actor.department}`);
    if (actor.lead) out.push(`dept:${actor.department}:lead`);
  }
  if (actor.unit) out.push(`unit:${actor.unit}`);
  if (actor.role === 'applicant' && actor.creditCode) out.push(`org:${actor.creditCode}`);
  return out;
}

export const orgAddress = (c: Pick<StageCase, 'applicant'>) => `org:${c.applicant.creditCode}`;
export const deptAddress = (department: string) => `dept:${department}`;
/** The window that receives applications: the accepting unit once there is one, else the province's window. */
export const windowAddress = (c: Pick<StageCase, 'firstReceiver'>, windowUnit: string) =>
  `unit:${c.firstReceiver?.unit ?? windowUnit}`;

/** The working day `n` working days before `date` (the date itself when n is 0). */
export function workingDaysBefore(cal: WorkingCalendar, date: IsoDate, n: number): IsoDate {
  let d = date;
  for (let left = n; left > 0; ) {
    d = addCalendarDays(d, -1);
    if (cal.isWorkingDay(d)) left--;
  }
  return d;
}

/**
 * When the applicant is reminded of an open 容缺 commitment: DEFICIENCY_REMINDER_WORKING_DAYS
 * working days before its deadline. Undefined when that is not after the acceptance day (a short
 * grant): the acceptance notice itself named the deadline.
 */
export function deficiencyReminderDate(
  cal: WorkingCalendar,
  c: Pick<StageCase, 'acceptance'>,
  d: Pick<DeficiencyCommitment, 'deadline'>,
): IsoDate | undefined {
  const date = workingDaysBefore(cal, d.deadline, DEFICIENCY_REMINDER_WORKING_DAYS);
  return c.acceptance && date <= shanghaiDate(c.acceptance.at) ? undefined : date;
}

/** When a silent applicant is reminded to rate the stage (requested on `requestedOn`). */
export const feedbackReminderDate = (cal: WorkingCalendar, requestedOn: IsoDate) =>
  cal.addWorkingDays(requestedOn, FEEDBACK_REMINDER_WORKING_DAYS).date;

/** A notice's content; the service adds id, address and time. */
export interface NoticeText {
  type: string;
  titleZh: string;
  bodyZh: string;
}

const caseLabel = (c: Pick<StageCase, 'projectName' | 'id'>) => `「${c.projectName}」（办件 ${c.id}）`;

export const noticeTexts = {
  itemAtRisk: (c: StageCase, item: CaseItem): NoticeText => ({
    type: 'itemAtRisk',
    titleZh: `黄灯预警：${item.name}`,
    bodyZh: `${caseLabel(c)}的事项「${item.name}」即将到达承诺时限（${item.promisedDays}个工作日），请抓紧办理。`,
  }),
  itemOverdue: (c: StageCase, item: CaseItem): NoticeText => ({
    type: 'itemOverdue',
    titleZh: `红灯超期：${item.name}`,
    bodyZh: `${caseLabel(c)}的事项「${item.name}」已超过承诺时限（${item.promisedDays}个工作日），请立即办理。`,
  }),
  itemEscalated: (
    c: StageCase,
    item: CaseItem,
    level: EscalationLevel,
    overdueDays: number,
    leadTitle?: string,
    /** the project's 全流程审批时间, so whoever is told sees what the delay costs the whole flow */
    budget?: Pick<ProjectBudget, 'budgetDays' | 'usedDays' | 'leftDays' | 'overrunDays'>,
  ): NoticeText => ({
    type: 'itemEscalated',
    titleZh: `督办升级（第${level.level}级·${level.nameZh}）：${item.name}`,
    bodyZh:
      `${caseLabel(c)}的事项「${item.name}」已超期${overdueDays}个工作日，按督办升级规定告知${level.nameZh}` +
      `${level.role === 'departmentLead' && leadTitle ? `（${leadTitle}）` : ''}，请督促办理并反馈。` +
      (budget ? budgetSentence(budget) : ''),
  }),
  acceptanceDeemed: (c: StageCase, deemedOn: string): NoticeText => ({
    type: 'acceptanceDeemed',
    titleZh: `视为受理：${c.projectName}`,
    bodyZh: `${caseLabel(c)}在受理时限（${c.acceptDueDate}）内未获答复，依照《行政许可法》第三十二条自 ${deemedOn} 起视为受理，审批时限自该日起算。`,
  }),
  stageRejected: (c: StageCase): NoticeText => ({
    type: 'stageRejected',
    titleZh: `不予批准：${c.projectName}`,
    bodyZh: `${caseLabel(c)}经审查不予批准。${c.items
      .filter((i) => i.decision?.outcome === 'reject')
      .map((i) => `「${i.name}」不予批准的理由：${i.decision?.reasons ?? ''}`)
      .join('；')}。${REFUSAL_REMEDY_ZH}`,
  }),
  acceptanceOverdue: (c: StageCase): NoticeText => ({
    type: 'acceptanceOverdue',
    titleZh: `受理超时：${c.projectName}`,
    bodyZh: `${caseLabel(c)}已超过受理时限（${c.acceptDueDate}），请立即作出受理决定。`,
  }),
  deficiencyReminder: (c: StageCase, d: DeficiencyCommitment): NoticeText => ({
    type: 'deficiencyReminder',
    titleZh: `容缺材料补齐提醒：${c.projectName}`,
    bodyZh: `${caseLabel(c)}容缺受理的材料 ${d.materialCode}（事项 ${d.itemCode}）须于 ${d.deadline} 前补齐，逾期将终止办理并记入信用记录。`,
  }),
  caseTerminated: (c: StageCase, reason: string): NoticeText => ({
    type: 'caseTerminated',
    titleZh: `办件终止：${c.projectName}`,
    bodyZh: `${caseLabel(c)}已终止办理：${reason}。`,
  }),
  feedbackRequested: (c: StageCase): NoticeText => ({
    type: 'feedbackRequested',
    titleZh: `请评价审批服务：${c.projectName}`,
    bodyZh: `${caseLabel(c)}已办结，请对本阶段的审批服务进行满意度评价。`,
  }),
  recognitionWithdrawn: (c: StageCase, item: CaseItem, origin: string, reasonZh: string): NoticeText => ({
    type: 'recognitionWithdrawn',
    titleZh: `互认撤回：${item.name}`,
    bodyZh: `${caseLabel(c)}的事项「${item.name}」原互认的合作省份（${origin}）审批结果已被来源省份撤销（理由：${reasonZh}），该事项恢复审查，时限重新起算。`,
  }),
  feedbackReminder: (c: StageCase): NoticeText => ({
    type: 'feedbackReminder',
    titleZh: `评价提醒：${c.projectName}`,
    bodyZh: `${caseLabel(c)}已办结，您尚未评价本阶段的审批服务，欢迎提出意见和建议。`,
  }),
};

/** 行政许可法第三十八条: a refusal tells the applicant of the right to review or sue, and to apply again. */
export const REFUSAL_REMEDY_ZH =
  '如对本决定不服，可以自收到本决定之日起六十日内依法申请行政复议，或者自收到之日起六个月内依法提起行政诉讼；消除不予批准的原因后，也可以重新提出申请。';

function budgetSentence(
  b: Pick<ProjectBudget, 'budgetDays' | 'usedDays' | 'leftDays' | 'overrunDays'>,
): string {
  const rest = b.overrunDays > 0 ? `已超出${b.overrunDays}个工作日` : `剩余${b.leftDays}个工作日`;
  return `项目全流程审批时间已用${b.usedDays}个工作日（共${b.budgetDays}个工作日），${rest}。`;
}

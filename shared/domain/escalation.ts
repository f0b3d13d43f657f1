/**
 * 督办升级: the escalation ladder of an overdue item (DOMAIN.md "Time"). Each level of the
 * province's ladder is told once, when the item has been overdue for at least `afterOverdueDays`
 * working days; a sweeper that was down catches up every level that became due meanwhile.
 *
 * Overdue working days = elapsed − promised (clock stops excluded): 1 on the first red day. A level
 * with `afterOverdueDays` 0 is therefore reached on the first red day, like one with 1.
 */
import type { ProvinceConfig } from '../config/province-config.js';
import { stageLeadDepartment } from './admission.js';
import type { WorkingCalendar } from './calendar.js';
import type { CaseItem, EscalationRecord, IsoDate, StageCase } from './model.js';
import { stoppedWorkingDays } from './time-limits.js';

export type EscalationLevel = ProvinceConfig['escalation'][number];

/** Levels of the ladder now due for an item overdue by `overdueDays`, lowest first, not yet recorded. */
export function dueEscalations(
  overdueDays: number,
  ladder: readonly EscalationLevel[],
  recorded: readonly EscalationRecord[] = [],
): EscalationLevel[] {
  if (overdueDays < 1) return [];
  const done = new Set(recorded.map((r) => r.level));
  return ladder
    .filter((l) => !done.has(l.level) && l.afterOverdueDays <= overdueDays)
    .sort((a, b) => a.level - b.level);
}

/** One person or group a rung of the ladder tells: a notification address and who that is, in Chinese. */
export interface EscalationRecipient {
  address: string;
  nameZh: string;
}

/** What the ladder needs to know about the province and the project to name a rung's recipients. */
export interface EscalationContext {
  province: Pick<ProvinceConfig, 'departments' | 'stages'>;
  /** the project is government-invested: stage 1 is then led by 发展改革 (stageLeadDepartment) */
  governmentInvested: boolean;
}

/**
 * Who each rung tells (督办升级 reaches people, not mailboxes nobody reads):
 * 1 the item's holder — the reviewer it was handed to (转办), else the department's reviewers;
 * 2 the department's lead (部门负责人);
 * 3 the first receiver's unit (首接负责制; the window role while nobody received the case) and the
 *   lead of the stage's lead department (一家牵头), who coordinates the departments of the stage;
 * 4 the special working group (supervisors);
 * 5 the province leader in charge (分管领导, role `leader`).
 * Never empty; addresses are unique within a rung.
 */
export function escalationRecipients(
  role: EscalationLevel['role'],
  item: Pick<CaseItem, 'department' | 'assignee'>,
  c: Pick<StageCase, 'firstReceiver' | 'stage'>,
  ctx: EscalationContext,
): EscalationRecipient[] {
  const deptName = (code: string) => ctx.province.departments.find((d) => d.code === code)?.name ?? code;
  const leadOf = (code: string) => {
    const d = ctx.province.departments.find((x) => x.code === code);
    return { address: `dept:${code}:lead`, nameZh: `${d?.name ?? code}${d?.leadTitle ?? '负责人'}` };
  };
  switch (role) {
    case 'reviewer':
      return item.assignee
        ? [{ address: `user:${item.assignee.id}`, nameZh: `${item.assignee.name}（承办人）` }]
        : [{ address: `dept:${item.department}`, nameZh: `${deptName(item.department)}审查人员` }];
    case 'departmentLead':
      return [leadOf(item.department)];
    case 'firstReceiver': {
      const receiver = c.firstReceiver?.unit
        ? { address: `unit:${c.firstReceiver.unit}`, nameZh: `${c.firstReceiver.unit}（首接负责）` }
        : { address: 'role:windowOfficer', nameZh: '综合窗口（首接负责）' };
      const stage = ctx.province.stages.find((s) => s.stage === c.stage);
      if (!stage) return [receiver];
      const lead = leadOf(stageLeadDepartment(stage, ctx.governmentInvested));
      return [receiver, { ...lead, nameZh: `${lead.nameZh}（阶段牵头部门）` }];
    }
    case 'workingGroup':
      return [{ address: 'role:supervisor', nameZh: '专项工作组' }];
    case 'chairLeader':
      return [{ address: 'role:leader', nameZh: '分管领导' }];
  }
}

/** Working days an item is overdue on `today` (≤ 0: not overdue). */
export function overdueWorkingDays(
  cal: WorkingCalendar,
  item: Pick<CaseItem, 'startDate' | 'promisedDays' | 'clockStops'>,
  today: IsoDate,
): number {
  if (!item.startDate) return 0;
  const gross = cal.workingDaysBetween(item.startDate, today);
  const elapsed = Math.max(0, gross - stoppedWorkingDays(cal, item.clockStops, today, item.startDate));
  return elapsed - item.promisedDays;
}

/**
 * The date on which the lowest level not yet recorded becomes due, assuming the clock keeps
 * running; undefined when every level was told (or the item has not started).
 */
export function nextEscalationDate(
  cal: WorkingCalendar,
  item: Pick<CaseItem, 'startDate' | 'promisedDays' | 'clockStops' | 'escalations'>,
  today: IsoDate,
  ladder: readonly EscalationLevel[],
): IsoDate | undefined {
  if (!item.startDate) return undefined;
  const done = new Set((item.escalations ?? []).map((r) => r.level));
  const next = ladder.filter((l) => !done.has(l.level)).sort((a, b) => a.level - b.level)[0];
  if (!next) return undefined;
  const stopped = stoppedWorkingDays(cal, item.clockStops, today, item.startDate);
  // overdue by n on the (promised + n)-th counted working day; red needs n ≥ 1
  const n = Math.max(1, next.afterOverdueDays);
  return cal.addWorkingDays(item.startDate, item.promisedDays + n + stopped).date;
}

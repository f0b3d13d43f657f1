/**
 * 督办升级: the escalation ladder of an overdue item (DOMAIN.md "Time"). Each level of the
 * province's ladder is told once, when the item has been overdue for at least `afterOverdueDays`
 * working days; a sweeper that was down catches up every level that became due meanwhile.
 *
 * Overdue working days = elapsed − promised (clock stops excluded): 1 on the first red day. A level
 * with `afterOverdueDays` 0 is therefore reached on the first red day, like one with 1.
 */
import type { ProvinceConfig } from '../config/province-config.js';
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

/**
 * Who a level tells: the reviewing department, its lead, the first receiver's unit (the window
 * while nobody received the case), the special working group (supervisors) or the chair leader.
 */
export function escalationAddress(
  role: EscalationLevel['role'],
  item: Pick<CaseItem, 'department'>,
  c: Pick<StageCase, 'firstReceiver'>,
): string {
  switch (role) {
    case 'reviewer':
      return `dept:${item.department}`;
    case 'departmentLead':
      return `dept:${item.department}:lead`;
    case 'firstReceiver':
      return c.firstReceiver?.unit ? `unit:${c.firstReceiver.unit}` : 'role:windowOfficer';
    case 'workingGroup':
      return 'role:supervisor';
    case 'chairLeader':
      // nobody may hold it in a local deployment; the record still shows the level was reached
      return 'role:chairLeader';
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

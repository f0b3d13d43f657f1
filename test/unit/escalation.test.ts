import { describe, expect, it } from 'vitest';
import { jiangsu } from '../../shared/config/provinces/jiangsu.js';
import { WorkingCalendar } from '../../shared/domain/calendar.js';
import {
  dueEscalations,
  escalationAddress,
  nextEscalationDate,
  overdueWorkingDays,
} from '../../shared/domain/escalation.js';
import type { CaseItem, EscalationRecord } from '../../shared/domain/model.js';
import {
  addressesOf,
  deficiencyReminderDate,
  feedbackReminderDate,
  workingDaysBefore,
} from '../../shared/domain/notifications.js';

const ladder = jiangsu.escalation; // 0 审查人员, 1 部门负责人, 3 首接负责人, 5 专项工作组, 10 分管领导
const cal = WorkingCalendar.fromChineseDays();
const record = (level: number): EscalationRecord => ({
  level,
  role: ladder.find((l) => l.level === level)!.role,
  nameZh: 'x',
  address: 'x',
  at: '2025-10-11T04:00:00.000Z',
  overdueDays: 1,
});

// accepted Friday 2025-09-26, promised 5 working days: 09-28 (调休 Sunday), 09-29, 09-30, 10-09,
// 10-10 → due 10-10; National Day 10-01..10-08 off; Saturday 10-11 worked
const item: CaseItem = {
  code: 'landUsePlanningPermit',
  name: '建设用地规划许可证',
  department: 'nrp',
  statutoryDays: 20,
  promisedDays: 5,
  status: 'inReview',
  startDate: '2025-09-26',
  clockStops: [],
};

describe('escalation ladder (督办升级)', () => {
  it('is due level by level as overdue working days grow; nothing before the item is overdue', () => {
    const levels = (days: number, done: EscalationRecord[] = []) =>
      dueEscalations(days, ladder, done).map((l) => l.level);
    expect(levels(0)).toEqual([]);
    expect(levels(-3)).toEqual([]);
    expect(levels(1)).toEqual([1, 2]);
    expect(levels(2, [record(1), record(2)])).toEqual([]);
    expect(levels(3, [record(1), record(2)])).toEqual([3]);
    expect(levels(5, [1, 2, 3].map(record))).toEqual([4]);
    expect(levels(10, [1, 2, 3, 4].map(record))).toEqual([5]);
    expect(levels(30, [1, 2, 3, 4, 5].map(record))).toEqual([]);
  });

  it('catches up every level that became due while the sweeper was down, once each', () => {
    expect(dueEscalations(6, ladder, []).map((l) => l.level)).toEqual([1, 2, 3, 4]);
    expect(dueEscalations(6, ladder, [record(2)]).map((l) => l.level)).toEqual([1, 3, 4]);
  });

  it('addresses the department, its lead, the first receiver (or the window), supervisors and the chair', () => {
    const c = { firstReceiver: { officerId: 'w', name: '王敏', unit: '省绿色通道专窗', since: 'x' } };
    expect(ladder.map((l) => escalationAddress(l.role, item, c))).toEqual([
      'dept:nrp',
      'dept:nrp:lead',
      'unit:省绿色通道专窗',
      'role:supervisor',
      'role:chairLeader',
    ]);
    expect(escalationAddress('firstReceiver', item, {})).toBe('role:windowOfficer');
  });

  it('counts overdue working days across the holiday and dates the next level', () => {
    expect(overdueWorkingDays(cal, item, '2025-10-10')).toBe(0);
    expect(overdueWorkingDays(cal, item, '2025-10-11')).toBe(1);
    expect(overdueWorkingDays(cal, item, '2025-10-12')).toBe(1); // Sunday
    expect(overdueWorkingDays(cal, item, '2025-10-14')).toBe(3);
    expect(nextEscalationDate(cal, item, '2025-09-30', ladder)).toBe('2025-10-11');
    const escalated = (n: number) => ({
      ...item,
      escalations: ladder.slice(0, n).map((l) => record(l.level)),
    });
    expect(nextEscalationDate(cal, escalated(1), '2025-10-11', ladder)).toBe('2025-10-11');
    expect(nextEscalationDate(cal, escalated(2), '2025-10-11', ladder)).toBe('2025-10-14');
    expect(nextEscalationDate(cal, escalated(3), '2025-10-14', ladder)).toBe('2025-10-16');
    expect(nextEscalationDate(cal, escalated(4), '2025-10-16', ladder)).toBe('2025-10-23');
    expect(nextEscalationDate(cal, escalated(5), '2025-10-23', ladder)).toBeUndefined();
    // a stopped day postpones the ladder by a working day
    const stopped = {
      ...escalated(2),
      clockStops: [{ kind: 'specialProcedure' as const, from: '2025-10-13', to: '2025-10-14' }],
    };
    expect(nextEscalationDate(cal, stopped, '2025-10-14', ladder)).toBe('2025-10-15');
  });
});

describe('notice addresses and reminder dates', () => {
  it('an actor reads their own, role, department, lead, unit and organisation addresses', () => {
    expect(addressesOf({ id: 'r', name: 'r', role: 'reviewer', department: 'nrp' })).toEqual([
      'user:r',
      'role:reviewer',
      'dept:nrp',
    ]);
    expect(addressesOf({ id: 'l', name: 'l', role: 'reviewer', department: 'nrp', lead: true })).toContain(
      'dept:nrp:lead',
    );
    expect(addressesOf({ id: 'w', name: 'w', role: 'windowOfficer', unit: '专窗' })).toEqual([
      'user:w',
      'role:windowOfficer',
      'unit:专窗',
    ]);
    expect(addressesOf({ id: 'a', name: 'a', role: 'applicant', creditCode: 'X' })).toContain('org:X');
    // a lead flag means nothing outside a department
    expect(addressesOf({ id: 's', name: 's', role: 'supervisor', lead: true })).toEqual([
      'user:s',
      'role:supervisor',
    ]);
  });

  it('counts reminders in working days, across National Day', () => {
    expect(workingDaysBefore(cal, '2025-10-10', 2)).toBe('2025-09-30');
    expect(workingDaysBefore(cal, '2025-10-10', 0)).toBe('2025-10-10');
    const accepted = {
      acceptance: { outcome: 'accept' as const, by: 'w', unit: 'u', at: '2025-09-26T04:00:00Z' },
    };
    expect(deficiencyReminderDate(cal, accepted, { deadline: '2025-10-10' })).toBe('2025-09-30');
    // a grant of two working days or fewer: the acceptance notice is the reminder
    expect(deficiencyReminderDate(cal, accepted, { deadline: '2025-09-29' })).toBeUndefined();
    expect(feedbackReminderDate(cal, '2025-09-26')).toBe('2025-10-10');
  });
});

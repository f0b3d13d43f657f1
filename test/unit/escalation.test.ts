import { describe, expect, it } from 'vitest';
import { jiangsu } from '../../shared/config/provinces/jiangsu.js';
import { WorkingCalendar } from '../../shared/domain/calendar.js';
import {
  dueEscalations,
  escalationRecipients,
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

  // 督办升级 (DOMAIN.md "Time": reviewer → department lead → first receiver / lead department →
  // working group → the leader): each rung names people who can read it.
  const receiver = { officerId: 'w', name: '王敏', unit: '省绿色通道专窗', since: 'x' };
  const stage1 = { firstReceiver: receiver, stage: 'projectApproval' as const };
  const ctx = { province: jiangsu, governmentInvested: false };
  const addresses = (
    role: EscalationRecord['role'],
    i: Parameters<typeof escalationRecipients>[1],
    g = false,
  ) =>
    escalationRecipients(role, i, stage1, { province: jiangsu, governmentInvested: g }).map((r) => r.address);

  it('督办升级: each rung tells the holder, the lead, the first receiver and the stage lead, the group, the leader', () => {
    expect(ladder.map((l) => escalationRecipients(l.role, item, stage1, ctx))).toEqual([
      [{ address: 'dept:nrp', nameZh: '省自然资源厅审查人员' }],
      [{ address: 'dept:nrp:lead', nameZh: '省自然资源厅处长' }],
      [
        { address: 'unit:省绿色通道专窗', nameZh: '省绿色通道专窗（首接负责）' },
        { address: 'dept:nrp:lead', nameZh: '省自然资源厅处长（阶段牵头部门）' },
      ],
      [{ address: 'role:supervisor', nameZh: '专项工作组' }],
      [{ address: 'role:leader', nameZh: '分管领导' }],
    ]);
  });

  it('督办升级 level 1: the reviewer the item was handed to (转办), else the whole department', () => {
    const held = { ...item, assignee: { id: 'js-reviewer-nrp-2', name: '刘洋', since: 'x' } };
    expect(escalationRecipients('reviewer', held, stage1, ctx)).toEqual([
      { address: 'user:js-reviewer-nrp-2', nameZh: '刘洋（承办人）' },
    ]);
    expect(addresses('reviewer', item)).toEqual(['dept:nrp']);
    // the lead still hears of it as the department's lead, whoever holds it
    expect(addresses('departmentLead', held)).toEqual(['dept:nrp:lead']);
  });

  it('一家牵头 at level 3: the lead department of the case stage, 发展改革 for a government-invested stage 1', () => {
    const eco = { ...item, department: 'eco' };
    expect(addresses('firstReceiver', eco)).toEqual(['unit:省绿色通道专窗', 'dept:nrp:lead']);
    expect(addresses('firstReceiver', eco, true)).toEqual(['unit:省绿色通道专窗', 'dept:ndrc:lead']);
    // stages 3 and 4 are led by 住房城乡建设, whatever the investment
    const stage3 = { firstReceiver: receiver, stage: 'constructionPermit' as const };
    expect(
      escalationRecipients('firstReceiver', eco, stage3, { province: jiangsu, governmentInvested: true }).map(
        (r) => r.address,
      ),
    ).toEqual(['unit:省绿色通道专窗', 'dept:housing:lead']);
    // nobody received the case yet: the window role stands in for the first receiver
    expect(
      escalationRecipients('firstReceiver', eco, { stage: 'projectApproval' }, ctx).map((r) => r.address),
    ).toEqual(['role:windowOfficer', 'dept:nrp:lead']);
  });

  it('分管领导: the last rung reaches a role a user can hold, whose inbox reads it', () => {
    const leader = { id: 'js-leader-1', name: '省领导', role: 'leader' as const };
    const [last] = escalationRecipients('chairLeader', item, stage1, ctx);
    expect(addressesOf(leader)).toContain(last?.address);
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

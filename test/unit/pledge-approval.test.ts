import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideExit } from '../../shared/domain/exit-review.js';
import type { ItemPledge, Organisation, StageCase } from '../../shared/domain/model.js';
import {
  abuseFinding,
  approveOnCommitment,
  checkDueDate,
  markChecksReminded,
  nextCheckReminder,
  pledgeItem,
  pledgeState,
  pledgeText,
  proposeAbuseExit,
  recordCheck,
} from '../../shared/domain/pledge-approval.js';
import { nextCheckDate } from '../../shared/domain/progress.js';
import { at, cal, expectDomainError, project, province, thresholds, underReview } from './fixtures.js';

const EIA_FORM = 'eiaReportFormApproval'; // Jiangsu: 告知承诺 allowed
const ENERGY = 'energyConservationReview'; // not allowed
const DAY = '2025-09-30';
const entry = (code: string) => province.items.find((i) => i.code === code)!;

const reviewCase = () => underReview(DAY, { chosen: [EIA_FORM, ENERGY] });

function pledgeOf(
  c: StageCase,
  textZh = pledgeText(province, c, entry(EIA_FORM)),
): Omit<ItemPledge, 'check'> {
  return {
    textZh,
    contentHash: 'b'.repeat(64),
    creditCode: c.applicant.creditCode,
    signedBy: 'app-1',
    signerName: '经办人',
    signedAt: at(DAY),
  };
}

function approved(c = reviewCase()) {
  return approveOnCommitment(c, EIA_FORM, {
    pledge: pledgeOf(c),
    expectedTextZh: pledgeText(province, c, entry(EIA_FORM)),
    checkDueDate: checkDueDate(cal, DAY, province.pledge.checkDays),
    by: 'app-1',
    now: at(DAY),
    resultNo: 'JS-P1',
    resultHash: 'a'.repeat(64),
    deficiencyPolicy: 'withhold',
  });
}
const itemOf = (c: StageCase, code = EIA_FORM) => c.items.find((i) => i.code === code)!;

describe('国办发〔2020〕42号 告知承诺: commitment instead of proof, approved at once', () => {
  it('国办发〔2020〕42号: only items on the province list may be approved on commitment', () => {
    const c = reviewCase();
    expect(pledgeItem(province, c, EIA_FORM).code).toBe(EIA_FORM);
    expectDomainError(() => pledgeItem(province, c, ENERGY), 'PLEDGE_NOT_ALLOWED', 'conflict');
    expectDomainError(() => pledgeItem(province, c, 'constructionPermit'), 'ITEM_NOT_IN_CASE');
  });

  it('国办发〔2020〕42号: the commitment text names the conditions, the check and the consequences of a false commitment', () => {
    const text = pledgeText(province, reviewCase(), entry(EIA_FORM));
    expect(text).toContain('建设项目环境影响报告表审批');
    expect(text).toContain('环境影响评价法第二十二条');
    expect(text).toContain(`${province.pledge.checkDays} 个工作日内的事后核查`);
    expect(text).toContain('依法撤销批准决定');
    expect(text).toContain('记入信用记录');
  });

  it('国办发〔2020〕42号: signing approves the item at once, marked on commitment, with the check scheduled', () => {
    const next = approved();
    const item = itemOf(next);
    expect(item.status).toBe('approved');
    expect(item.decision).toMatchObject({ outcome: 'approve', onCommitment: true, resultNo: 'JS-P1' });
    expect(item.pledge?.check).toEqual({ status: 'scheduled', dueDate: cal.addWorkingDays(DAY, 20).date });
    expect(itemOf(next, ENERGY).decision).toBeUndefined();
  });

  it('国办发〔2020〕42号: a changed text, another organisation or a decided item is refused', () => {
    const c = reviewCase();
    const base = {
      expectedTextZh: pledgeText(province, c, entry(EIA_FORM)),
      checkDueDate: '2025-10-30',
      by: 'app-1',
      now: at(DAY),
      resultNo: 'JS-P1',
      resultHash: 'a'.repeat(64),
      deficiencyPolicy: 'withhold' as const,
    };
    expectDomainError(
      () => approveOnCommitment(c, EIA_FORM, { ...base, pledge: pledgeOf(c, '本单位承诺符合条件。') }),
      'PLEDGE_TEXT_MISMATCH',
    );
    expectDomainError(
      () =>
        approveOnCommitment(c, EIA_FORM, {
          ...base,
          pledge: { ...pledgeOf(c), creditCode: '91320500MA1MXX8A3X' },
        }),
      'PLEDGE_NOT_APPLICANT',
    );
    expectDomainError(
      () => approveOnCommitment(approved(c), EIA_FORM, { ...base, pledge: pledgeOf(c) }),
      'ITEM_ALREADY_DECIDED',
    );
  });

  it('国办发〔2020〕42号: the 事后核查 falls due exactly checkDays working days after approval (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 60 }), (offset, days) => {
        const start = cal.addWorkingDays('2025-01-02', offset).date;
        const due = checkDueDate(cal, start, days);
        expect(cal.isWorkingDay(due)).toBe(true);
        expect(cal.workingDaysBetween(start, due)).toBe(days);
      }),
      { numRuns: 60 },
    );
  });
});

describe('国办发〔2020〕42号 事后核查: a false commitment is revoked and marked', () => {
  it('国办发〔2020〕42号: a passed check keeps the approval; a failed one revokes it with the reasons', () => {
    const passed = recordCheck(approved(), EIA_FORM, {
      outcome: 'passed',
      by: 'rev-eco',
      now: at('2025-10-20'),
    });
    expect(itemOf(passed).pledge?.check).toMatchObject({ status: 'passed', by: 'rev-eco' });
    expect(itemOf(passed).decision?.revoked).toBeUndefined();
    const failed = recordCheck(approved(), EIA_FORM, {
      outcome: 'failed',
      reasonsZh: '防治措施未落实',
      by: 'rev-eco',
      now: at('2025-10-20'),
    });
    expect(itemOf(failed).decision?.revoked?.reasonZh).toContain('防治措施未落实');
    expect(itemOf(failed).decision?.outcome).toBe('approve'); // the decision stays for the record
    expectDomainError(
      () => recordCheck(failed, EIA_FORM, { outcome: 'passed', by: 'rev-eco', now: at('2025-10-21') }),
      'CHECK_ALREADY_RECORDED',
    );
  });

  it('国办发〔2020〕42号: a failure needs reasons; an item not approved on commitment has no check', () => {
    expectDomainError(
      () => recordCheck(approved(), EIA_FORM, { outcome: 'failed', reasonsZh: ' ', by: 'r', now: at(DAY) }),
      'REASONS_REQUIRED',
    );
    expectDomainError(
      () => recordCheck(approved(), ENERGY, { outcome: 'passed', by: 'r', now: at(DAY) }),
      'NOT_APPROVED_ON_COMMITMENT',
    );
  });

  it('国办发〔2020〕42号: only a failed check ever revokes (property)', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.string({ minLength: 1, maxLength: 40 }), (fail, reason) => {
        const reasonsZh = `${reason.trim()}情形`;
        const next = recordCheck(approved(), EIA_FORM, {
          outcome: fail ? 'failed' : 'passed',
          reasonsZh,
          by: 'rev-eco',
          now: at('2025-10-20'),
        });
        expect(!!itemOf(next).decision?.revoked).toBe(fail);
        expect(itemOf(next).pledge?.check.status).toBe(fail ? 'failed' : 'passed');
      }),
      { numRuns: 40 },
    );
  });

  it('国办发〔2020〕42号: the sweeper looks on the due date and tells the department once', () => {
    const c = approved();
    const due = itemOf(c).pledge!.check.dueDate;
    expect(nextCheckReminder(c)).toBe(due);
    expect(nextCheckDate(cal, c, DAY, thresholds)).toBeDefined();
    expect(markChecksReminded(c, cal.addWorkingDays(DAY, 1).date, at(DAY)).due).toEqual([]);
    const { next, due: told } = markChecksReminded(c, due, at(due));
    expect(told.map((i) => i.code)).toEqual([EIA_FORM]);
    expect(markChecksReminded(next, due, at(due)).due).toEqual([]);
    expect(nextCheckReminder(next)).toBeUndefined();
    expect(pledgeState(itemOf(next), cal.addWorkingDays(due, 1).date)).toMatchObject({
      checkStatus: 'scheduled',
      checkOverdue: true,
    });
  });
});

describe('滥用 (国办发〔2020〕42号: 失信的不再适用告知承诺; 绿色通道退出机制)', () => {
  const org = (n: number): Organisation => ({
    creditCode: '91320000134768398',
    name: '江苏交通控股有限公司',
    creditMarks: Array.from({ length: n }, (_, i) => ({
      at: at('2025-06-02'),
      caseId: `C-${i}`,
      reason: i % 2 ? '告知承诺事后核查不通过' : '容缺材料未在期限内补齐',
    })),
  });

  it('滥用: abuse is found exactly from the threshold of credit marks, lapsed 容缺 and failed checks alike (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 5 }), (marks, threshold) => {
        const found = abuseFinding(org(marks), threshold);
        expect(!!found).toBe(marks >= threshold);
        if (found) expect(found).toHaveLength(marks + 1);
      }),
    );
  });

  it('滥用: the proposal goes on an admitted project only, never over a pending one', () => {
    const reasons = abuseFinding(org(2), 2)!;
    const p = proposeAbuseExit(project(), reasons, at('2026-03-05'));
    expect(p?.exitProposal).toMatchObject({ ground: 'abuse', year: 2026, reasonsZh: reasons });
    expect(proposeAbuseExit(p!, reasons, at('2026-03-06'))).toBeUndefined();
    const exited = project({ admission: { ...project().admission, status: 'exited' } });
    expect(proposeAbuseExit(exited, reasons, at('2026-03-05'))).toBeUndefined();
  });

  it('滥用: the supervisor confirms the exit, or dismisses the proposal without a lateness year', () => {
    const p = proposeAbuseExit(project(), abuseFinding(org(2), 2)!, at('2026-03-05'))!;
    const exit = decideExit(p, { decision: 'exit', reasonZh: '滥用告知承诺' }, 'sup-1', at('2026-03-06'));
    expect(exit.next.admission.status).toBe('exited');
    const dismissed = decideExit(p, { decision: 'excuse', reasonZh: '情有可原' }, 'sup-1', at('2026-03-06'));
    expect(dismissed.next.exitProposal).toBeUndefined();
    expect(dismissed.next.admission.status).toBe('admitted');
  });
});

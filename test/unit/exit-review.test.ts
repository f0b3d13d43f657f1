import { describe, expect, it } from 'vitest';
import {
  type AnnualReview,
  decideExit,
  lateInYear,
  proposeExit,
  recordAnnualReview,
} from '../../shared/domain/exit-review.js';
import type { StageCase } from '../../shared/domain/model.js';
import { startSpecialProcedure } from '../../shared/domain/special-procedure.js';
import { decideItem } from '../../shared/domain/stage-case.js';
import {
  at,
  cal,
  decideAll,
  decision,
  expectDomainError,
  project,
  province,
  underReview,
} from './fixtures.js';

/**
 * Stage 1 from an acceptance on Tuesday 2025-09-30: landPreExaminationSiting is promised in 10
 * working days and landUsePlanningPermit in 7 (National Day 10-01..10-08 off, Saturday 10-11 worked).
 */
const accepted = (day = '2025-09-30', id = 'C-1') => underReview(day, { id });
const review = (year: number, late: boolean, extra: Partial<AnnualReview> = {}): AnnualReview => ({
  year,
  late,
  reasonsZh: late ? [`${year} 年超期`] : [],
  reviewedAt: at(`${year + 1}-01-05`),
  ...extra,
});

describe('lateInYear', () => {
  it('is not late when every item was decided within its promised limit', () => {
    const c = decideAll(accepted(), 'approve', '2025-10-10');
    expect(lateInYear(project(), [c], 2025, cal)).toEqual({ late: false, reasonsZh: [] });
  });

  it('is late in the year an item was decided after its promised due date, with Chinese reasons', () => {
    const c = decideAll(accepted(), 'approve', '2025-11-20');
    const result = lateInYear(project(), [c], 2025, cal);
    expect(result.late).toBe(true);
    expect(result.reasonsZh).toHaveLength(c.items.length);
    expect(result.reasonsZh[0]).toMatch(/超过承诺时限/);
    expect(result.reasonsZh[0]).toContain('2025-11-20');
    // the late decision belongs to 2025, not to the following year
    expect(lateInYear(project(), [c], 2026, cal).late).toBe(false);
  });

  it('is late when an item is still undecided and overdue at year end, and in the year it is decided', () => {
    const c = accepted('2025-12-15');
    const open = lateInYear(project(), [c], 2025, cal);
    expect(open.late).toBe(true);
    expect(open.reasonsZh.join()).toMatch(/截至 2025-12-31 尚未作出决定/);
    const decided = decideAll(c, 'approve', '2026-01-20');
    expect(lateInYear(project(), [decided], 2025, cal).late).toBe(true);
    expect(lateInYear(project(), [decided], 2026, cal).reasonsZh.join()).toMatch(/2026-01-20 作出决定/);
  });

  it('does not count an undecided item still within its limit at year end, nor time in special procedures', () => {
    expect(lateInYear(project(), [accepted('2025-12-29')], 2025, cal).late).toBe(false);
    const c = startSpecialProcedure(accepted('2025-12-01'), 'landPreExaminationSiting', {
      procedureType: 'expertReview',
      reason: '专家评审',
      expectedDays: 5,
      lead: { id: '处长', name: '处长' },
      today: '2025-12-02',
      cal,
      rules: province.specialProcedures,
    }).next;
    const reasons = lateInYear(project(), [c], 2025, cal).reasonsZh;
    expect(reasons.some((r) => r.includes('用地预审'))).toBe(false);
  });

  it('ignores items of cases terminated before year end', () => {
    const c: StageCase = { ...accepted('2025-10-09'), status: 'terminated', closedAt: at('2025-10-20') };
    expect(lateInYear(project(), [c], 2025, cal).late).toBe(false);
  });

  it('is late while the promised completion passed without an approved completion acceptance', () => {
    const p = project({ promisedCompletion: '2025-06-30' });
    expect(lateInYear(p, [], 2024, cal).late).toBe(false);
    expect(lateInYear(p, [], 2025, cal).reasonsZh).toEqual([
      '项目承诺于 2025-06-30 竣工，截至 2025-12-31 竣工验收尚未通过',
    ]);
    expect(lateInYear(p, [], 2026, cal).late).toBe(true);
  });

  it('counts a completion approved late in its year only, and an approval on time never', () => {
    const approved = (day: string): StageCase => ({
      ...accepted('2025-09-30'),
      stage: 'completionAcceptance',
      items: [],
      status: 'approved',
      closedAt: at(day),
    });
    const p = project({ promisedCompletion: '2025-06-30' });
    expect(lateInYear(p, [approved('2026-03-02')], 2026, cal).reasonsZh).toEqual([
      '项目承诺于 2025-06-30 竣工，竣工验收于 2026-03-02 方才通过，晚于承诺',
    ]);
    expect(lateInYear(p, [approved('2026-03-02')], 2027, cal).late).toBe(false);
    expect(lateInYear(p, [approved('2025-06-30')], 2025, cal).late).toBe(false);
  });
});

describe('proposeExit: two late years in a row', () => {
  it('proposes exit after two consecutive late years, with the reasons of both', () => {
    const proposal = proposeExit([review(2024, true), review(2025, true)], 2025);
    expect(proposal?.year).toBe(2025);
    expect(proposal?.reasonsZh.join('\n')).toMatch(
      /连续两个年度[\s\S]*2024 年度：2024 年超期[\s\S]*2025 年度/,
    );
  });

  it('does not propose after one late year, a missing year, or a gap', () => {
    expect(proposeExit([review(2025, true)], 2025)).toBeUndefined();
    expect(proposeExit([review(2024, false), review(2025, true)], 2025)).toBeUndefined();
    expect(proposeExit([review(2023, true), review(2025, true)], 2025)).toBeUndefined();
  });

  it('never counts an excused year', () => {
    const excusable = { reasonZh: '汛期停工', evidence: ['气象证明'], by: 'sup-1', at: at('2026-01-10') };
    expect(proposeExit([review(2024, true, { excusable }), review(2025, true)], 2025)).toBeUndefined();
    expect(proposeExit([review(2024, true), review(2025, true, { excusable })], 2025)).toBeUndefined();
    expect(
      proposeExit([review(2024, true, { excusable }), review(2025, true), review(2026, true)], 2026)?.year,
    ).toBe(2026);
  });
});

describe('recording and deciding', () => {
  it('records a year once and proposes exit when the rule applies', () => {
    const p = project({ annualReviews: [review(2024, true)] });
    const late = { late: true, reasonsZh: ['超期'] };
    const first = recordAnnualReview(p, 2025, late, at('2026-01-05'));
    expect(first.proposal?.year).toBe(2025);
    expect(first.next.exitProposal?.at).toBe(at('2026-01-05'));
    const again = recordAnnualReview(first.next, 2025, late, at('2026-01-06'));
    expect(again.next).toBe(first.next);
    expect(again.review).toBeUndefined();
  });

  it('exit removes the status and the priority; excuse needs evidence and marks the year', () => {
    const proposed = recordAnnualReview(
      project({ annualReviews: [review(2024, true)] }),
      2025,
      { late: true, reasonsZh: ['超期'] },
      at('2026-01-05'),
    ).next;
    const exited = decideExit(
      proposed,
      { decision: 'exit', reasonZh: '连续两年未按承诺完成' },
      's',
      at('2026-02-01'),
    );
    expect(exited.next.admission.status).toBe('exited');
    expect(exited.next.admission.priority).toBeUndefined();
    expect(exited.next.exitProposal).toBeUndefined();

    expectDomainError(
      () => decideExit(proposed, { decision: 'excuse', reasonZh: '客观原因' }, 's', at('2026-02-01')),
      'EVIDENCE_REQUIRED',
      'invalid',
    );
    expectDomainError(
      () => decideExit(proposed, { decision: 'exit', reasonZh: '  ' }, 's', at('2026-02-01')),
      'REASONS_REQUIRED',
      'invalid',
    );
    const excused = decideExit(
      proposed,
      { decision: 'excuse', reasonZh: '征地拆迁受疫情影响', evidence: ['市政府会议纪要'] },
      's',
      at('2026-02-01'),
    ).next;
    expect(excused.admission.status).toBe('admitted');
    expect(excused.exitProposal).toBeUndefined();
    expect(excused.annualReviews?.find((r) => r.year === 2025)?.excusable).toEqual({
      reasonZh: '征地拆迁受疫情影响',
      evidence: ['市政府会议纪要'],
      by: 's',
      at: at('2026-02-01'),
    });
    expectDomainError(
      () => decideExit(excused, { decision: 'exit', reasonZh: '理由' }, 's', at('2026-02-02')),
      'EXIT_NOT_PROPOSED',
      'conflict',
    );
  });

  it('decided items of the case are only those of this project', () => {
    const other = decideItem(
      accepted('2025-09-30', 'C-2'),
      'landUsePlanningPermit',
      decision('approve', '2025-12-01'),
    );
    expect(lateInYear(project({ id: 'P-other' }), [other], 2025, cal).late).toBe(false);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MaterialRef, StageCase } from '../../shared/domain/model.js';
import { noticeTexts, REFUSAL_REMEDY_ZH } from '../../shared/domain/notifications.js';
import {
  decideItem,
  deemAccepted,
  deemedAcceptanceDate,
  isOpen,
  recountAcceptanceDeadlines,
  resubmit,
  signOffRefusal,
} from '../../shared/domain/stage-case.js';
import {
  acceptOn,
  at,
  cal,
  decideOne,
  decision,
  expectDomainError,
  itemsOf,
  province,
  submit,
  underReview,
} from './fixtures.js';

const LAND_PRE = 'landPreExaminationSiting';
const LAND_USE = 'landUsePlanningPermit';
const WINDOW = province.windowUnit;
const mat = (code: string, day: string): MaterialRef => ({
  code,
  fileName: `${code}.pdf`,
  submittedAt: at(day),
});
const item = (c: StageCase, code: string) => c.items.find((i) => i.code === code)!;

describe('行政许可法第32条: 视为受理 (deemed acceptance)', () => {
  it("行政许可法第32条: the deemed day is counted again when the next year's holiday arrangement arrives", () => {
    // submitted on the last working day of 2026: the deemed day lies in 2027, not yet published
    const c = submit({ day: '2026-12-31' });
    expect(c.acceptProvisional).toBe(true);
    const with2027 = cal.withArrangement({
      year: 2027,
      holidays: ['2027-01-01', '2027-01-04', '2027-01-05'],
      workdays: [],
    });
    const recounted = recountAcceptanceDeadlines(c, with2027, province);
    expect(recounted.acceptProvisional).toBe(false);
    // 5 working days after 12-31 skipping 01-01 (Fri), the weekend and 01-04/05: 01-06…01-08, 01-11, 01-12
    expect(recounted.acceptDeemedOn).toBe(with2027.addWorkingDays('2026-12-31', 6).date);
    expect(recounted.acceptDeemedOn).toBe('2027-01-13');
    expect(recounted.acceptDeemedOn! > c.acceptDeemedOn!).toBe(true);
    // a case the window already acted on keeps its record
    const accepted = acceptOn(submit({ day: '2026-03-02' }), '2026-03-03');
    expect(recountAcceptanceDeadlines(accepted, with2027, province)).toBe(accepted);
  });

  it('行政许可法第32条: a case submitted 03-02 not acted on is deemed accepted on the 6th working day, its clocks starting that day', () => {
    const c = submit({ day: '2026-03-02' });
    // Jiangsu promises acceptance in 2 working days; the law's 5 days for 一次性告知 bound the deemed day
    expect(c.acceptDueDate).toBe('2026-03-04');
    expect(deemedAcceptanceDate(cal, c)).toBe('2026-03-10');
    // recorded late (the sweeper ran on 03-16): the clock still starts on the deemed day
    const deemed = deemAccepted(c, { windowUnit: WINDOW, now: at('2026-03-16'), today: '2026-03-16', cal });
    expect(deemed.status).toBe('underReview');
    expect(deemed.acceptance).toMatchObject({ outcome: 'accept', deemed: true, unit: WINDOW });
    expect(deemed.firstReceiver?.unit).toBe(WINDOW);
    expect(deemed.items.map((i) => i.startDate)).toEqual(['2026-03-10', '2026-03-10']);
  });

  it('行政许可法第32条: not before the limit ran out, and not once the window acted', () => {
    const c = submit({ day: '2026-03-02' });
    expectDomainError(
      () => deemAccepted(c, { windowUnit: WINDOW, now: at('2026-03-09'), today: '2026-03-09', cal }),
      'ACCEPTANCE_NOT_DUE',
      'conflict',
    );
    const accepted = acceptOn(c, '2026-03-05');
    expectDomainError(
      () => deemAccepted(accepted, { windowUnit: WINDOW, now: at('2026-03-16'), today: '2026-03-16', cal }),
      'CASE_NOT_AWAITING_ACCEPTANCE',
      'conflict',
    );
  });

  it('行政许可法第32条: the deemed day is a working day, across holidays (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 364 }), (offset) => {
        const day = new Date(Date.UTC(2026, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
        const c = submit({ day });
        const deemedOn = deemedAcceptanceDate(cal, c);
        expect(cal.isWorkingDay(deemedOn)).toBe(true);
        expect(deemedOn > c.acceptDueDate).toBe(true);
        expect(cal.addWorkingDays(day, 6).date).toBe(deemedOn);
      }),
      { numRuns: 80 },
    );
  });
});

describe('行政许可法第32条: 一次性告知 (one-time correction notice)', () => {
  const asked = () =>
    acceptOn(submit({ day: '2026-03-02', missing: ['landContract'] }), '2026-03-03', {
      outcome: 'correction',
      missing: ['landContract', 'creditCodeProof'],
      reason: '缺少出让合同；营业执照扫描件不清晰',
    });

  it('行政许可法第32条 一次性告知: the notice must list every missing material at once', () => {
    const c = submit({ day: '2026-03-02', missing: ['landContract', 'topographicMap'] });
    const err = expectDomainError(
      () => acceptOn(c, '2026-03-03', { outcome: 'correction', missing: ['landContract'], reason: '缺合同' }),
      'CORRECTION_INCOMPLETE',
      'invalid',
    );
    expect(err.details).toEqual({ uncovered: ['topographicMap'] });
  });

  it('行政许可法第32条 一次性告知: only materials the case items need; a made-up or unrelated code is refused', () => {
    const needed = new Set(itemsOf('projectApproval').flatMap((i) => i.materials));
    const unrelated = province.materials.find((m) => !needed.has(m.code))!.code;
    for (const code of ['noSuchMaterial', unrelated]) {
      expectDomainError(
        () =>
          acceptOn(submit({ day: '2026-03-02' }), '2026-03-03', {
            outcome: 'correction',
            missing: [code],
            reason: 'x',
          }),
        'CORRECTION_MATERIAL_NOT_NEEDED',
        'invalid',
      );
    }
  });

  it('行政许可法第32条 一次性告知: a second notice in the same round is refused', () => {
    const c = asked();
    // even were the case back at the window without a resubmission, the round had its notice
    const again = { ...c, status: 'submitted' as const };
    expectDomainError(
      () => acceptOn(again, '2026-03-04', { outcome: 'correction', missing: ['landContract'], reason: 'x' }),
      'CORRECTION_ALREADY_NOTIFIED',
      'conflict',
    );
  });

  it('行政许可法第32条 一次性告知: a resubmission that leaves a requested material out keeps the correction open', () => {
    const c = asked();
    const ctx = { now: at('2026-03-05'), today: '2026-03-05', cal, province };
    const err = expectDomainError(
      () => resubmit(c, [mat('landContract', '2026-03-05')], ctx),
      'CORRECTION_NOT_ANSWERED',
      'invalid',
    );
    expect(err.details).toEqual({ stillMissing: ['creditCodeProof'] });
    const answered = resubmit(
      c,
      [mat('landContract', '2026-03-05'), mat('creditCodeProof', '2026-03-05')],
      ctx,
    );
    expect(answered.round).toBe(2);
    expect(answered.corrections[0]?.resolvedAt).toBe(at('2026-03-05'));
  });

  it('行政许可法第32条 一次性告知: a later round may only name what the applicant changed', () => {
    const answered = resubmit(
      asked(),
      [mat('landContract', '2026-03-05'), mat('creditCodeProof', '2026-03-05')],
      { now: at('2026-03-05'), today: '2026-03-05', cal, province },
    );
    // topographicMap was there all along: it should have been on the first notice
    const err = expectDomainError(
      () =>
        acceptOn(answered, '2026-03-06', {
          outcome: 'correction',
          missing: ['topographicMap'],
          reason: '地形图比例不符',
        }),
      'CORRECTION_NOT_ONE_TIME',
      'conflict',
    );
    expect(err.details).toEqual({ notChanged: ['topographicMap'] });
    // the changed contract may be questioned again
    const second = acceptOn(answered, '2026-03-06', {
      outcome: 'correction',
      missing: ['landContract'],
      reason: '补交的出让合同未盖章',
    });
    expect(second.corrections.map((r) => r.round)).toEqual([1, 2]);
  });
});

describe('拒绝须上一级签发: refusal needs the department lead’s sign-off', () => {
  it('拒绝须上一级签发: a reviewer’s reject is only proposed; the item stays undecided and the case open', () => {
    const proposed = decideItem(underReview(), LAND_PRE, decision('reject', '2025-10-10'));
    expect(item(proposed, LAND_PRE).decision).toBeUndefined();
    expect(item(proposed, LAND_PRE).proposedRefusal).toEqual({
      by: 'rev-1',
      at: at('2025-10-10'),
      reasons: '选址与国土空间规划不符',
    });
    // nobody decides over it meanwhile
    expectDomainError(
      () => decideItem(proposed, LAND_PRE, decision('approve', '2025-10-10')),
      'REFUSAL_AWAITING_SIGNOFF',
      'conflict',
    );
    const all = decideItem(proposed, LAND_USE, decision('approve', '2025-10-10'));
    expect(isOpen(all)).toBe(true);
  });

  it('拒绝须上一级签发: the lead signs; the item is rejected with proposer and signer on the decision', () => {
    const proposed = decideItem(
      decideItem(underReview(), LAND_USE, decision('approve', '2025-10-10')),
      LAND_PRE,
      decision('reject', '2025-10-10'),
    );
    const signed = signOffRefusal(proposed, LAND_PRE, {
      action: 'sign',
      by: 'lead-nrp',
      now: at('2025-10-13'),
    });
    expect(item(signed, LAND_PRE)).toMatchObject({
      status: 'rejected',
      decision: {
        outcome: 'reject',
        by: 'rev-1',
        signedOffBy: 'lead-nrp',
        reasons: '选址与国土空间规划不符',
      },
    });
    expect(item(signed, LAND_PRE).proposedRefusal).toBeUndefined();
    expect(signed.status).toBe('rejected');
    // the applicant is told the reasons and the remedy
    const notice = noticeTexts.stageRejected(signed);
    expect(notice.bodyZh).toContain('选址与国土空间规划不符');
    expect(notice.bodyZh).toContain(REFUSAL_REMEDY_ZH);
    expect(REFUSAL_REMEDY_ZH).toMatch(/行政复议.*行政诉讼.*重新提出申请/);
  });

  it('拒绝须上一级签发: the proposer cannot sign their own refusal; nothing to sign without a proposal', () => {
    const proposed = decideItem(underReview(), LAND_PRE, decision('reject', '2025-10-10'));
    expectDomainError(
      () => signOffRefusal(proposed, LAND_PRE, { action: 'sign', by: 'rev-1', now: at('2025-10-13') }),
      'SIGNOFF_BY_PROPOSER',
      'conflict',
    );
    expectDomainError(
      () =>
        signOffRefusal(underReview(), LAND_PRE, { action: 'sign', by: 'lead-nrp', now: at('2025-10-13') }),
      'NO_PROPOSED_REFUSAL',
      'conflict',
    );
  });

  it('拒绝须上一级签发: the lead may send it back with a reason; the item is reviewed again', () => {
    const proposed = decideItem(underReview(), LAND_PRE, decision('reject', '2025-10-10'));
    expectDomainError(
      () => signOffRefusal(proposed, LAND_PRE, { action: 'return', by: 'lead-nrp', now: at('2025-10-13') }),
      'REASONS_REQUIRED',
    );
    const back = signOffRefusal(proposed, LAND_PRE, {
      action: 'return',
      by: 'lead-nrp',
      now: at('2025-10-13'),
      commentZh: '请补充规划符合性分析',
    });
    expect(item(back, LAND_PRE).proposedRefusal).toBeUndefined();
    expect(item(back, LAND_PRE).refusalReturns).toHaveLength(1);
    expect(item(decideItem(back, LAND_PRE, decision('approve', '2025-10-14')), LAND_PRE).status).toBe(
      'approved',
    );
  });

  it('拒绝须上一级签发: no item is ever rejected without a signer other than its proposer (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('approve', 'propose', 'signSelf', 'signLead', 'return'), { maxLength: 12 }),
        (steps) => {
          let c = underReview('2025-09-30');
          for (const [n, step] of steps.entries()) {
            const code = n % 2 === 0 ? LAND_PRE : LAND_USE;
            const now = at('2025-10-10');
            try {
              if (step === 'approve') c = decideItem(c, code, decision('approve', '2025-10-10'));
              if (step === 'propose') c = decideItem(c, code, decision('reject', '2025-10-10'));
              if (step === 'signSelf') c = signOffRefusal(c, code, { action: 'sign', by: 'rev-1', now });
              if (step === 'signLead') c = signOffRefusal(c, code, { action: 'sign', by: 'lead-1', now });
              if (step === 'return')
                c = signOffRefusal(c, code, { action: 'return', by: 'lead-1', now, commentZh: '退回' });
            } catch {
              // refused steps change nothing
            }
            for (const i of c.items) {
              if (i.decision?.outcome === 'reject') {
                expect(i.decision.signedOffBy).toBeDefined();
                expect(i.decision.signedOffBy).not.toBe(i.decision.by);
              }
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('拒绝须上一级签发: an approval stays a single decision', () => {
    const c = decideOne(underReview(), LAND_PRE, decision('approve', '2025-10-10'));
    expect(item(c, LAND_PRE).status).toBe('approved');
    expect(item(c, LAND_PRE).decision?.signedOffBy).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import {
  draftCommitmentLetter,
  letterCovers,
  workingDaysLeft,
} from '../../shared/domain/commitment-letter.js';
import { accept } from '../../shared/domain/stage-case.js';
import { acceptCtx, at, cal, expectDomainError, province, submit } from './fixtures.js';

const signer = { id: 'app-1', name: '江苏交通控股有限公司' };
const TEXT = '本单位承诺在受理后 5 个工作日内补交授权委托书，逾期未补交的，同意终止办理并记入信用记录。';

/** Stage 1 without 授权委托书 (容缺 allowed for both items) and without 1:500地形图. */
const submitted = () => submit({ missing: ['authorisationLetter', 'topographicMap'], day: '2025-09-24' });

const letterFor = (materials: { itemCode: string; materialCode: string; days: number }[], text = TEXT) =>
  draftCommitmentLetter(
    submitted(),
    { materials, textZh: text },
    { province, signer, now: at('2025-09-24') },
  );

const all = [
  { itemCode: 'landPreExaminationSiting', materialCode: 'authorisationLetter', days: 5 },
  { itemCode: 'landUsePlanningPermit', materialCode: 'authorisationLetter', days: 5 },
  { itemCode: 'landPreExaminationSiting', materialCode: 'topographicMap', days: 5 },
];

describe('容缺受理承诺书 signed by the applicant', () => {
  it('names each promised material in Chinese and keeps the signed text', () => {
    const letter = letterFor(all);
    expect(letter.materials.map((m) => m.materialName)).toEqual(['授权委托书', '授权委托书', '1:500地形图']);
    expect(letter).toMatchObject({ caseId: 'C-1', textZh: TEXT, signedBy: 'app-1', signerName: signer.name });
  });

  it('refuses core materials, materials already submitted, periods beyond the limit, and duplicates', () => {
    expectDomainError(
      () =>
        letterFor([{ itemCode: 'landPreExaminationSiting', materialCode: 'siteSelectionReport', days: 3 }]),
      'MATERIAL_NOT_DEFICIENCY_ALLOWED',
    );
    expectDomainError(
      () => letterFor([{ itemCode: 'landPreExaminationSiting', materialCode: 'creditCodeProof', days: 3 }]),
      'DEFICIENCY_NOT_MISSING',
    );
    const e = expectDomainError(
      () => letterFor([{ itemCode: 'landUsePlanningPermit', materialCode: 'authorisationLetter', days: 8 }]),
      'DEFICIENCY_DEADLINE_BEYOND_LIMIT',
    );
    expect(e.messageZh).toContain('1 至 7 个工作日');
    expectDomainError(() => letterFor([all[0]!, all[0]!]), 'DUPLICATE_MATERIAL');
    expectDomainError(() => letterFor([], TEXT), 'COMMITMENT_EMPTY');
    expectDomainError(() => letterFor(all, '   '), 'COMMITMENT_TEXT_REQUIRED');
  });

  it('can only be signed while the case waits for acceptance', () => {
    const accepted = accept(
      submitted(),
      {
        outcome: 'acceptWithDeficiencies',
        commitmentSigned: true,
        deficiencies: all.map(({ itemCode, materialCode }) => ({ itemCode, materialCode, days: 5 })),
      },
      acceptCtx('2025-09-25'),
    );
    expectDomainError(
      () =>
        draftCommitmentLetter(
          accepted,
          { materials: all, textZh: TEXT },
          { province, signer, now: at('2025-09-25') },
        ),
      'CASE_NOT_AWAITING_ACCEPTANCE',
      'conflict',
    );
  });

  it('stands in for the signature at the counter when it covers every listed deficiency', () => {
    const deficiencies = all.map(({ itemCode, materialCode }) => ({ itemCode, materialCode, days: 5 }));
    const decision = { outcome: 'acceptWithDeficiencies' as const, commitmentSigned: false, deficiencies };
    expectDomainError(() => accept(submitted(), decision, acceptCtx('2025-09-25')), 'COMMITMENT_NOT_SIGNED');
    const partial = { materials: all.slice(0, 2) };
    expect(letterCovers(partial, deficiencies)).toBe(false);
    expectDomainError(
      () => accept(submitted(), decision, { ...acceptCtx('2025-09-25'), commitmentLetter: partial }),
      'COMMITMENT_NOT_SIGNED',
    );
    const accepted = accept(submitted(), decision, {
      ...acceptCtx('2025-09-25'),
      commitmentLetter: letterFor(all),
    });
    expect(accepted.status).toBe('underReview');
    expect(accepted.deficiencies).toHaveLength(3);
  });
});

describe('workingDaysLeft', () => {
  it('counts working days after today through the deadline, skipping National Day', () => {
    // 9月30日, 10月9日, 10月10日: 1–8 October is the 2025 National Day and Mid-Autumn holiday
    expect(workingDaysLeft(cal, '2025-09-29', '2025-10-10')).toBe(3);
    expect(workingDaysLeft(cal, '2025-10-10', '2025-10-10')).toBe(0);
    // Saturday 11 October 2025 is a 调休 working day
    expect(workingDaysLeft(cal, '2025-10-13', '2025-10-10')).toBe(-2);
  });
});

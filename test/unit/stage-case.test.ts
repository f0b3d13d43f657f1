import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MaterialRef, StageCase } from '../../shared/domain/model.js';
import { itemProgress } from '../../shared/domain/progress.js';
import { endSpecialProcedure, startSpecialProcedure } from '../../shared/domain/special-procedure.js';
import {
  accept,
  catalogueItem,
  createStageCase,
  currentStep,
  decideItem,
  giveFeedback,
  isOpen,
  preReview,
  requestItemCorrection,
  resubmit,
  selectItems,
  supplement,
  terminate,
} from '../../shared/domain/stage-case.js';
import {
  acceptCtx,
  acceptOn,
  at,
  cal,
  decideAll,
  decideOne,
  decision,
  expectDomainError,
  itemsOf,
  materialsFor,
  officer,
  project,
  province,
  submit,
  thresholds,
  underReview,
} from './fixtures.js';

const LAND_PRE = 'landPreExaminationSiting'; // 自然资源, promised 10 working days
const LAND_USE = 'landUsePlanningPermit'; // 自然资源, promised 7 working days

const mat = (code: string, day: string): MaterialRef => ({
  code,
  fileName: `${code}.pdf`,
  submittedAt: at(day),
});
const item = (c: StageCase, code: string) => {
  const found = c.items.find((i) => i.code === code);
  if (!found) throw new Error(`no item ${code}`);
  return found;
};

describe('智能预审 pre-review', () => {
  const items = itemsOf('projectApproval');

  it('finds nothing when every material of every item is there', () => {
    expect(preReview(province, items, materialsFor('projectApproval', undefined, [], '2025-09-26'))).toEqual(
      [],
    );
  });

  it('reports a missing core material as an error that blocks 容缺', () => {
    const findings = preReview(
      province,
      items,
      materialsFor('projectApproval', undefined, ['landContract'], '2025-09-26'),
    );
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'MATERIAL_MISSING_REQUIRED',
        itemCode: LAND_USE,
        materialCode: 'landContract',
      }),
    ]);
    expect(findings[0]?.messageZh).toContain('国有建设用地使用权出让合同');
  });

  it('reports a missing secondary material on the 容缺 list as a warning, per item that needs it', () => {
    const findings = preReview(
      province,
      items,
      materialsFor('projectApproval', undefined, ['creditCodeProof', 'topographicMap'], '2025-09-26'),
    );
    expect(
      findings.every((f) => f.severity === 'warning' && f.code === 'MATERIAL_MISSING_DEFICIENCY_ALLOWED'),
    ).toBe(true);
    expect(findings.map((f) => `${f.itemCode}/${f.materialCode}`).sort()).toEqual([
      `${LAND_PRE}/creditCodeProof`,
      `${LAND_PRE}/topographicMap`,
      `${LAND_USE}/creditCodeProof`,
    ]);
  });

  it('treats a core material wrongly put on a 容缺 list as required', () => {
    const misconfigured = {
      ...province,
      items: province.items.map((i) =>
        i.code === LAND_USE ? { ...i, deficiencyAllowed: [...i.deficiencyAllowed, 'landContract'] } : i,
      ),
    };
    const findings = preReview(
      misconfigured,
      selectItems(misconfigured, 'projectApproval', undefined),
      materialsFor('projectApproval', undefined, ['landContract'], '2025-09-26'),
    );
    expect(findings.map((f) => f.severity)).toEqual(['error']);
  });

  it('refuses an unknown material code', () => {
    const materials = [
      ...materialsFor('projectApproval', undefined, [], '2025-09-26'),
      mat('bogusMaterial', '2025-09-26'),
    ];
    const err = expectDomainError(() => preReview(province, items, materials), 'UNKNOWN_MATERIAL', 'invalid');
    // the position, never the submitted text
    expect(err.messageZh).toContain(`第 ${materials.length} 项`);
    expect(err.messageZh).not.toContain('bogusMaterial');
  });

  it('refuses the same material twice', () => {
    const materials = materialsFor('projectApproval', undefined, [], '2025-09-26');
    expectDomainError(
      () => preReview(province, items, [...materials, mat('landContract', '2025-09-26')]),
      'DUPLICATE_MATERIAL',
    );
  });

  it('selects the required items plus the chosen optional ones, and refuses an item of another stage', () => {
    expect(itemsOf('projectApproval').map((i) => i.code)).toEqual([LAND_PRE, LAND_USE]);
    expect(itemsOf('projectApproval', ['eiaReportApproval']).map((i) => i.code)).toEqual([
      LAND_PRE,
      LAND_USE,
      'eiaReportApproval',
    ]);
    expectDomainError(
      () => selectItems(province, 'projectApproval', ['constructionPermit']),
      'ITEM_NOT_IN_STAGE',
    );
  });
});

describe('createStageCase', () => {
  it('refuses a project that is not admitted to the green channel', () => {
    for (const status of ['notApplied', 'pending', 'rejected', 'exited'] as const) {
      expectDomainError(
        () => submit({ project: project({ admission: { status } }) }),
        'PROJECT_NOT_ADMITTED',
        'conflict',
      );
    }
  });

  it('opens a submitted case, waiting for acceptance within 2 working days (skipping National Day)', () => {
    const c = submit({ day: '2025-09-30' });
    expect(c.status).toBe('submitted');
    expect(c.round).toBe(1);
    expect(c.priority).toBe(1);
    expect(c.applicant.creditCode).toBe(project().owner.creditCode);
    expect(c.acceptDueDate).toBe('2025-10-10');
    expect(c.acceptProvisional).toBe(false);
    expect(c.items.map((i) => [i.code, i.status, i.startDate])).toEqual([
      [LAND_PRE, 'inReview', undefined],
      [LAND_USE, 'inReview', undefined],
    ]);
    expect(currentStep(c)).toBe('accept');
  });

  it('marks the acceptance deadline provisional when it reaches an unpublished year', () => {
    expect(submit({ day: '2026-12-31' }).acceptProvisional).toBe(true);
  });
});

describe('受理 acceptance', () => {
  it('accepts a complete application: review starts, items start their clocks, the officer becomes first receiver', () => {
    const c = acceptOn(submit({ day: '2025-09-29' }), '2025-09-30');
    expect(c.status).toBe('underReview');
    expect(c.acceptance).toMatchObject({ outcome: 'accept', by: officer.id, unit: officer.unit });
    expect(c.firstReceiver).toEqual({
      officerId: officer.id,
      name: officer.name,
      unit: officer.unit,
      since: at('2025-09-30'),
    });
    expect(c.items.every((i) => i.startDate === '2025-09-30' && i.status === 'inReview')).toBe(true);
    expect(currentStep(c)).toBe('review');
  });

  it('counts item deadlines in working days across National Day 2025', () => {
    const c = underReview('2025-09-30');
    const due = (code: string) => itemProgress(cal, item(c, code), '2025-09-30', thresholds).dueDate;
    // 7 working days after 30 Sep: 9, 10, 11 (调休 Saturday), 13, 14, 15, 16 Oct
    expect(due(LAND_USE)).toBe('2025-10-16');
    expect(due(LAND_PRE)).toBe('2025-10-21');
  });

  it('refuses a plain acceptance while materials are missing', () => {
    const c = submit({ missing: ['creditCodeProof'] });
    const err = expectDomainError(() => acceptOn(c, '2025-09-26'), 'MATERIALS_INCOMPLETE', 'invalid');
    expect(err.details?.missing).toEqual([
      { itemCode: LAND_PRE, materialCode: 'creditCodeProof' },
      { itemCode: LAND_USE, materialCode: 'creditCodeProof' },
    ]);
  });

  it('accepts only a submitted case', () => {
    const c = underReview();
    expectDomainError(() => acceptOn(c, '2025-10-09'), 'CASE_NOT_AWAITING_ACCEPTANCE', 'conflict');
  });

  it('refuses (不予受理) with reasons and closes the case', () => {
    const c = acceptOn(submit(), '2025-09-26', { outcome: 'refuse', reason: '不属于绿色通道受理范围' });
    expect(c.status).toBe('refused');
    expect(c.closedAt).toBe(at('2025-09-26'));
    expect(c.acceptance?.reasons).toBe('不属于绿色通道受理范围');
    expect(currentStep(c)).toBe('supervise');
    expect(isOpen(c)).toBe(false);
  });

  // DOMAIN.md: the window refuses only with reasons, as departments reject items only with reasons.
  it('refuses to refuse without reasons', () => {
    expectDomainError(
      () => acceptOn(submit(), '2025-09-26', { outcome: 'refuse', reason: '  ' }),
      'REASONS_REQUIRED',
    );
  });

  describe('容缺受理 accept with deficiencies', () => {
    const missing = ['creditCodeProof', 'topographicMap'];
    const all = [
      { itemCode: LAND_PRE, materialCode: 'creditCodeProof', days: 5 },
      { itemCode: LAND_USE, materialCode: 'creditCodeProof', days: 5 },
      { itemCode: LAND_PRE, materialCode: 'topographicMap', days: 7 },
    ];

    it('records a commitment per missing material with its working-day deadline and starts review', () => {
      const c = accept(
        submit({ day: '2025-09-30', missing }),
        { outcome: 'acceptWithDeficiencies', deficiencies: all, commitmentSigned: true },
        acceptCtx('2025-09-30'),
      );
      expect(c.status).toBe('underReview');
      expect(c.deficiencies).toEqual([
        expect.objectContaining({
          itemCode: LAND_PRE,
          materialCode: 'creditCodeProof',
          deadline: '2025-10-14',
        }),
        expect.objectContaining({
          itemCode: LAND_USE,
          materialCode: 'creditCodeProof',
          deadline: '2025-10-14',
        }),
        expect.objectContaining({
          itemCode: LAND_PRE,
          materialCode: 'topographicMap',
          deadline: '2025-10-16',
        }),
      ]);
      expect(c.deficiencies.every((d) => d.status === 'open' && !d.provisional)).toBe(true);
    });

    it('requires the signed commitment', () => {
      expectDomainError(
        () =>
          accept(
            submit({ missing }),
            { outcome: 'acceptWithDeficiencies', deficiencies: all, commitmentSigned: false },
            acceptCtx('2025-09-26'),
          ),
        'COMMITMENT_NOT_SIGNED',
      );
    });

    it('bars an applicant with a credit mark', () => {
      expectDomainError(
        () =>
          accept(
            submit({ missing }),
            { outcome: 'acceptWithDeficiencies', deficiencies: all, commitmentSigned: true },
            acceptCtx('2025-09-26', 1),
          ),
        'DEFICIENCY_BARRED',
        'conflict',
      );
    });

    it('requires every missing material to be listed in the notice', () => {
      const err = expectDomainError(
        () =>
          accept(
            submit({ missing }),
            { outcome: 'acceptWithDeficiencies', deficiencies: all.slice(0, 2), commitmentSigned: true },
            acceptCtx('2025-09-26'),
          ),
        'DEFICIENCY_INCOMPLETE',
      );
      expect(err.details?.uncovered).toEqual([{ itemCode: LAND_PRE, materialCode: 'topographicMap' }]);
      expectDomainError(
        () =>
          accept(
            submit({ missing }),
            { outcome: 'acceptWithDeficiencies', deficiencies: [], commitmentSigned: true },
            acceptCtx('2025-09-26'),
          ),
        'DEFICIENCY_EMPTY',
      );
    });

    it('never lets a core material be missing', () => {
      expectDomainError(
        () =>
          accept(
            submit({ missing: ['landContract'] }),
            {
              outcome: 'acceptWithDeficiencies',
              deficiencies: [{ itemCode: LAND_USE, materialCode: 'landContract', days: 3 }],
              commitmentSigned: true,
            },
            acceptCtx('2025-09-26'),
          ),
        'MATERIAL_NOT_DEFICIENCY_ALLOWED',
      );
    });

    it('refuses a supplement deadline beyond the item promised limit or the province maximum', () => {
      const one = (days: number) => () =>
        accept(
          submit({ missing: ['topographicMap'] }),
          {
            outcome: 'acceptWithDeficiencies',
            deficiencies: [{ itemCode: LAND_PRE, materialCode: 'topographicMap', days }],
            commitmentSigned: true,
          },
          acceptCtx('2025-09-26'),
        );
      expect(one(10)().deficiencies[0]?.grantedDays).toBe(10); // = promised limit of 用地预审: allowed
      expectDomainError(one(11), 'DEFICIENCY_DEADLINE_BEYOND_LIMIT');
      expectDomainError(one(21), 'DEFICIENCY_DEADLINE_BEYOND_LIMIT');
    });

    it('refuses a commitment for an item that is not in the case', () => {
      expectDomainError(
        () =>
          accept(
            submit({ missing: ['topographicMap'] }),
            {
              outcome: 'acceptWithDeficiencies',
              deficiencies: [
                { itemCode: LAND_PRE, materialCode: 'topographicMap', days: 3 },
                { itemCode: 'energyConservationReview', materialCode: 'expertReviewOpinion', days: 3 },
              ],
              commitmentSigned: true,
            },
            acceptCtx('2025-09-26'),
          ),
        'ITEM_NOT_IN_CASE',
      );
    });

    // A commitment for a material already on file would withhold a result for nothing.
    it('refuses a 容缺 commitment for a material that was submitted', () => {
      expect(() =>
        accept(
          submit(),
          {
            outcome: 'acceptWithDeficiencies',
            deficiencies: [{ itemCode: LAND_PRE, materialCode: 'topographicMap', days: 3 }],
            commitmentSigned: true,
          },
          acceptCtx('2025-09-26'),
        ),
      ).toThrow();
    });
  });

  describe('补正 correction (一次性告知)', () => {
    it('lists everything missing at once and waits for the applicant', () => {
      const c = acceptOn(submit({ missing: ['landContract', 'creditCodeProof'] }), '2025-09-26', {
        outcome: 'correction',
        missing: ['landContract', 'creditCodeProof'],
        reason: '缺少出让合同及营业执照',
      });
      expect(c.status).toBe('correctionRequested');
      expect(c.corrections).toEqual([
        {
          round: 1,
          requestedAt: at('2025-09-26'),
          requestedBy: officer.id,
          missing: ['landContract', 'creditCodeProof'],
          reason: '缺少出让合同及营业执照',
        },
      ]);
      expect(c.firstReceiver).toBeUndefined();
      expect(currentStep(c)).toBe('apply');
      expectDomainError(
        () => acceptOn(submit(), '2025-09-26', { outcome: 'correction', missing: [], reason: 'x' }),
        'CORRECTION_EMPTY',
      );
    });

    it('resubmission starts a new acceptance round and resolves the correction', () => {
      const asked = acceptOn(submit({ day: '2025-09-26', missing: ['landContract'] }), '2025-09-26', {
        outcome: 'correction',
        missing: ['landContract'],
        reason: '缺少出让合同',
      });
      const again = resubmit(asked, [mat('landContract', '2025-09-30')], {
        now: at('2025-09-30'),
        today: '2025-09-30',
        cal,
        province,
      });
      expect(again.status).toBe('submitted');
      expect(again.round).toBe(2);
      expect(again.acceptance).toBeUndefined();
      expect(again.acceptDueDate).toBe('2025-10-10');
      expect(again.corrections[0]?.resolvedAt).toBe(at('2025-09-30'));
      expect(again.materials.filter((m) => m.code === 'landContract')).toHaveLength(1);
      // now complete: a plain acceptance works
      expect(acceptOn(again, '2025-10-09').status).toBe('underReview');
      expectDomainError(
        () => resubmit(again, [], { now: at('2025-10-09'), today: '2025-10-09', cal, province }),
        'CASE_NOT_AWAITING_CORRECTION',
        'conflict',
      );
    });
  });
});

describe('审查 item corrections and special procedures', () => {
  it('an item correction stops its clock once; a second one is refused', () => {
    const c = requestItemCorrection(underReview('2025-09-30'), LAND_USE, {
      missing: ['surveyBoundaryMap'],
      reason: '红线图坐标有误',
      now: at('2025-10-10'),
      today: '2025-10-10',
      itemMaterials: catalogueItem(province, LAND_USE).materials,
    });
    expect(item(c, LAND_USE).status).toBe('correctionRequested');
    expect(item(c, LAND_USE).clockStops).toEqual([
      { kind: 'correction', from: '2025-10-10', reason: '红线图坐标有误' },
    ]);
    // supplement settles it, the clock runs again
    const { next, settled } = supplement(c, [mat('surveyBoundaryMap', '2025-10-15')], {
      now: at('2025-10-15'),
      today: '2025-10-15',
    });
    expect(settled).toEqual([`${LAND_USE}/correction`]);
    expect(item(next, LAND_USE).status).toBe('inReview');
    expect(item(next, LAND_USE).clockStops[0]?.to).toBe('2025-10-15');
    expectDomainError(
      () =>
        requestItemCorrection(next, LAND_USE, {
          missing: ['landContract'],
          reason: '再次补正',
          now: at('2025-10-16'),
          today: '2025-10-16',
          itemMaterials: catalogueItem(province, LAND_USE).materials,
        }),
      'CORRECTION_ALREADY_REQUESTED',
      'conflict',
    );
    expectDomainError(
      () =>
        requestItemCorrection(next, LAND_PRE, {
          missing: [],
          reason: 'x',
          now: at('2025-10-16'),
          today: '2025-10-16',
          itemMaterials: catalogueItem(province, LAND_PRE).materials,
        }),
      'CORRECTION_EMPTY',
    );
  });

  it('行政许可法第32条: an item correction names only materials the item needs, each once; nothing changes otherwise', () => {
    const c = underReview('2025-09-30');
    const ask = (missing: string[]) =>
      requestItemCorrection(c, LAND_USE, {
        missing,
        reason: '补正',
        now: at('2025-10-10'),
        today: '2025-10-10',
        itemMaterials: catalogueItem(province, LAND_USE).materials,
      });
    // 环评报告书 belongs to another item: the notice must not ask this applicant for it
    expectDomainError(() => ask(['surveyBoundaryMap', 'eiaReport']), 'CORRECTION_MATERIAL_NOT_NEEDED');
    expectDomainError(() => ask(['nonsense']), 'CORRECTION_MATERIAL_NOT_NEEDED');
    expectDomainError(() => ask(['landContract', 'landContract']), 'DUPLICATE_MATERIAL');
    expect(item(c, LAND_USE).status).toBe('inReview');
    expect(item(ask(['landContract']), LAND_USE).correction?.missing).toEqual(['landContract']);
  });

  it('a special procedure stops the clock: progress shows the stopped days and a later due date', () => {
    const started = startSpecialProcedure(underReview('2025-09-30'), LAND_USE, {
      procedureType: 'expertReview',
      reason: '组织专家论证选址',
      expectedDays: 5,
      lead: { id: 'lead-1', name: '处长' },
      today: '2025-10-10',
      cal,
      rules: province.specialProcedures,
    }).next;
    expect(item(started, LAND_USE).status).toBe('specialProcedure');
    const during = itemProgress(cal, item(started, LAND_USE), '2025-10-15', thresholds);
    expect(during.clockStopped).toBe(true);
    expect(during.elapsedDays).toBe(2); // 9 and 10 Oct
    expect(during.stoppedDays).toBe(4); // 11, 13, 14 and 15 Oct (today)
    const ended = endSpecialProcedure(started, LAND_USE, '2025-10-15');
    const after = itemProgress(cal, item(ended, LAND_USE), '2025-10-16', thresholds);
    expect(after.clockStopped).toBe(false);
    expect(after.stoppedDays).toBe(4); // 11, 13, 14, 15 Oct
    expect(after.elapsedDays).toBe(3);
    expect(after.dueDate).toBe('2025-10-22'); // instead of 16 Oct
    expect(after.lamp).toBe('green');
    expect(item(ended, LAND_USE).clockStops[0]).toMatchObject({
      kind: 'specialProcedure',
      procedureType: 'expertReview',
      from: '2025-10-10',
      to: '2025-10-15',
      approver: { id: 'lead-1', name: '处长' },
      expectedDays: 5,
      latestEnd: '2025-10-16',
    });
    expectDomainError(() => endSpecialProcedure(ended, LAND_USE, '2025-10-16'), 'NO_SPECIAL_PROCEDURE');
  });

  it('no decision while the item is in a special procedure', () => {
    const c = startSpecialProcedure(underReview(), LAND_USE, {
      procedureType: 'hearing',
      reason: '听证',
      expectedDays: 5,
      lead: { id: 'lead-1', name: '处长' },
      today: '2025-10-09',
      cal,
      rules: province.specialProcedures,
    }).next;
    expectDomainError(
      () => decideItem(c, LAND_USE, decision('approve', '2025-10-10')),
      'ITEM_CLOCK_STOPPED',
      'conflict',
    );
    expectDomainError(
      () =>
        startSpecialProcedure(c, LAND_USE, {
          procedureType: 'siteVisit',
          reason: 'x',
          expectedDays: 5,
          lead: { id: 'y', name: '处长' },
          today: '2025-10-10',
          cal,
          rules: province.specialProcedures,
        }).next,
      'ITEM_CLOCK_STOPPED',
    );
  });
});

describe('批准 item decisions', () => {
  it('rejecting requires reasons', () => {
    const c = underReview();
    expectDomainError(
      () => decideItem(c, LAND_USE, decision('reject', '2025-10-09', { reasons: '   ' })),
      'REASONS_REQUIRED',
    );
  });

  it('an item is decided only once; an unknown item is refused', () => {
    const once = decideItem(underReview(), LAND_USE, decision('approve', '2025-10-09'));
    expect(item(once, LAND_USE).decision).toMatchObject({ outcome: 'approve', by: 'rev-1' });
    expect(item(once, LAND_USE).decision?.resultNo).toMatch(/^JS-/);
    expect(once.status).toBe('underReview');
    expectDomainError(
      () => decideItem(once, LAND_USE, decision('reject', '2025-10-10')),
      'ITEM_ALREADY_DECIDED',
      'conflict',
    );
    expectDomainError(
      () => decideItem(once, 'constructionPermit', decision('approve', '2025-10-10')),
      'ITEM_NOT_IN_CASE',
    );
  });

  it('no decision before acceptance', () => {
    expectDomainError(
      () => decideItem(submit(), LAND_USE, decision('approve', '2025-10-09')),
      'CASE_NOT_UNDER_REVIEW',
    );
  });

  it('the last decision closes the case: approved when all approved, rejected when any is rejected', () => {
    const approved = decideAll(underReview(), 'approve', '2025-10-13');
    expect(approved.status).toBe('approved');
    expect(approved.closedAt).toBe(at('2025-10-13'));
    expect(currentStep(approved)).toBe('feedback');

    const first = decideOne(underReview(), LAND_PRE, decision('reject', '2025-10-10'));
    expect(first.status).toBe('underReview');
    const rejected = decideItem(first, LAND_USE, decision('approve', '2025-10-13'));
    expect(rejected.status).toBe('rejected');
    expect(item(rejected, LAND_PRE).decision?.resultNo).toBeUndefined();
    expect(currentStep(rejected)).toBe('feedback');
  });

  it("'withhold': an approved item with open 容缺 gets its result only once the material arrives", () => {
    const c = accept(
      submit({ day: '2025-09-30', missing: ['topographicMap'] }),
      {
        outcome: 'acceptWithDeficiencies',
        deficiencies: [{ itemCode: LAND_PRE, materialCode: 'topographicMap', days: 8 }],
        commitmentSigned: true,
      },
      acceptCtx('2025-09-30'),
    );
    const decided = decideAll(c, 'approve', '2025-10-13');
    expect(decided.status).toBe('approved');
    expect(item(decided, LAND_PRE).decision?.resultWithheld).toBe(true);
    expect(item(decided, LAND_USE).decision?.resultWithheld).toBeUndefined();
    expect(currentStep(decided)).toBe('supervise');

    const { next, settled } = supplement(decided, [mat('topographicMap', '2025-10-15')], {
      now: at('2025-10-15'),
      today: '2025-10-15',
    });
    expect(settled).toEqual([`${LAND_PRE}/topographicMap`]);
    expect(next.deficiencies[0]).toMatchObject({ status: 'supplemented', supplementedAt: at('2025-10-15') });
    expect(item(next, LAND_PRE).decision?.resultWithheld).toBeUndefined();
    expect(item(next, LAND_PRE).decision?.resultNo).toBeDefined();
    expect(next.status).toBe('approved');
    expect(currentStep(next)).toBe('feedback');

    // 容缺通过: the other policy issues the result at once
    const issued = decideItem(
      c,
      LAND_PRE,
      decision('approve', '2025-10-13', { deficiencyPolicy: 'approveWithDeficiencies' }),
    );
    expect(item(issued, LAND_PRE).decision?.resultWithheld).toBeUndefined();
  });
});

describe('补交 supplements, termination and feedback', () => {
  const withDeficiency = () =>
    accept(
      submit({ day: '2025-09-30', missing: ['topographicMap'] }),
      {
        outcome: 'acceptWithDeficiencies',
        deficiencies: [{ itemCode: LAND_PRE, materialCode: 'topographicMap', days: 2 }],
        commitmentSigned: true,
      },
      acceptCtx('2025-09-30'),
    );

  it('refuses a supplement of something not requested', () => {
    expectDomainError(
      () =>
        supplement(withDeficiency(), [mat('landContract', '2025-10-09')], {
          now: at('2025-10-09'),
          today: '2025-10-09',
        }),
      'SUPPLEMENT_NOT_REQUESTED',
    );
    expectDomainError(
      () =>
        supplement(decideAll(underReview(), 'approve', '2025-10-10'), [mat('topographicMap', '2025-10-13')], {
          now: at('2025-10-13'),
          today: '2025-10-13',
        }),
      'NOTHING_TO_SUPPLEMENT',
      'conflict',
    );
  });

  it('termination closes the case and marks open commitments overdue; it cannot happen twice', () => {
    const c = withDeficiency();
    const t = terminate(c, '容缺材料逾期未补齐', at('2025-10-13'));
    expect(t.status).toBe('terminated');
    expect(t.closedAt).toBe(at('2025-10-13'));
    expect(t.terminationReason).toBe('容缺材料逾期未补齐');
    expect(t.deficiencies.map((d) => d.status)).toEqual(['overdue']);
    expect(currentStep(t)).toBe('supervise');
    expectDomainError(() => terminate(t, '再次终止', at('2025-10-14')), 'CASE_ALREADY_TERMINATED');
    expectDomainError(
      () =>
        supplement(t, [mat('topographicMap', '2025-10-14')], { now: at('2025-10-14'), today: '2025-10-14' }),
      'NOTHING_TO_SUPPLEMENT',
    );
    // a supplemented commitment stays supplemented
    const { next } = supplement(c, [mat('topographicMap', '2025-10-09')], {
      now: at('2025-10-09'),
      today: '2025-10-09',
    });
    expect(terminate(next, '主管部门终止', at('2025-10-10')).deficiencies[0]?.status).toBe('supplemented');
  });

  it('feedback only after the case closed, and only once', () => {
    const open = underReview();
    expectDomainError(
      () => giveFeedback(open, { satisfaction: 5, by: 'app-1', now: at('2025-10-09') }),
      'CASE_NOT_CLOSED',
      'conflict',
    );
    const closed = decideAll(open, 'approve', '2025-10-10');
    const rated = giveFeedback(closed, {
      satisfaction: 5,
      comment: '很满意',
      by: 'app-1',
      now: at('2025-10-11'),
    });
    expect(rated.feedback).toEqual({ satisfaction: 5, comment: '很满意', by: 'app-1', at: at('2025-10-11') });
    expectDomainError(
      () => giveFeedback(rated, { satisfaction: 1, by: 'app-1', now: at('2025-10-12') }),
      'FEEDBACK_ALREADY_GIVEN',
      'conflict',
    );
  });

  // A closed outcome (approved with nothing outstanding, refused) is final.
  it('does not terminate a case that closed with nothing outstanding', () => {
    const approved = decideAll(underReview(), 'approve', '2025-10-10');
    expect(() => terminate(approved, '误操作', at('2025-10-13'))).toThrow();
    const refused = acceptOn(submit(), '2025-09-26', { outcome: 'refuse', reason: '不符合条件' });
    expect(() => terminate(refused, '误操作', at('2025-10-13'))).toThrow();
  });
});

describe('currentStep', () => {
  it('maps each status to its step of the six-step loop', () => {
    const submitted = submit();
    const correction = acceptOn(submit(), '2025-09-26', {
      outcome: 'correction',
      missing: ['landContract'],
      reason: 'x',
    });
    const review = underReview();
    const approved = decideAll(underReview(), 'approve', '2025-10-10');
    const rejected = decideAll(underReview(), 'reject', '2025-10-10');
    const refused = acceptOn(submit(), '2025-09-26', { outcome: 'refuse', reason: '不符合条件' });
    const terminated = terminate(review, '终止', at('2025-10-10'));
    expect(
      [submitted, correction, review, approved, rejected, refused, terminated].map((c) => [
        c.status,
        currentStep(c),
      ]),
    ).toEqual([
      ['submitted', 'accept'],
      ['correctionRequested', 'apply'],
      ['underReview', 'review'],
      ['approved', 'feedback'],
      ['rejected', 'feedback'],
      ['refused', 'supervise'],
      ['terminated', 'supervise'],
    ]);
  });
});

describe('invariants (property)', () => {
  const stageArb = fc.constantFrom(...province.stages);
  const acceptDayArb = fc.constantFrom('2025-01-24', '2025-04-30', '2025-09-30', '2025-12-31', '2026-02-13');

  it('a case closes exactly when every item is decided; approved only when every item is approved', () => {
    fc.assert(
      fc.property(
        stageArb.chain((s) =>
          fc.record({
            stage: fc.constant(s.stage),
            chosen: fc.subarray(s.items.filter((i) => !i.required).map((i) => i.code)),
            day: acceptDayArb,
          }),
        ),
        fc.infiniteStream(fc.boolean()),
        fc.func(fc.integer()),
        ({ stage, chosen, day }, approvals, order) => {
          let c = underReview(day, { stage, chosen });
          const codes = [...c.items.map((i) => i.code)].sort(
            (a, b) => order(a) - order(b) || a.localeCompare(b),
          );
          const outcomes = new Map<string, boolean>();
          const stream = approvals[Symbol.iterator]();
          for (const [n, code] of codes.entries()) {
            const approve = stream.next().value as boolean;
            outcomes.set(code, approve);
            c = decideOne(c, code, decision(approve ? 'approve' : 'reject', day));
            const allDecided = n === codes.length - 1;
            expect(isOpen(c)).toBe(!allDecided);
            expect(c.closedAt !== undefined).toBe(allDecided);
          }
          expect(c.status).toBe([...outcomes.values()].every(Boolean) ? 'approved' : 'rejected');
        },
      ),
      { numRuns: 60 },
    );
  });

  type Closed = { label: string; c: StageCase };
  const closedCases = (): Closed[] => {
    const deficient = accept(
      submit({ day: '2025-09-30', missing: ['topographicMap'] }),
      {
        outcome: 'acceptWithDeficiencies',
        deficiencies: [{ itemCode: LAND_PRE, materialCode: 'topographicMap', days: 8 }],
        commitmentSigned: true,
      },
      acceptCtx('2025-09-30'),
    );
    return [
      { label: 'approved', c: decideAll(underReview(), 'approve', '2025-10-10') },
      { label: 'rejected', c: decideAll(underReview(), 'reject', '2025-10-10') },
      { label: 'refused', c: acceptOn(submit(), '2025-09-26', { outcome: 'refuse', reason: '不符合条件' }) },
      { label: 'terminated', c: terminate(underReview(), '终止', at('2025-10-10')) },
      { label: 'approved, 容缺 open', c: decideAll(deficient, 'approve', '2025-10-10') },
    ];
  };

  const transitions: { name: string; run: (c: StageCase) => unknown; allowed: (c: StageCase) => boolean }[] =
    [
      { name: 'accept', run: (c) => acceptOn(c, '2025-10-20'), allowed: () => false },
      {
        name: 'accept: correction',
        run: (c) =>
          acceptOn(c, '2025-10-20', { outcome: 'correction', missing: ['landContract'], reason: 'x' }),
        allowed: () => false,
      },
      {
        name: 'accept: refuse',
        run: (c) => acceptOn(c, '2025-10-20', { outcome: 'refuse', reason: 'x' }),
        allowed: () => false,
      },
      {
        name: 'resubmit',
        run: (c) => resubmit(c, [], { now: at('2025-10-20'), today: '2025-10-20', cal, province }),
        allowed: () => false,
      },
      {
        name: 'decideItem',
        run: (c) => decideItem(c, LAND_PRE, decision('approve', '2025-10-20')),
        allowed: () => false,
      },
      {
        name: 'requestItemCorrection',
        run: (c) =>
          requestItemCorrection(c, LAND_PRE, {
            missing: ['x'],
            reason: 'x',
            now: at('2025-10-20'),
            today: '2025-10-20',
            itemMaterials: catalogueItem(province, LAND_PRE).materials,
          }),
        allowed: () => false,
      },
      {
        name: 'startSpecialProcedure',
        run: (c) =>
          startSpecialProcedure(c, LAND_PRE, {
            procedureType: 'hearing',
            reason: 'x',
            expectedDays: 5,
            lead: { id: 'y', name: '处长' },
            today: '2025-10-20',
            cal,
            rules: province.specialProcedures,
          }).next,
        allowed: () => false,
      },
      {
        name: 'endSpecialProcedure',
        run: (c) => endSpecialProcedure(c, LAND_PRE, '2025-10-20'),
        allowed: () => false,
      },
      {
        name: 'supplement of the open 容缺 material',
        run: (c) =>
          supplement(c, [mat('topographicMap', '2025-10-20')], {
            now: at('2025-10-20'),
            today: '2025-10-20',
          }),
        allowed: (c) => c.deficiencies.some((d) => d.status === 'open'),
      },
      {
        name: 'supplement of something else',
        run: (c) =>
          supplement(c, [mat('landContract', '2025-10-20')], { now: at('2025-10-20'), today: '2025-10-20' }),
        allowed: () => false,
      },
      {
        name: 'giveFeedback',
        run: (c) => giveFeedback(c, { satisfaction: 4, by: 'app-1', now: at('2025-10-20') }),
        allowed: () => true,
      },
    ];

  it('no transition from a closed status succeeds except supplementing open 容缺 and feedback', () => {
    fc.assert(
      fc.property(fc.constantFrom(...closedCases()), fc.constantFrom(...transitions), ({ c }, t) => {
        const before = structuredClone(c);
        let ok = true;
        try {
          t.run(c);
        } catch {
          ok = false;
        }
        expect(ok).toBe(t.allowed(c));
        expect(c).toEqual(before); // transitions never mutate their input
      }),
    );
    // and feedback is given only once
    for (const { c } of closedCases()) {
      const rated = giveFeedback(c, { satisfaction: 4, by: 'app-1', now: at('2025-10-20') });
      expect(() => giveFeedback(rated, { satisfaction: 4, by: 'app-1', now: at('2025-10-21') })).toThrow(
        /FEEDBACK_ALREADY_GIVEN/,
      );
    }
  });

  it('pre-review: exactly the left-out materials are reported, errors exactly for core ones', () => {
    fc.assert(
      fc.property(
        stageArb.chain((s) =>
          fc.record({
            stage: fc.constant(s.stage),
            chosen: fc.subarray(s.items.filter((i) => !i.required).map((i) => i.code)),
          }),
        ),
        fc.func(fc.boolean()),
        ({ stage, chosen }, leaveOut) => {
          const items = itemsOf(stage, chosen);
          const all = materialsFor(stage, chosen, [], '2025-09-26');
          const left = all.filter((m) => leaveOut(m.code)).map((m) => m.code);
          const findings = preReview(
            province,
            items,
            all.filter((m) => !left.includes(m.code)),
          );
          const expected = items.flatMap((i) =>
            i.materials.filter((m) => left.includes(m)).map((m) => `${i.code}/${m}`),
          );
          expect(findings.map((f) => `${f.itemCode}/${f.materialCode}`).sort()).toEqual(expected.sort());
          for (const f of findings) {
            const core = province.materials.find((m) => m.code === f.materialCode)?.core;
            const listed = province.items
              .find((i) => i.code === f.itemCode)
              ?.deficiencyAllowed.includes(f.materialCode!);
            expect(f.severity).toBe(!core && listed ? 'warning' : 'error');
          }
          // and a case with only warnings can be accepted under 容缺 when everything is listed
          if (findings.length > 0 && findings.every((f) => f.severity === 'warning')) {
            const c = createStageCase({
              id: 'C-p',
              province,
              project: project(),
              stage,
              items,
              materials: all.filter((m) => !left.includes(m.code)),
              findings,
              submittedBy: 'app-1',
              now: at('2025-09-26'),
              today: '2025-09-26',
              cal,
            });
            const accepted = accept(
              c,
              {
                outcome: 'acceptWithDeficiencies',
                deficiencies: findings.map((f) => ({
                  itemCode: f.itemCode!,
                  materialCode: f.materialCode!,
                  days: 1,
                })),
                commitmentSigned: true,
              },
              acceptCtx('2025-09-26'),
            );
            expect(accepted.deficiencies).toHaveLength(findings.length);
            expect(accepted.deficiencies.every((d) => d.deadline === '2025-09-28')).toBe(true); // 调休 Sunday
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

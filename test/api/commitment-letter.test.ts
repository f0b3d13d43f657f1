import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, type ApiResponse, actors, projectBody, versionOf } from '../support/api-client.js';
import { applicant, ORG_B, TestClock } from '../support/province-harness.js';

/**
 * 容缺受理承诺书 over HTTP: the applicant signs online before acceptance, the window reads it and
 * accepts with deficiencies on its strength, and the applicant sees the supplement countdown.
 */

const clients: ApiClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
});

const TEXT =
  '本单位承诺：在受理之日起 5 个工作日内补交「授权委托书」「1:500地形图」；逾期未补交的，同意终止办理并记入信用记录。';
const promised = [
  { itemCode: 'landPreExaminationSiting', materialCode: 'authorisationLetter', days: 5 },
  { itemCode: 'landUsePlanningPermit', materialCode: 'authorisationLetter', days: 5 },
  { itemCode: 'landPreExaminationSiting', materialCode: 'topographicMap', days: 5 },
];
const key = () => ({ 'idempotency-key': crypto.randomUUID() });

function expectProblem(res: ApiResponse, status: number, code: string) {
  expect(res.status, res.text).toBe(status);
  expect(res.body.code).toBe(code);
  expect(res.body.title).toMatch(/[\u4e00-\u9fff]/);
}

async function submittedWithGaps() {
  const c = await ApiClient.create({ clock: new TestClock('2025-09-24') });
  clients.push(c);
  const p = await c.post(actors.applicantA, '/projects', projectBody());
  const applied = await c.post(actors.applicantA, `/projects/${p.body.id}/admission`, undefined, {
    'if-match': `"${versionOf(p)}"`,
  });
  const admitted = await c.post(
    actors.supervisor,
    `/projects/${p.body.id}/admission/decision`,
    { admit: true, reasons: '省级重点项目，符合准入条件' },
    { 'if-match': `"${versionOf(applied)}"` },
  );
  expect(admitted.status, admitted.text).toBe(200);
  const submitted = await c.post(
    actors.applicantA,
    '/cases',
    {
      projectId: p.body.id,
      stage: 'projectApproval',
      materials: c.materialsFor('projectApproval', [], ['authorisationLetter', 'topographicMap']),
    },
    key(),
  );
  expect(submitted.status, submitted.text).toBe(201);
  return { c, caseId: submitted.body.id as string };
}

describe('容缺受理承诺书', () => {
  it('signed by the applicant, read by the window, and enough for 容缺受理 without a counter signature', async () => {
    const { c, caseId } = await submittedWithGaps();
    const none = await c.get(actors.windowOfficer, `/cases/${caseId}/commitment-letter`);
    expectProblem(none, 404, 'COMMITMENT_LETTER_NOT_FOUND');

    const headers = key();
    const signed = await c.post(
      actors.applicantA,
      `/cases/${caseId}/commitment-letter`,
      { materials: promised, textZh: TEXT },
      headers,
    );
    expect(signed.status, signed.text).toBe(201);
    expect(signed.body).toMatchObject({ caseId, textZh: TEXT, signedBy: actors.applicantA.id, version: 1 });
    expect(signed.body.materials.map((m: { materialName: string }) => m.materialName)).toEqual([
      '授权委托书',
      '授权委托书',
      '1:500地形图',
    ]);
    expect(signed.body.contentHash).toMatch(/^[0-9a-f]{64}$/);
    // a retried click replays the first answer; a new signing is refused
    const replay = await c.post(
      actors.applicantA,
      `/cases/${caseId}/commitment-letter`,
      { materials: promised, textZh: TEXT },
      headers,
    );
    expect(replay.body.signedAt).toBe(signed.body.signedAt);
    expectProblem(
      await c.post(
        actors.applicantA,
        `/cases/${caseId}/commitment-letter`,
        { materials: promised, textZh: TEXT },
        key(),
      ),
      409,
      'COMMITMENT_ALREADY_SIGNED',
    );

    const read = await c.get(actors.windowOfficer, `/cases/${caseId}/commitment-letter`);
    expect(read.status, read.text).toBe(200);
    expect(read.body.contentHash).toBe(signed.body.contentHash);

    // signing wrote a new version of the case and a line on its timeline
    const progress = await c.get(actors.applicantA, `/cases/${caseId}/progress`);
    expect(progress.body.timeline.map((e: { labelZh: string }) => e.labelZh)).toContain(
      '申请人签署容缺受理承诺书',
    );

    const accepted = await c.post(
      actors.windowOfficer,
      `/cases/${caseId}/acceptance`,
      {
        outcome: 'acceptWithDeficiencies',
        commitmentSigned: false,
        deficiencies: promised.map(({ itemCode, materialCode }) => ({ itemCode, materialCode, days: 5 })),
      },
      { 'if-match': `"${versionOf(progress)}"`, ...key() },
    );
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body.status).toBe('underReview');

    const deadlines = await c.get(actors.applicantA, `/cases/${caseId}/supplement-deadlines`);
    expect(deadlines.status, deadlines.text).toBe(200);
    // accepted on 24 September 2025: 5 working days count Sunday 28 September (调休 working day)
    expect(deadlines.body.today).toBe('2025-09-24');
    expect(deadlines.body.deadlines).toHaveLength(3);
    expect(deadlines.body.deadlines[0]).toMatchObject({
      materialName: '授权委托书',
      deadline: '2025-09-30',
      workingDaysLeft: 5,
    });

    // after acceptance the letter can no longer be signed (or changed)
    expectProblem(
      await c.post(
        actors.applicantA,
        `/cases/${caseId}/commitment-letter`,
        { materials: promised, textZh: TEXT },
        key(),
      ),
      409,
      'COMMITMENT_ALREADY_SIGNED',
    );
  });

  it('without a letter the window still needs the counter signature; the letter refuses core materials and strangers', async () => {
    const { c, caseId } = await submittedWithGaps();
    const current = await c.get(actors.windowOfficer, `/cases/${caseId}`);
    expectProblem(
      await c.post(
        actors.windowOfficer,
        `/cases/${caseId}/acceptance`,
        {
          outcome: 'acceptWithDeficiencies',
          commitmentSigned: false,
          deficiencies: promised.map(({ itemCode, materialCode }) => ({ itemCode, materialCode, days: 5 })),
        },
        { 'if-match': `"${versionOf(current)}"`, ...key() },
      ),
      422,
      'COMMITMENT_NOT_SIGNED',
    );
    expectProblem(
      await c.post(
        actors.applicantA,
        `/cases/${caseId}/commitment-letter`,
        {
          materials: [{ itemCode: 'landPreExaminationSiting', materialCode: 'siteSelectionReport', days: 3 }],
          textZh: TEXT,
        },
        key(),
      ),
      422,
      'MATERIAL_NOT_DEFICIENCY_ALLOWED',
    );
    expectProblem(
      await c.post(
        applicant(ORG_B).actor,
        `/cases/${caseId}/commitment-letter`,
        { materials: promised, textZh: TEXT },
        key(),
      ),
      403,
      'FORBIDDEN',
    );
    expectProblem(
      await c.get(applicant(ORG_B).actor, `/cases/${caseId}/supplement-deadlines`),
      403,
      'FORBIDDEN',
    );
  });
});

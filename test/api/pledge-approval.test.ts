import { afterEach, describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../shared/domain/calendar.js';
import type { Organisation, Project } from '../../shared/domain/model.js';
import { commit } from '../../shared/services/unit-of-work.js';
import { ApiClient, type ApiResponse, actors, versionOf } from '../support/api-client.js';
import {
  admittedProject,
  applicant,
  type Harness,
  ORG_A,
  ORG_B,
  stageMaterials,
  supervisor,
  windowOfficer,
} from '../support/province-harness.js';

/** 告知承诺 over HTTP (国务院办公厅关于全面推行证明事项告知承诺制的指导意见，国办发〔2020〕42号). */
process.env.GC_CHECK_RESPONSES = '1';
const clients: ApiClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
});
async function client() {
  const c = await ApiClient.create();
  clients.push(c);
  return c;
}
const cal = WorkingCalendar.fromChineseDays();
const PLEDGE_ITEM = 'eiaReportFormApproval'; // Jiangsu: 告知承诺 allowed, department eco
const OTHER_ITEM = 'energyConservationReview'; // not on the 告知承诺 list

/** Stage 1 with a pledge-allowed and a plain optional item, accepted on 2026-03-02. */
async function acceptedCase(h: Harness, projectId: string) {
  const items = [PLEDGE_ITEM, OTHER_ITEM].map((code) => h.province.items.find((i) => i.code === code)!);
  const codes = new Set([
    ...stageMaterials(h.province, 'projectApproval').map((m) => m.code),
    ...items.flatMap((i) => i.materials),
  ]);
  const submitted = await h.services.cases.submit(applicant(), {
    projectId,
    stage: 'projectApproval',
    itemCodes: [PLEDGE_ITEM, OTHER_ITEM],
    materials: [...codes].map((code) => ({ code })),
  });
  await h.services.cases.actOnAcceptance(windowOfficer, submitted.value.id, submitted.version, {
    outcome: 'accept',
  });
  return submitted.value.id;
}

async function pledgeText(c: ApiClient, caseId: string): Promise<string> {
  const res = await c.get(actors.applicantA, `/cases/${caseId}/pledges`);
  expect(res.status, res.text).toBe(200);
  return res.body.items.find((i: { itemCode: string }) => i.itemCode === PLEDGE_ITEM).textZh;
}

/** An earlier credit mark, as a lapsed 容缺 leaves one. */
async function earlierLapse(h: Harness, caseId: string) {
  await commit(h.services.deps, supervisor, [
    {
      kind: 'organisation',
      id: ORG_A.creditCode,
      expectedVersion: 0,
      value: {
        creditCode: ORG_A.creditCode,
        name: ORG_A.name,
        creditMarks: [
          { at: '2026-01-10T02:00:00.000Z', caseId, reason: '容缺材料未在期限内补齐：fundingProof' },
        ],
      } satisfies Organisation,
      indexes: [],
      events: [],
    },
  ]);
}

const eco = () => actors.reviewer('eco');

function expectProblem(res: ApiResponse, status: number, code: string) {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe(code);
  expect(res.body.title).toMatch(/[\u4e00-\u9fff]/);
}

describe('告知承诺 (国办发〔2020〕42号): the applicant signs, the item is approved at once', () => {
  it('lists only pledge-allowed items with a commitment text generated from the item', async () => {
    const c = await client();
    const caseId = await acceptedCase(c.h, await admittedProject(c.h));
    const res = await c.get(actors.applicantA, `/cases/${caseId}/pledges`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.items.map((i: { itemCode: string }) => i.itemCode)).toEqual([PLEDGE_ITEM]);
    const [offer] = res.body.items;
    expect(offer).toMatchObject({ signable: true, checkDays: 20, department: 'eco' });
    expect(offer.textZh).toContain('建设项目环境影响报告表审批');
    expect(offer.textZh).toContain('撤销批准决定');
    expect(offer.textZh).toContain('国办发〔2020〕42号');
    const stranger = {
      id: 'app-b',
      name: '经办人',
      role: 'applicant' as const,
      creditCode: ORG_B.creditCode,
    };
    expect((await c.get(stranger, `/cases/${caseId}/pledges`)).status).toBe(403);
  });

  it('only the owner signs, only for pledge-allowed items and the exact text; bad input changes nothing', async () => {
    const c = await client();
    const caseId = await acceptedCase(c.h, await admittedProject(c.h));
    const textZh = await pledgeText(c, caseId);
    const before = versionOf(await c.get(actors.applicantA, `/cases/${caseId}`));
    const path = `/cases/${caseId}/items/${PLEDGE_ITEM}/pledge`;
    const stranger = {
      id: 'app-b',
      name: '经办人',
      role: 'applicant' as const,
      creditCode: ORG_B.creditCode,
    };
    expectProblem(await c.post(stranger, path, { textZh }), 403, 'FORBIDDEN');
    expectProblem(await c.post(eco(), path, { textZh }), 403, 'FORBIDDEN');
    expectProblem(
      await c.post(actors.applicantA, `/cases/${caseId}/items/${OTHER_ITEM}/pledge`, { textZh }),
      409,
      'PLEDGE_NOT_ALLOWED',
    );
    expectProblem(
      await c.post(actors.applicantA, path, { textZh: `${textZh}（删去第四条）` }),
      422,
      'PLEDGE_TEXT_MISMATCH',
    );
    expect((await c.post(actors.applicantA, path, { textZh, extra: 1 })).status).toBe(400);
    expect((await c.post(actors.applicantA, path, {})).status).toBe(400);
    const after = await c.get(actors.applicantA, `/cases/${caseId}`);
    expect(versionOf(after)).toBe(before);
    expect(after.body.items.find((i: { code: string }) => i.code === PLEDGE_ITEM).decision).toBeUndefined();
  });

  it('approves at once, signed, on commitment, with the 事后核查 due in checkDays working days', async () => {
    const c = await client();
    const caseId = await acceptedCase(c.h, await admittedProject(c.h));
    const textZh = await pledgeText(c, caseId);
    const path = `/cases/${caseId}/items/${PLEDGE_ITEM}/pledge`;
    const res = await c.post(actors.applicantA, path, { textZh }, { 'idempotency-key': 'pledge-1' });
    expect(res.status, res.text).toBe(200);
    const item = res.body.items.find((i: { code: string }) => i.code === PLEDGE_ITEM);
    const due = cal.addWorkingDays('2026-03-02', 20).date;
    expect(item.status).toBe('approved');
    expect(item.decision).toMatchObject({ outcome: 'approve', onCommitment: true, by: actors.applicantA.id });
    expect(item.decision.resultNo).toMatch(/^JS2026-/);
    expect(item.pledge).toMatchObject({
      textZh,
      creditCode: ORG_A.creditCode,
      check: { status: 'scheduled', dueDate: due },
    });
    expect(item.pledge.contentHash).toMatch(/^[0-9a-f]{64}$/);
    // the electronic result is signed and verifiable like any approval
    const verified = await c.get(actors.applicantA, `/results/${item.decision.resultNo}`);
    expect(verified.status, verified.text).toBe(200);
    const replay = await c.post(actors.applicantA, path, { textZh }, { 'idempotency-key': 'pledge-1' });
    expect(replay.body).toEqual(res.body);
    expectProblem(await c.post(actors.applicantA, path, { textZh }), 409, 'ITEM_ALREADY_DECIDED');
    const progress = await c.get(actors.applicantA, `/cases/${caseId}/progress`);
    expect(progress.status, progress.text).toBe(200);
    expect(
      progress.body.progress.items.find((i: { code: string }) => i.code === PLEDGE_ITEM).pledge,
    ).toMatchObject({
      checkDueDate: due,
      checkStatus: 'scheduled',
      checkOverdue: false,
    });
    const notes = await c.get(actors.applicantA, '/notifications');
    expect(notes.body.items.some((n: { type: string }) => n.type === 'pledgeApproved')).toBe(true);
    // the sweeper tells the department once when the check falls due
    c.h.clock.setDate(due);
    await c.h.services.sweep();
    await c.h.services.sweep();
    const deptNotes = await c.get(eco(), '/notifications');
    expect(deptNotes.body.items.filter((n: { type: string }) => n.type === 'pledgeCheckDue')).toHaveLength(1);
  });
});

describe('事后核查 (国办发〔2020〕42号: 承诺不实的依法撤销，记入信用记录)', () => {
  async function pledged(c: ApiClient, projectId?: string) {
    const id = projectId ?? (await admittedProject(c.h));
    const caseId = await acceptedCase(c.h, id);
    const textZh = await pledgeText(c, caseId);
    const res = await c.post(actors.applicantA, `/cases/${caseId}/items/${PLEDGE_ITEM}/pledge`, { textZh });
    expect(res.status, res.text).toBe(200);
    return { projectId: id, caseId, path: `/cases/${caseId}/items/${PLEDGE_ITEM}/pledge-check` };
  }

  it('only a reviewer of the item department records it; a failure needs reasons; bad input changes nothing', async () => {
    const c = await client();
    const { caseId, path } = await pledged(c);
    const before = versionOf(await c.get(actors.applicantA, `/cases/${caseId}`));
    expectProblem(await c.post(actors.applicantA, path, { outcome: 'passed' }), 403, 'FORBIDDEN');
    expectProblem(await c.post(actors.reviewer('ndrc'), path, { outcome: 'passed' }), 403, 'FORBIDDEN');
    expectProblem(await c.post(eco(), path, { outcome: 'failed', reasonsZh: '  ' }), 422, 'REASONS_REQUIRED');
    expect((await c.post(eco(), path, { outcome: 'maybe' })).status).toBe(400);
    expectProblem(
      await c.post(eco(), `/cases/${caseId}/items/${OTHER_ITEM}/pledge-check`, { outcome: 'passed' }),
      403,
      'FORBIDDEN',
    );
    expect(versionOf(await c.get(actors.applicantA, `/cases/${caseId}`))).toBe(before);
    const ok = await c.post(eco(), path, { outcome: 'passed' });
    expect(ok.status, ok.text).toBe(200);
    const item = ok.body.items.find((i: { code: string }) => i.code === PLEDGE_ITEM);
    expect(item.pledge.check).toMatchObject({ status: 'passed', by: eco().id });
    expect(item.decision.revoked).toBeUndefined();
    expectProblem(
      await c.post(eco(), path, { outcome: 'failed', reasonsZh: '再查' }),
      409,
      'CHECK_ALREADY_RECORDED',
    );
    expect(
      (await c.h.store.get<Organisation>('organisation', ORG_A.creditCode))?.value.creditMarks ?? [],
    ).toEqual([]);
  });

  it('a failed check revokes the approval (sent to partners), marks credit and tells the applicant', async () => {
    const c = await client();
    const project = await c.h.services.projects.register(applicant(), {
      projectCode: '2026-320000-48-01-771001',
      name: '跨省告知承诺项目',
      ownerName: ORG_A.name,
      category: 'provincialKey',
      location: { city: '南京市' },
      investmentWan: 50_000,
      governmentInvested: true,
      partnerProvinces: ['ZJ'],
    });
    const applied = await c.h.services.projects.applyAdmission(
      applicant(),
      project.value.id,
      project.version,
    );
    await c.h.services.projects.decideAdmission(supervisor, project.value.id, applied.version, {
      admit: true,
      reasons: '符合准入条件',
    });
    const { caseId, path } = await pledged(c, project.value.id);
    const res = await c.post(eco(), path, {
      outcome: 'failed',
      reasonsZh: '现场核查发现未落实环评报告表的防治措施',
    });
    expect(res.status, res.text).toBe(200);
    const item = res.body.items.find((i: { code: string }) => i.code === PLEDGE_ITEM);
    expect(item.pledge.check.status).toBe('failed');
    expect(item.decision.revoked).toMatchObject({ by: eco().id });
    expect(item.decision.revoked.reasonZh).toContain('未落实环评报告表的防治措施');
    const events = (await c.h.store.audit(`stageCase/${caseId}`)).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['PledgeCheckFailed', 'DecisionRevoked', 'ResultRevoked']));
    const org = await c.h.store.get<Organisation>('organisation', ORG_A.creditCode);
    expect(org?.value.creditMarks).toHaveLength(1);
    // one mark is below Jiangsu's threshold of 2: no exit proposal yet
    expect((await c.h.store.get<Project>('project', project.value.id))?.value.exitProposal).toBeUndefined();
    const notes = await c.get(actors.applicantA, '/notifications');
    expect(notes.body.items.some((n: { type: string }) => n.type === 'pledgeCheckFailed')).toBe(true);
    const progress = await c.get(actors.applicantA, `/cases/${caseId}/progress`);
    expect(progress.body.progress.items.find((i: { code: string }) => i.code === PLEDGE_ITEM)).toMatchObject({
      pledge: { checkStatus: 'failed' },
      revocation: { reasonZh: item.decision.revoked.reasonZh },
    });
  });

  it('滥用: a failed check after a lapsed 容缺 proposes exit for abuse; the supervisor confirms the exit', async () => {
    const c = await client();
    const { projectId, caseId, path } = await pledged(c);
    await earlierLapse(c.h, 'C-earlier');
    const res = await c.post(eco(), path, { outcome: 'failed', reasonsZh: '承诺的环保设施未建设' });
    expect(res.status, res.text).toBe(200);
    const project = await c.get(actors.supervisor, `/projects/${projectId}`);
    expect(project.body.exitProposal).toMatchObject({ ground: 'abuse' });
    expect(project.body.exitProposal.reasonsZh.join('\n')).toContain('容缺材料未在期限内补齐');
    const supNotes = await c.get(actors.supervisor, '/notifications');
    expect(supNotes.body.items.some((n: { type: string }) => n.type === 'abuseExitProposed')).toBe(true);
    const decided = await c.post(
      actors.supervisor,
      `/projects/${projectId}/exit-decision`,
      { decision: 'exit', reasonZh: '多次承诺不实，滥用告知承诺' },
      { 'if-match': `"${versionOf(project)}"` },
    );
    expect(decided.status, decided.text).toBe(200);
    expect(decided.body.admission.status).toBe('exited');
    expect(decided.body.exitProposal).toBeUndefined();
    expect(caseId).toBeTruthy();
  });

  it('滥用: the supervisor may dismiss an abuse proposal with reasons (no lateness year to excuse)', async () => {
    const c = await client();
    const { projectId, path } = await pledged(c);
    await earlierLapse(c.h, 'C-earlier');
    expect((await c.post(eco(), path, { outcome: 'failed', reasonsZh: '承诺不实' })).status).toBe(200);
    const project = await c.get(actors.supervisor, `/projects/${projectId}`);
    const dismissed = await c.post(
      actors.supervisor,
      `/projects/${projectId}/exit-decision`,
      { decision: 'excuse', reasonZh: '前次容缺逾期系材料出具单位原因' },
      { 'if-match': `"${versionOf(project)}"` },
    );
    expect(dismissed.status, dismissed.text).toBe(200);
    expect(dismissed.body.admission.status).toBe('admitted');
    expect(dismissed.body.exitProposal).toBeUndefined();
  });
});

describe('滥用 counts a lapsed 容缺 the same way as a failed 事后核查', () => {
  it('滥用: a 容缺 lapse after a failed check proposes exit for abuse on the lapsed case’s project', async () => {
    const c = await client();
    // 容缺 first: an organisation already marked could not use it (barredAfterCreditMarks 1)
    const lapsingProject = await admittedProject(c.h);
    const s = await c.h.services.cases.submit(applicant(), {
      projectId: lapsingProject,
      stage: 'projectApproval',
      materials: stageMaterials(c.h.province, 'projectApproval', ['topographicMap']),
    });
    const itemCode = s.value.items.find((i) =>
      c.h.province.items.find((x) => x.code === i.code)?.deficiencyAllowed.includes('topographicMap'),
    )!.code;
    const deficient = await c.h.services.cases.actOnAcceptance(windowOfficer, s.value.id, s.version, {
      outcome: 'acceptWithDeficiencies',
      deficiencies: [{ itemCode, materialCode: 'topographicMap', days: 5 }],
      commitmentSigned: true,
    });
    // then a failed check on another project's commitment: the first mark
    const caseId = await acceptedCase(c.h, await admittedProject(c.h));
    const textZh = await pledgeText(c, caseId);
    expect(
      (await c.post(actors.applicantA, `/cases/${caseId}/items/${PLEDGE_ITEM}/pledge`, { textZh })).status,
    ).toBe(200);
    const failed = await c.post(eco(), `/cases/${caseId}/items/${PLEDGE_ITEM}/pledge-check`, {
      outcome: 'failed',
      reasonsZh: '承诺不实',
    });
    expect(failed.status, failed.text).toBe(200);
    expect((await c.h.store.get<Project>('project', lapsingProject))?.value.exitProposal).toBeUndefined();
    // the 容缺 lapses: the second mark reaches the threshold
    c.h.clock.setDate(cal.addWorkingDays(deficient.value.deficiencies[0]!.deadline, 1).date);
    const report = await c.h.services.sweep();
    expect(report.terminated).toBe(1);
    const org = await c.h.store.get<Organisation>('organisation', ORG_A.creditCode);
    expect(org?.value.creditMarks).toHaveLength(2);
    const proposal = (await c.h.store.get<Project>('project', lapsingProject))?.value.exitProposal;
    expect(proposal).toMatchObject({ ground: 'abuse' });
    expect(proposal?.reasonsZh.join('\n')).toContain('告知承诺事后核查不通过');
  });

  it("滥用: a supervisor's termination with a credit mark counts toward abuse like a lapsed 容缺", async () => {
    const c = await client();
    const caseId = await acceptedCase(c.h, await admittedProject(c.h));
    const textZh = await pledgeText(c, caseId);
    expect(
      (await c.post(actors.applicantA, `/cases/${caseId}/items/${PLEDGE_ITEM}/pledge`, { textZh })).status,
    ).toBe(200);
    const failed = await c.post(eco(), `/cases/${caseId}/items/${PLEDGE_ITEM}/pledge-check`, {
      outcome: 'failed',
      reasonsZh: '承诺不实',
    });
    expect(failed.status, failed.text).toBe(200);
    const other = await admittedProject(c.h);
    const otherCase = await acceptedCase(c.h, other);
    const ended = await c.post(actors.supervisor, `/cases/${otherCase}/termination`, {
      reason: '申请材料弄虚作假',
      creditMark: true,
    });
    expect(ended.status, ended.text).toBe(200);
    const org = await c.h.store.get<Organisation>('organisation', ORG_A.creditCode);
    expect(org?.value.creditMarks).toHaveLength(2);
    expect((await c.h.store.get<Project>('project', other))?.value.exitProposal).toMatchObject({
      ground: 'abuse',
    });
  });
});

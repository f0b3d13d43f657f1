import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/domain/errors.js';
import { ComplaintService } from '../../shared/services/complaints.js';
import {
  admittedProject,
  applicant,
  asActor,
  type Harness,
  makeHarness,
  ORG_B,
  reviewer,
  stageMaterials,
  supervisor,
  windowOfficer,
} from '../support/province-harness.js';

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.stop()));
});

async function setup() {
  const h = makeHarness();
  harnesses.push(h);
  const projectId = await admittedProject(h);
  const c = await h.services.cases.submit(applicant(), {
    projectId,
    stage: 'projectApproval',
    materials: stageMaterials(h.province, 'projectApproval'),
  });
  return { h, complaints: new ComplaintService(h.services.deps), caseId: c.value.id };
}

async function expectError(promise: Promise<unknown>, code: string, kind?: DomainError['kind']) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${code}`).toBeInstanceOf(DomainError);
  expect((err as DomainError).code).toBe(code);
  if (kind) expect((err as DomainError).kind).toBe(kind);
}

const auditor = asActor({ id: 'auditor-1', name: '第三方评估机构', role: 'auditor' });

describe('complaints', () => {
  it('filed by the applicant, handled and closed by the supervisor, then closed for good', async () => {
    const { h, complaints, caseId } = await setup();
    const filed = await complaints.file(applicant(), caseId, { textZh: ' 受理超时且未告知原因 ' });
    expect(filed.version).toBe(1);
    expect(filed.value).toMatchObject({
      caseId,
      status: 'open',
      textZh: '受理超时且未告知原因',
      handling: [],
    });
    const ids = async (key: string) => (await h.store.query('status', key)).items.map((i) => i.id);
    expect(await ids('complaint:all')).toEqual([filed.value.id]);
    expect(await ids('complaint:open')).toEqual([filed.value.id]);

    const handled = await complaints.handle(supervisor, filed.value.id, 1, { noteZh: '已督促窗口说明情况' });
    expect(handled.value.status).toBe('handling');
    expect(handled.value.handling).toEqual([
      expect.objectContaining({ by: supervisor.actor.id, noteZh: '已督促窗口说明情况' }),
    ]);
    await expectError(
      complaints.close(supervisor, filed.value.id, 1, { resolutionZh: '已办结' }),
      'VERSION_CONFLICT',
      'conflict',
    );
    const closed = await complaints.close(supervisor, filed.value.id, 2, {
      resolutionZh: '窗口已致歉并当日受理',
    });
    expect(closed.value).toMatchObject({ status: 'closed', resolutionZh: '窗口已致歉并当日受理' });
    expect(closed.value.closedAt).toBeDefined();
    expect(await ids('complaint:open')).toEqual([]);
    expect(await ids('complaint:all')).toEqual([filed.value.id]);

    await expectError(
      complaints.handle(supervisor, filed.value.id, 3, { noteZh: '再次办理' }),
      'COMPLAINT_CLOSED',
      'conflict',
    );
    await expectError(
      complaints.close(supervisor, filed.value.id, 3, { resolutionZh: '再次办结' }),
      'COMPLAINT_CLOSED',
      'conflict',
    );
    const trail = await h.store.audit(`complaint/${filed.value.id}`);
    expect(trail.map((e) => e.type)).toEqual(['ComplaintFiled', 'ComplaintHandled', 'ComplaintClosed']);
  });

  it('only the case applicant files, with text; only supervisors handle', async () => {
    const { complaints, caseId } = await setup();
    await expectError(
      complaints.file(applicant(ORG_B), caseId, { textZh: '投诉' }),
      'FORBIDDEN',
      'forbidden',
    );
    await expectError(complaints.file(supervisor, caseId, { textZh: '投诉' }), 'FORBIDDEN', 'forbidden');
    await expectError(
      complaints.file(applicant(), caseId, { textZh: '   ' }),
      'COMPLAINT_TEXT_REQUIRED',
      'invalid',
    );
    await expectError(complaints.file(applicant(), 'C-missing', { textZh: '投诉' }), 'STAGE_CASE_NOT_FOUND');
    const filed = await complaints.file(applicant(), caseId, { textZh: '审查超期' });
    await expectError(
      complaints.handle(windowOfficer, filed.value.id, 1, { noteZh: '办理' }),
      'FORBIDDEN',
      'forbidden',
    );
    await expectError(complaints.handle(applicant(), filed.value.id, 1, { noteZh: '办理' }), 'FORBIDDEN');
    await expectError(complaints.handle(supervisor, filed.value.id, 1, { noteZh: ' ' }), 'NOTE_REQUIRED');
    await expectError(
      complaints.close(supervisor, filed.value.id, 1, { resolutionZh: '' }),
      'RESOLUTION_REQUIRED',
    );
  });

  it('applicants see their own complaints only; staff see all; reviewers none', async () => {
    const { h, complaints, caseId } = await setup();
    const projectB = await admittedProject(h, ORG_B);
    const caseB = await h.services.cases.submit(applicant(ORG_B), {
      projectId: projectB,
      stage: 'projectApproval',
      materials: stageMaterials(h.province, 'projectApproval'),
    });
    const a = await complaints.file(applicant(), caseId, { textZh: '受理超时' });
    h.clock.setDate('2026-03-03'); // a strict order of filing
    const b = await complaints.file(applicant(ORG_B), caseB.value.id, { textZh: '重复要求材料' });
    await complaints.close(supervisor, b.value.id, 1, { resolutionZh: '已纠正' });

    const idsOf = (page: { items: { value: { id: string } }[] }) => page.items.map((i) => i.value.id);
    expect(idsOf(await complaints.list(applicant(), {}))).toEqual([a.value.id]);
    expect(idsOf(await complaints.list(applicant(ORG_B), {}))).toEqual([b.value.id]);
    expect(idsOf(await complaints.list(applicant(ORG_B), { status: 'open' }))).toEqual([]);
    expect(idsOf(await complaints.list(supervisor, {}))).toEqual([b.value.id, a.value.id]);
    expect(idsOf(await complaints.list(auditor, { status: 'closed' }))).toEqual([b.value.id]);
    expect(idsOf(await complaints.list(windowOfficer, { status: 'open' }))).toEqual([a.value.id]);
    const first = await complaints.list(supervisor, { limit: 1 });
    expect(first.cursor).toBeDefined();
    expect(idsOf(await complaints.list(supervisor, { limit: 1, cursor: first.cursor! }))).toEqual([
      a.value.id,
    ]);
    await expectError(complaints.list(reviewer('nrp'), {}), 'FORBIDDEN', 'forbidden');
    await expectError(complaints.get(applicant(ORG_B), a.value.id), 'FORBIDDEN', 'forbidden');
    expect((await complaints.get(applicant(), a.value.id)).value.id).toBe(a.value.id);
  });
});

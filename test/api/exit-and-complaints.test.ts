import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/model.js';
import { ApiClient, type ApiResponse, actors, projectBody, versionOf } from '../support/api-client.js';
import { applicant, ORG_B, TestClock } from '../support/province-harness.js';

/**
 * 投诉与退出 over HTTP: the yearly review, exit / 容错 decisions and complaints, with the bad inputs
 * answered as problem+json in Chinese.
 */

const clients: ApiClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
});

async function api(day = '2024-03-01') {
  const clock = new TestClock(day);
  const c = await ApiClient.create({ clock });
  clients.push(c);
  return { c, clock };
}

function expectProblem(res: ApiResponse, status: number, code: string) {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe(code);
  expect(res.body.title).toMatch(/[\u4e00-\u9fff]/);
  expect(res.headers.get('etag')).toBeNull();
}

async function admitted(c: ApiClient, body: Record<string, unknown> = {}, who: Actor = actors.applicantA) {
  const p = await c.post(who, '/projects', { ...projectBody(), ...body });
  expect(p.status, p.text).toBe(201);
  const applied = await c.post(who, `/projects/${p.body.id}/admission`, undefined, {
    'if-match': `"${versionOf(p)}"`,
  });
  const decided = await c.post(
    actors.supervisor,
    `/projects/${p.body.id}/admission/decision`,
    { admit: true, reasons: '省级重点项目，符合准入条件' },
    { 'if-match': `"${versionOf(applied)}"` },
  );
  expect(decided.status, decided.text).toBe(200);
  return p.body.id as string;
}

/** Promised completion 2024-06-30, never completed: late in 2024 and 2025 → exit proposed. */
async function proposed() {
  const { c, clock } = await api();
  const id = await admitted(c, { promisedCompletion: '2024-06-30' });
  clock.setDate('2025-01-06');
  const first = await c.post(actors.supervisor, '/exit-reviews/2024');
  expect(first.status, first.text).toBe(200);
  clock.setDate('2026-01-05');
  const second = await c.post(actors.supervisor, '/exit-reviews/2025');
  expect(second.body).toMatchObject({ year: 2025, proposed: [id] });
  const project = await c.get(actors.supervisor, `/projects/${id}`);
  expect(project.body.exitProposal.year).toBe(2025);
  return { c, id, version: versionOf(project) };
}

describe('POST /exit-reviews/{year}', () => {
  it('runs for supervisors and admins only, on ended years only', async () => {
    const { c } = await api('2025-05-06');
    expectProblem(await c.post(actors.applicantA, '/exit-reviews/2024'), 403, 'FORBIDDEN');
    expectProblem(await c.post(actors.supervisor, '/exit-reviews/2025'), 422, 'YEAR_NOT_ENDED');
    expectProblem(await c.post(actors.supervisor, '/exit-reviews/abc'), 400, 'VALIDATION_FAILED');
    const ok = await c.post(actors.admin, '/exit-reviews/2024');
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({ year: 2024, reviewed: [] });
  });
});

describe('POST /projects/{projectId}/exit-decision', () => {
  it('refuses missing If-Match, stale versions, non-supervisors and empty reasons', async () => {
    const { c, id, version } = await proposed();
    const path = `/projects/${id}/exit-decision`;
    const exit = { decision: 'exit', reasonZh: '连续两年未按承诺竣工' };
    expectProblem(await c.post(actors.supervisor, path, exit), 428, 'VERSION_REQUIRED');
    expectProblem(
      await c.post(actors.supervisor, path, exit, { 'if-match': `"${version - 1}"` }),
      409,
      'VERSION_CONFLICT',
    );
    for (const who of [actors.windowOfficer, actors.applicantA, actors.admin]) {
      expectProblem(await c.post(who, path, exit, { 'if-match': `"${version}"` }), 403, 'FORBIDDEN');
    }
    const ifMatch = { 'if-match': `"${version}"` };
    const empty = await c.post(actors.supervisor, path, { decision: 'exit', reasonZh: '' }, ifMatch);
    expect(empty.status, empty.text).toBe(400);
    expectProblem(
      await c.post(actors.supervisor, path, { decision: 'exit', reasonZh: '   ' }, ifMatch),
      422,
      'REASONS_REQUIRED',
    );
    expectProblem(
      await c.post(actors.supervisor, path, { decision: 'excuse', reasonZh: '汛期停工' }, ifMatch),
      422,
      'EVIDENCE_REQUIRED',
    );
    expect(
      (await c.post(actors.supervisor, path, { decision: 'leave', reasonZh: '理由' }, ifMatch)).status,
    ).toBe(400);
    // nothing changed
    const unchanged = await c.get(actors.supervisor, `/projects/${id}`);
    expect(versionOf(unchanged)).toBe(version);
    expect(unchanged.body.admission.status).toBe('admitted');
  });

  it('exits once under an Idempotency-Key; the project then cannot submit a case', async () => {
    const { c, id, version } = await proposed();
    const path = `/projects/${id}/exit-decision`;
    const headers = { 'if-match': `"${version}"`, 'idempotency-key': 'exit-1' };
    const body = { decision: 'exit', reasonZh: '连续两年未按承诺竣工' };
    const first = await c.post(actors.supervisor, path, body, headers);
    expect(first.status, first.text).toBe(200);
    expect(first.body.admission.status).toBe('exited');
    expect(first.body.admission.priority).toBeUndefined();
    expect(versionOf(first)).toBe(version + 1);
    const replay = await c.post(actors.supervisor, path, body, headers);
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    const submit = await c.post(actors.applicantA, '/cases', {
      projectId: id,
      stage: 'projectApproval',
      materials: c.materialsFor('projectApproval'),
    });
    expectProblem(submit, 409, 'PROJECT_NOT_ADMITTED');
  });

  it('excuses with evidence (容错纠错)', async () => {
    const { c, id, version } = await proposed();
    const res = await c.post(
      actors.supervisor,
      `/projects/${id}/exit-decision`,
      { decision: 'excuse', reasonZh: '受汛期影响停工', evidence: ['省防指停工通知'] },
      { 'if-match': `"${version}"` },
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body.admission.status).toBe('admitted');
    expect(res.body.exitProposal).toBeUndefined();
    expect(res.body.annualReviews[1].excusable.evidence).toEqual(['省防指停工通知']);
  });
});

describe('complaints', () => {
  it('files, lists, handles and closes; a closed complaint cannot be handled again', async () => {
    const { c } = await api('2026-03-02');
    const projectId = await admitted(c);
    const submitted = await c.post(actors.applicantA, '/cases', {
      projectId,
      stage: 'projectApproval',
      materials: c.materialsFor('projectApproval'),
    });
    expect(submitted.status, submitted.text).toBe(201);
    const caseId = submitted.body.id as string;
    const filePath = `/cases/${caseId}/complaints`;

    expect((await c.post(actors.applicantA, filePath, { textZh: '' })).status).toBe(400);
    expectProblem(
      await c.post(actors.applicantA, filePath, { textZh: '  ' }),
      422,
      'COMPLAINT_TEXT_REQUIRED',
    );
    expectProblem(await c.post(applicant(ORG_B).actor, filePath, { textZh: '投诉' }), 403, 'FORBIDDEN');
    expectProblem(
      await c.post(actors.applicantA, '/cases/C-none/complaints', { textZh: '投诉' }),
      404,
      'STAGE_CASE_NOT_FOUND',
    );

    const filed = await c.post(
      actors.applicantA,
      filePath,
      { textZh: '受理超时且未告知原因' },
      {
        'idempotency-key': 'complaint-1',
      },
    );
    expect(filed.status, filed.text).toBe(201);
    expect(filed.body).toMatchObject({ status: 'open', caseId, version: 1 });
    const id = filed.body.id as string;

    expect(
      (await c.get(actors.applicantA, '/complaints')).body.items.map((i: { id: string }) => i.id),
    ).toEqual([id]);
    expect((await c.get(applicant(ORG_B).actor, '/complaints')).body.items).toEqual([]);
    expect((await c.get(actors.auditor, '/complaints?status=open')).body.items).toHaveLength(1);
    expectProblem(await c.get(actors.reviewer('nrp'), '/complaints'), 403, 'FORBIDDEN');

    const handling = `/complaints/${id}/handling`;
    expectProblem(await c.post(actors.supervisor, handling, { noteZh: '已督促' }), 428, 'VERSION_REQUIRED');
    expectProblem(
      await c.post(actors.windowOfficer, handling, { noteZh: '已督促' }, { 'if-match': '"1"' }),
      403,
      'FORBIDDEN',
    );
    const handled = await c.post(
      actors.supervisor,
      handling,
      { noteZh: '已督促窗口说明' },
      { 'if-match': '"1"' },
    );
    expect(handled.status, handled.text).toBe(200);
    expect(handled.body.status).toBe('handling');
    expectProblem(
      await c.post(
        actors.supervisor,
        `/complaints/${id}/closure`,
        { resolutionZh: '已办结' },
        { 'if-match': '"1"' },
      ),
      409,
      'VERSION_CONFLICT',
    );
    const closed = await c.post(
      actors.supervisor,
      `/complaints/${id}/closure`,
      { resolutionZh: '窗口已致歉并当日受理' },
      { 'if-match': `"${versionOf(handled)}"` },
    );
    expect(closed.status, closed.text).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', resolutionZh: '窗口已致歉并当日受理' });
    expectProblem(
      await c.post(actors.supervisor, handling, { noteZh: '再办' }, { 'if-match': `"${versionOf(closed)}"` }),
      409,
      'COMPLAINT_CLOSED',
    );
    const one = await c.get(actors.applicantA, `/complaints/${id}`);
    expect(one.status).toBe(200);
    expect(versionOf(one)).toBe(3);
    expectProblem(await c.get(actors.supervisor, '/complaints/Q-none'), 404, 'COMPLAINT_NOT_FOUND');
  });
});

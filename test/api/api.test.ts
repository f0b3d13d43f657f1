import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLocalSigner } from '../../functions/http/auth.js';
import type { Actor, Project, StageCase } from '../../shared/domain/model.js';
import {
  ApiClient,
  type ApiResponse,
  AUDIENCE,
  actors,
  ISSUER,
  nextProjectCode,
  projectBody,
  versionOf,
} from '../support/api-client.js';
import { applicant, type Harness, ORG_A, ORG_B } from '../support/province-harness.js';

/**
 * The province's HTTP API end to end, in-process: the real app (createApp) over the real services,
 * an embedded SQLite store and the local ASL runner. Every bad input must answer with a stable
 * problem+json, never echo personal data, and leave the store exactly as it was.
 */

const clients: ApiClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
});
async function api(): Promise<ApiClient> {
  const c = await ApiClient.create();
  clients.push(c);
  return c;
}

const applicantB = applicant(ORG_B).actor;
const STAGE = 'projectApproval';
/** projectApproval: two required items of 自然资源 (nrp) plus one chosen item of 发改 (ndrc). */
const CHOSEN = ['investmentApproval'];

function expectProblem(res: ApiResponse, status: number, code: string, mustNotContain: string[] = []) {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe(code);
  expect(res.body.status).toBe(status);
  expect(res.body.title).toMatch(/[\u4e00-\u9fff]/);
  expect(res.headers.get('etag')).toBeNull();
  expect(res.text).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack trace
  for (const secret of mustNotContain) expect(res.text).not.toContain(secret);
}

/** What a failed request must not have changed: versions, audit streams and the indexes. */
async function storeState(
  h: Harness,
  probe: { projects?: string[]; cases?: string[]; creditCodes?: string[] } = {},
) {
  const ids = async (index: Parameters<Harness['store']['query']>[0], key: string) =>
    (await h.store.query(index, key, { limit: 100 })).items.map((i) => `${i.kind}/${i.id}@${i.sort}`);
  const aggregate = async (kind: 'project' | 'stageCase', id: string) => {
    const found = await h.store.get<unknown>(kind, id);
    return {
      id,
      version: found?.version ?? 0,
      value: found?.value,
      audit: (await h.store.audit(`${kind}/${id}`)).map((e) => e.hash),
    };
  };
  const statuses = [
    'project:notApplied',
    'project:pending',
    'project:admitted',
    'project:rejected',
    'stageCase:submitted',
    'stageCase:underReview',
    'stageCase:approved',
    'stageCase:workflowOpen',
    'calendar:loaded',
  ];
  return {
    projects: await Promise.all((probe.projects ?? []).map((id) => aggregate('project', id))),
    cases: await Promise.all((probe.cases ?? []).map((id) => aggregate('stageCase', id))),
    applicants: await Promise.all(
      [...(probe.creditCodes ?? []), ORG_A.creditCode].map((cc) => ids('applicant', cc)),
    ),
    statuses: await Promise.all(statuses.map((s) => ids('status', s))),
    acceptance: await ids('acceptance', h.province.code),
    inboxes: await Promise.all(h.province.departments.map((d) => ids('inbox', d.code))),
    calendar2027: (await h.store.get('calendar', '2027'))?.version ?? 0,
  };
}

/** Runs `act` and checks the store is the same before and after. */
async function unchanged<T>(h: Harness, probe: Parameters<typeof storeState>[1], act: () => Promise<T>) {
  const before = await storeState(h, probe);
  const result = await act();
  expect(await storeState(h, probe)).toEqual(before);
  return result;
}

async function registered(c: ApiClient, who: Actor = actors.applicantA, body = projectBody()) {
  const res = await c.post(who, '/projects', body);
  expect(res.status, res.text).toBe(201);
  return res.body as Project & { version: number };
}

/** Register → apply → admit, all over HTTP. */
async function admittedViaApi(c: ApiClient, who: Actor = actors.applicantA, code = nextProjectCode()) {
  const p = await registered(c, who, projectBody(code, who === applicantB ? { ownerName: ORG_B.name } : {}));
  const applied = await c.post(who, `/projects/${p.id}/admission`, undefined, {
    'if-match': `"${p.version}"`,
  });
  expect(applied.status, applied.text).toBe(200);
  const admitted = await c.post(
    actors.supervisor,
    `/projects/${p.id}/admission/decision`,
    { admit: true, reasons: '省级重点项目，符合准入条件' },
    { 'if-match': `"${versionOf(applied)}"` },
  );
  expect(admitted.status, admitted.text).toBe(200);
  return p.id;
}

async function submittedViaApi(c: ApiClient, who: Actor = actors.applicantA) {
  const projectId = await admittedViaApi(c, who);
  const res = await c.post(who, '/cases', {
    projectId,
    stage: STAGE,
    itemCodes: CHOSEN,
    materials: c.materialsFor(STAGE, CHOSEN),
  });
  expect(res.status, res.text).toBe(201);
  return res.body as StageCase & { version: number };
}

async function acceptedViaApi(c: ApiClient, who: Actor = actors.applicantA) {
  const submitted = await submittedViaApi(c, who);
  await vi.waitFor(() => expect(c.h.workflow.waitingCount()).toBe(1)); // AwaitAcceptance
  const res = await c.post(
    actors.windowOfficer,
    `/cases/${submitted.id}/acceptance`,
    { outcome: 'accept' },
    { 'if-match': `"${submitted.version}"` },
  );
  expect(res.status, res.text).toBe(200);
  await vi.waitFor(() => expect(c.h.workflow.waitingCount()).toBe(submitted.items.length));
  return res.body as StageCase & { version: number };
}

describe('the six-step loop over HTTP', () => {
  it('registers, admits, pre-reviews, submits, accepts, reviews in parallel, approves, rates and verifies', async () => {
    const c = await api();
    const h = c.h;

    // 项目登记
    const code = '2026-320000-48-01-000777';
    const reg = await c.post(actors.applicantA, '/projects', projectBody(code), {
      'idempotency-key': 'reg-777',
    });
    expect(reg.status, reg.text).toBe(201);
    expect(reg.headers.get('etag')).toBe('"1"');
    expect(reg.body).toMatchObject({
      id: code,
      projectCode: code,
      owner: { creditCode: ORG_A.creditCode },
      admission: { status: 'notApplied' },
      version: 1,
    });

    // 准入 申请 and 决定
    const applied = await c.post(actors.applicantA, `/projects/${code}/admission`, undefined, {
      'if-match': reg.headers.get('etag')!,
    });
    expect(applied.status, applied.text).toBe(200);
    expect(applied.body.admission).toMatchObject({ status: 'pending', eligibility: { eligible: true } });
    expect(applied.headers.get('etag')).toBe('"2"');
    const decided = await c.post(
      actors.supervisor,
      `/projects/${code}/admission/decision`,
      { admit: true, reasons: '省级重点项目，符合准入条件', priority: 1 },
      { 'if-match': applied.headers.get('etag')! },
    );
    expect(decided.status, decided.text).toBe(200);
    expect(decided.body.admission).toMatchObject({ status: 'admitted', priority: 1, decidedBy: 'sup-1' });

    // 智能预审: nothing stored, findings per missing material
    const preReview = await unchanged(h, { projects: [code] }, () =>
      c.post(actors.applicantA, '/pre-review', {
        projectId: code,
        stage: STAGE,
        itemCodes: CHOSEN,
        materials: c.materialsFor(STAGE, CHOSEN, ['topographicMap', 'landPreExaminationForm']),
      }),
    );
    expect(preReview.status, preReview.text).toBe(200);
    expect(preReview.body.items).toEqual(
      expect.arrayContaining(['investmentApproval', 'landPreExaminationSiting', 'landUsePlanningPermit']),
    );
    expect(preReview.body.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          severity: 'warning',
          code: 'MATERIAL_MISSING_DEFICIENCY_ALLOWED',
          materialCode: 'topographicMap',
        }),
        expect.objectContaining({
          severity: 'error',
          code: 'MATERIAL_MISSING_REQUIRED',
          materialCode: 'landPreExaminationForm',
        }),
      ]),
    );

    // 申请
    const submit = await c.post(
      actors.applicantA,
      '/cases',
      { projectId: code, stage: STAGE, itemCodes: CHOSEN, materials: c.materialsFor(STAGE, CHOSEN) },
      { 'idempotency-key': 'submit-777' },
    );
    expect(submit.status, submit.text).toBe(201);
    expect(submit.headers.get('etag')).toBe('"1"');
    const caseId = submit.body.id as string;
    expect(submit.body).toMatchObject({ status: 'submitted', round: 1, projectCode: code, version: 1 });
    const itemDepartments = Object.fromEntries(
      (submit.body.items as { code: string; department: string }[]).map((i) => [i.code, i.department]),
    );
    expect(itemDepartments).toEqual({
      investmentApproval: 'ndrc',
      landPreExaminationSiting: 'nrp',
      landUsePlanningPermit: 'nrp',
    });

    // 受理
    const queue = await c.get(actors.windowOfficer, '/acceptance-queue');
    expect(queue.status, queue.text).toBe(200);
    expect(queue.body.items.map((x: StageCase) => x.id)).toEqual([caseId]);
    const mine = await c.get(actors.applicantA, '/cases');
    expect(mine.body.items.map((x: StageCase) => x.id)).toEqual([caseId]);
    await vi.waitFor(() => expect(h.workflow.waitingCount()).toBe(1));
    const read = await c.get(actors.windowOfficer, `/cases/${caseId}`);
    expect(read.status).toBe(200);
    const accepted = await c.post(
      actors.windowOfficer,
      `/cases/${caseId}/acceptance`,
      { outcome: 'accept' },
      { 'if-match': read.headers.get('etag')!, 'idempotency-key': 'accept-777' },
    );
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body).toMatchObject({
      status: 'underReview',
      firstReceiver: { unit: '省政务服务中心绿色通道专窗' },
    });
    expect((await c.get(actors.windowOfficer, '/acceptance-queue')).body.items).toEqual([]);

    // 审查: each department sees only its own items
    await vi.waitFor(() => expect(h.workflow.waitingCount()).toBe(3));
    const inboxOf = async (department: string) => {
      const res = await c.get(actors.reviewer(department), '/inbox');
      expect(res.status, res.text).toBe(200);
      return res.body.items as { caseId: string; item: { code: string; department: string } }[];
    };
    const nrpInbox = await inboxOf('nrp');
    expect(nrpInbox.map((x) => x.item.code).sort()).toEqual([
      'landPreExaminationSiting',
      'landUsePlanningPermit',
    ]);
    expect(nrpInbox.every((x) => x.caseId === caseId && x.item.department === 'nrp')).toBe(true);
    const ndrcInbox = await inboxOf('ndrc');
    expect(ndrcInbox.map((x) => x.item.code)).toEqual(['investmentApproval']);
    expect(await inboxOf('eco')).toEqual([]);

    // 批准: each reviewer decides their items
    let last: ApiResponse | undefined;
    for (const [itemCode, department] of Object.entries(itemDepartments)) {
      last = await c.post(
        actors.reviewer(department),
        `/cases/${caseId}/items/${itemCode}/decision`,
        { outcome: 'approve', reasons: '符合审批条件' },
        { 'idempotency-key': `decide-${itemCode}` },
      );
      expect(last.status, last.text).toBe(200);
    }
    expect(last?.body.status).toBe('approved');
    expect(await inboxOf('nrp')).toEqual([]);
    expect(await inboxOf('ndrc')).toEqual([]);

    // 监督: progress, once the workflow has closed the stage
    const progress = await vi.waitFor(async () => {
      const res = await c.get(actors.applicantA, `/cases/${caseId}/progress`);
      expect(res.status, res.text).toBe(200);
      expect(res.body.case.stageClosedAt).toBeDefined();
      return res;
    });
    expect(progress.headers.get('etag')).toBe(`"${progress.body.version}"`);
    expect(progress.body.progress).toMatchObject({
      caseId,
      status: 'approved',
      step: 'feedback',
      lamp: 'green',
    });
    expect(
      progress.body.progress.steps.map((s: { step: string; state: string }) => `${s.step}:${s.state}`),
    ).toEqual([
      'apply:done',
      'accept:done',
      'review:done',
      'approve:done',
      'supervise:done',
      'feedback:current',
    ]);
    for (const item of progress.body.progress.items) {
      expect(item).toMatchObject({ status: 'approved', lamp: 'green', startDate: expect.any(String) });
      expect(item.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(item.statutoryDueDate >= item.dueDate).toBe(true);
    }
    expect(progress.body.timeline.map((e: { type: string }) => e.type)).toEqual([
      'CaseSubmitted',
      'CaseAccepted',
      'ItemApproved',
      'ItemApproved',
      'ItemApproved',
      'StageApproved',
      'StageClosed',
    ]);

    // 反馈
    const feedback = await c.post(
      actors.applicantA,
      `/cases/${caseId}/feedback`,
      { satisfaction: 5, comment: '办理高效' },
      { 'idempotency-key': 'fb-777' },
    );
    expect(feedback.status, feedback.text).toBe(200);
    expect(feedback.body.feedback).toMatchObject({ satisfaction: 5 });
    const after = await c.get(actors.applicantA, `/cases/${caseId}/progress`);
    expect(after.body.progress.steps.every((s: { state: string }) => s.state === 'done')).toBe(true);

    // 审计
    for (const who of [actors.applicantA, actors.auditor, actors.supervisor]) {
      const verification = await c.get(who, `/cases/${caseId}/audit/verification`);
      expect(verification.status, verification.text).toBe(200);
      expect(verification.body).toMatchObject({ valid: true, length: 8 });
    }
    const projectAudit = await c.get(actors.auditor, `/projects/${code}/audit/verification`);
    expect(projectAudit.body).toMatchObject({ valid: true, length: 3 });
    const trail = await c.get(actors.auditor, `/cases/${caseId}/audit`);
    expect(trail.body.events.at(-1).type).toBe('FeedbackGiven');
  });
});

describe('bad input: problem+json, no echo, nothing stored', () => {
  const NAME = '秘密隧道工程甲号';
  const OWNER = '某某隐私控股有限公司';

  it('malformed JSON → 400 MALFORMED_JSON', async () => {
    const c = await api();
    const code = nextProjectCode();
    const res = await unchanged(c.h, { projects: [code] }, () =>
      c.request(actors.applicantA, 'POST', '/projects', {
        raw: `{"projectCode":"${code}","name":"${NAME}","ownerName":"${OWNER}",`,
      }),
    );
    expectProblem(res, 400, 'MALFORMED_JSON', [NAME, OWNER]);
  });

  it('wrong types → 400 VALIDATION_FAILED naming the fields, not the values', async () => {
    const c = await api();
    const code = nextProjectCode();
    const res = await unchanged(c.h, { projects: [code] }, () =>
      c.post(
        actors.applicantA,
        '/projects',
        projectBody(code, { name: NAME, ownerName: OWNER, investmentWan: '五万', governmentInvested: 'yes' }),
      ),
    );
    expectProblem(res, 400, 'VALIDATION_FAILED', [NAME, OWNER, '五万']);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'body.investmentWan', code: 'invalid_type' }),
        expect.objectContaining({ path: 'body.governmentInvested', code: 'invalid_type' }),
      ]),
    );
    for (const e of res.body.errors) expect(e.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('wrong types on a decision body → 400, case untouched', async () => {
    const c = await api();
    const accepted = await acceptedViaApi(c);
    const res = await unchanged(c.h, { cases: [accepted.id] }, () =>
      c.post(actors.reviewer('nrp'), `/cases/${accepted.id}/items/landUsePlanningPermit/decision`, {
        outcome: true,
        reasons: 42,
      }),
    );
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'body.outcome',
      'body.reasons',
    ]);
  });

  it('an unknown top-level field → 400 unrecognized_keys', async () => {
    const c = await api();
    const code = nextProjectCode();
    const res = await unchanged(c.h, { projects: [code] }, () =>
      c.post(actors.applicantA, '/projects', {
        ...projectBody(code, { name: NAME, ownerName: OWNER }),
        legalPersonIdCard: '320102199001011234',
      }),
    );
    expectProblem(res, 400, 'VALIDATION_FAILED', [NAME, OWNER, '320102199001011234']);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ path: 'body.legalPersonIdCard', code: 'unrecognized_keys' }),
    ]);
  });

  it('an unknown nested field → 400 with the nested path', async () => {
    const c = await api();
    const code = nextProjectCode();
    const res = await unchanged(c.h, { projects: [code] }, () =>
      c.post(
        actors.applicantA,
        '/projects',
        projectBody(code, {
          name: NAME,
          ownerName: OWNER,
          location: { city: '南京市', contactPhone: '13800138000' },
        }),
      ),
    );
    expectProblem(res, 400, 'VALIDATION_FAILED', [NAME, OWNER, '13800138000']);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ path: 'body.location.contactPhone', code: 'unrecognized_keys' }),
    ]);
  });

  it('an unknown field inside a submitted material → 400, nothing stored', async () => {
    const c = await api();
    const projectId = await admittedViaApi(c);
    const materials = c.materialsFor(STAGE);
    const res = await unchanged(c.h, { projects: [projectId] }, () =>
      c.post(actors.applicantA, '/cases', {
        projectId,
        stage: STAGE,
        materials: [{ ...materials[0], ownerIdNumber: '320102199001011234' }, ...materials.slice(1)],
      }),
    );
    expectProblem(res, 400, 'VALIDATION_FAILED', ['320102199001011234']);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ path: 'body.materials.0.ownerIdNumber', code: 'unrecognized_keys' }),
    ]);
  });

  it('an applicant token whose credit code has a wrong check character → 401 TOKEN_INVALID', async () => {
    const c = await api();
    const good = ORG_A.creditCode;
    const bad = good.slice(0, 17) + (good.endsWith('0') ? '1' : '0');
    const forger: Actor = { id: 'applicant-bad', name: '经办人', role: 'applicant', creditCode: bad };
    const code = nextProjectCode();
    const res = await unchanged(c.h, { projects: [code], creditCodes: [bad] }, () =>
      c.post(forger, '/projects', projectBody(code, { name: NAME, ownerName: OWNER })),
    );
    expectProblem(res, 401, 'TOKEN_INVALID', [NAME, OWNER, bad]);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    // it says why: the credit code claim, by name, never by value
    expect(res.body.title).toContain('统一社会信用代码');
    expect(res.body.details).toEqual({ claim: 'creditCode' });
  });

  it.each([
    ['2026-320000-48-01-77', 'INVALID_PROJECT_CODE_FORMAT'],
    ['1999-320000-48-01-000777', 'INVALID_PROJECT_CODE_YEAR'],
    ['2026-990000-48-01-000777', 'INVALID_PROJECT_CODE_REGION'],
    ['2026-320000-48-09-000777', 'INVALID_PROJECT_CODE_TYPE'],
  ])('an invalid project code %s → 422 %s', async (code, problemCode) => {
    const c = await api();
    const res = await unchanged(c.h, { projects: [code] }, () =>
      c.post(actors.applicantA, '/projects', projectBody(code, { name: NAME, ownerName: OWNER })),
    );
    expectProblem(res, 422, problemCode, [NAME, OWNER, ORG_A.creditCode]);
  });

  it("a reviewer deciding another department's item → 403", async () => {
    const c = await api();
    const accepted = await acceptedViaApi(c);
    // ndrc holds an item of this case, but landUsePlanningPermit belongs to nrp
    for (const department of ['ndrc', 'eco']) {
      const res = await unchanged(c.h, { cases: [accepted.id] }, () =>
        c.post(actors.reviewer(department), `/cases/${accepted.id}/items/landUsePlanningPermit/decision`, {
          outcome: 'approve',
        }),
      );
      expectProblem(res, 403, 'FORBIDDEN');
    }
    const inbox = await c.get(actors.reviewer('nrp'), '/inbox');
    expect(inbox.body.items).toHaveLength(2);
  });

  it('deciding an item twice → 409 ITEM_ALREADY_DECIDED', async () => {
    const c = await api();
    const accepted = await acceptedViaApi(c);
    const path = `/cases/${accepted.id}/items/landUsePlanningPermit/decision`;
    const first = await c.post(actors.reviewer('nrp'), path, { outcome: 'approve' });
    expect(first.status, first.text).toBe(200);
    const res = await unchanged(c.h, { cases: [accepted.id] }, () =>
      c.post(actors.reviewer('nrp'), path, { outcome: 'reject', reasons: '重新考虑' }),
    );
    expectProblem(res, 409, 'ITEM_ALREADY_DECIDED');
    const stored = await c.h.store.get<StageCase>('stageCase', accepted.id);
    expect(stored?.value.items.find((i) => i.code === 'landUsePlanningPermit')?.decision?.outcome).toBe(
      'approve',
    );
  });

  it('a stale If-Match → 409 VERSION_CONFLICT (acceptance and admission)', async () => {
    const c = await api();
    const submitted = await submittedViaApi(c);
    const res = await unchanged(c.h, { cases: [submitted.id] }, () =>
      c.post(
        actors.windowOfficer,
        `/cases/${submitted.id}/acceptance`,
        { outcome: 'accept' },
        { 'if-match': `"${submitted.version + 5}"` },
      ),
    );
    expectProblem(res, 409, 'VERSION_CONFLICT');

    const p = await registered(c);
    const stale = await unchanged(c.h, { projects: [p.id] }, () =>
      c.post(actors.applicantA, `/projects/${p.id}/admission`, undefined, { 'if-match': '"7"' }),
    );
    expectProblem(stale, 409, 'VERSION_CONFLICT');
  });

  it('a decision with a stale optional If-Match → 409 VERSION_CONFLICT', async () => {
    const c = await api();
    const accepted = await acceptedViaApi(c);
    const res = await unchanged(c.h, { cases: [accepted.id] }, () =>
      c.post(
        actors.reviewer('nrp'),
        `/cases/${accepted.id}/items/landUsePlanningPermit/decision`,
        { outcome: 'approve' },
        { 'if-match': `"${accepted.version - 1}"` },
      ),
    );
    expectProblem(res, 409, 'VERSION_CONFLICT');
  });

  it('acceptance without If-Match → 428 VERSION_REQUIRED', async () => {
    const c = await api();
    const submitted = await submittedViaApi(c);
    const res = await unchanged(c.h, { cases: [submitted.id] }, () =>
      c.post(actors.windowOfficer, `/cases/${submitted.id}/acceptance`, { outcome: 'accept' }),
    );
    expectProblem(res, 428, 'VERSION_REQUIRED');
  });

  it('a malformed If-Match → 422 VERSION_INVALID', async () => {
    const c = await api();
    const submitted = await submittedViaApi(c);
    const res = await unchanged(c.h, { cases: [submitted.id] }, () =>
      c.post(
        actors.windowOfficer,
        `/cases/${submitted.id}/acceptance`,
        { outcome: 'accept' },
        { 'if-match': 'latest' },
      ),
    );
    expectProblem(res, 422, 'VERSION_INVALID');
  });

  it('Idempotency-Key: the same body replays, a different body → 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const c = await api();
    const projectId = await admittedViaApi(c);
    const body = { projectId, stage: STAGE, materials: c.materialsFor(STAGE) };
    const headers = { 'idempotency-key': 'submit-once-1' };
    const first = await c.post(actors.applicantA, '/cases', body, headers);
    expect(first.status, first.text).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const caseId = first.body.id as string;

    const replay = await unchanged(c.h, { projects: [projectId], cases: [caseId] }, () =>
      c.post(actors.applicantA, '/cases', body, headers),
    );
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);

    // key order does not make a different request
    const reordered = await c.post(
      actors.applicantA,
      '/cases',
      { materials: body.materials, stage: STAGE, projectId },
      headers,
    );
    expect(reordered.status).toBe(201);
    expect(reordered.body.id).toBe(caseId);

    const other = await unchanged(c.h, { projects: [projectId], cases: [caseId] }, () =>
      c.post(
        actors.applicantA,
        '/cases',
        { ...body, itemCodes: CHOSEN, materials: c.materialsFor(STAGE, CHOSEN) },
        headers,
      ),
    );
    expectProblem(other, 422, 'IDEMPOTENCY_KEY_REUSED', [projectId]);
    const listed = await c.get(actors.applicantA, '/cases');
    expect(listed.body.items.map((x: StageCase) => x.id)).toEqual([caseId]);
  });

  it('Idempotency-Key: a case action keeps a reference, not a copy of the case, and replays the same answer', async () => {
    const c = await api();
    const projectId = await admittedViaApi(c);
    const submitted = await c.post(
      actors.applicantA,
      '/cases',
      { projectId, stage: STAGE, materials: c.materialsFor(STAGE) },
      { 'idempotency-key': 'submit-compact' },
    );
    expect(submitted.status, submitted.text).toBe(201);
    const headers = { 'idempotency-key': 'accept-compact', 'if-match': `"${submitted.body.version}"` };
    const first = await c.post(
      actors.windowOfficer,
      `/cases/${submitted.body.id}/acceptance`,
      { outcome: 'accept' },
      headers,
    );
    expect(first.status, first.text).toBe(200);
    const scope = `${actors.windowOfficer.id} POST /cases/${submitted.body.id}/acceptance`;
    const record = await c.h.store.getIdempotency(scope, 'accept-compact');
    expect(record?.ref).toEqual({ kind: 'stageCase', id: submitted.body.id, version: first.body.version });
    expect(record).not.toHaveProperty('body');
    expect(JSON.stringify(record).length).toBeLessThan(600);
    const replay = await c.post(
      actors.windowOfficer,
      `/cases/${submitted.body.id}/acceptance`,
      { outcome: 'accept' },
      headers,
    );
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('etag')).toBe(first.headers.get('etag'));
  });

  it('Idempotency-Key: the answer is replayed for 24 hours; after that the same key is a new request', async () => {
    const c = await api();
    const headers = { 'idempotency-key': 'register-expiring' };
    const code = nextProjectCode();
    const first = await c.post(actors.applicantA, '/projects', projectBody(code), headers);
    expect(first.status, first.text).toBe(201);
    // the next day (the harness's clock moves by whole days): the record has expired, so this is a
    // new request and meets the project it registered the first time
    c.h.clock.setDate('2026-03-03');
    const later = await c.post(actors.applicantA, '/projects', projectBody(code), headers);
    expect(later.headers.get('idempotent-replayed')).toBeNull();
    expectProblem(later, 409, 'PROJECT_EXISTS');
    // a new request under the expired key acts: another project registers and is stored under it
    const code2 = nextProjectCode();
    const fresh = await c.post(actors.applicantA, '/projects', projectBody(code2), headers);
    expect(fresh.status, fresh.text).toBe(201);
    const replay = await c.post(actors.applicantA, '/projects', projectBody(code2), headers);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(fresh.body);
  });

  it('Idempotency-Key on registration replays the project and refuses another body', async () => {
    const c = await api();
    const code = nextProjectCode();
    const headers = { 'idempotency-key': 'register-1' };
    const first = await c.post(actors.applicantA, '/projects', projectBody(code), headers);
    expect(first.status).toBe(201);
    const replay = await unchanged(c.h, { projects: [code] }, () =>
      c.post(actors.applicantA, '/projects', projectBody(code), headers),
    );
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    const other = await unchanged(c.h, { projects: [code] }, () =>
      c.post(actors.applicantA, '/projects', projectBody(code, { name: NAME, ownerName: OWNER }), headers),
    );
    expectProblem(other, 422, 'IDEMPOTENCY_KEY_REUSED', [NAME, OWNER]);
    // without the key a second registration of the same code is a conflict, not a replay
    const dup = await unchanged(c.h, { projects: [code] }, () =>
      c.post(actors.applicantA, '/projects', projectBody(code, { name: NAME, ownerName: OWNER })),
    );
    expectProblem(dup, 409, 'PROJECT_EXISTS', [NAME, OWNER]);
  });

  it('an invalid Idempotency-Key → 400 IDEMPOTENCY_KEY_INVALID', async () => {
    const c = await api();
    const code = nextProjectCode();
    const res = await unchanged(c.h, { projects: [code] }, () =>
      c.post(actors.applicantA, '/projects', projectBody(code), {
        'idempotency-key': 'has spaces/and slashes',
      }),
    );
    expectProblem(res, 400, 'IDEMPOTENCY_KEY_INVALID');
  });

  it('an expired token → 401 TOKEN_EXPIRED', async () => {
    const c = await api();
    const token = await c.token(actors.applicantA, -120); // beyond the 30 s clock tolerance
    const code = nextProjectCode();
    const res = await unchanged(c.h, { projects: [code] }, () =>
      c.post(token, '/projects', projectBody(code, { name: NAME, ownerName: OWNER })),
    );
    expectProblem(res, 401, 'TOKEN_EXPIRED', [NAME, OWNER, ORG_A.creditCode]);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('a token signed by another key → 401 TOKEN_INVALID', async () => {
    const c = await api();
    const forger = await createLocalSigner({ issuer: ISSUER, audience: AUDIENCE });
    const token = await forger.sign(actors.applicantA);
    const code = nextProjectCode();
    const res = await unchanged(c.h, { projects: [code] }, () =>
      c.post(token, '/projects', projectBody(code, { name: NAME, ownerName: OWNER })),
    );
    expectProblem(res, 401, 'TOKEN_INVALID', [NAME, OWNER]);
    const noToken = await c.get(undefined, '/projects');
    expectProblem(noToken, 401, 'UNAUTHENTICATED');
    expect(noToken.headers.get('www-authenticate')).toBe('Bearer realm="green-channel"');
  });

  it("an applicant reading another organisation's case → 403", async () => {
    const c = await api();
    const submitted = await submittedViaApi(c);
    for (const path of [
      `/cases/${submitted.id}`,
      `/cases/${submitted.id}/progress`,
      `/cases/${submitted.id}/audit`,
      `/projects/${submitted.projectId}`,
    ]) {
      const res = await unchanged(c.h, { cases: [submitted.id] }, () => c.get(applicantB, path));
      expectProblem(res, 403, 'FORBIDDEN', [ORG_A.creditCode, submitted.projectName]);
    }
    const theirs = await c.get(applicantB, '/cases');
    expect(theirs.body.items).toEqual([]);
  });

  it('an auditor trying any write → 403, nothing changed', async () => {
    const c = await api();
    const accepted = await acceptedViaApi(c);
    const fresh = await registered(c);
    const probe = { projects: [accepted.projectId, fresh.id], cases: [accepted.id] };
    const writes: [string, string, unknown?, Record<string, string>?][] = [
      ['POST', '/projects', projectBody()],
      ['POST', `/projects/${fresh.id}/admission`, undefined, { 'if-match': '"1"' }],
      [
        'POST',
        `/projects/${fresh.id}/admission/decision`,
        { admit: true, reasons: '审计' },
        { 'if-match': '"1"' },
      ],
      [
        'POST',
        '/cases',
        { projectId: accepted.projectId, stage: 'worksPermit', materials: c.materialsFor('worksPermit') },
      ],
      ['POST', `/cases/${accepted.id}/items/landUsePlanningPermit/decision`, { outcome: 'approve' }],
      [
        'POST',
        `/cases/${accepted.id}/items/landUsePlanningPermit/correction`,
        { missing: ['landContract'], reason: '补正' },
      ],
      ['POST', `/cases/${accepted.id}/termination`, { reason: '审计终止', creditMark: true }],
      ['POST', `/cases/${accepted.id}/supplements`, { materials: [{ code: 'topographicMap' }] }],
      ['POST', `/cases/${accepted.id}/feedback`, { satisfaction: 1 }],
      ['PUT', '/calendar/years/2027', { holidays: ['2027-01-01'], workdays: [] }],
      ['POST', '/sweeps'],
    ];
    for (const [method, path, json, headers] of writes) {
      const res = await unchanged(c.h, probe, () =>
        c.request(actors.auditor, method, path, {
          ...(json !== undefined ? { json } : {}),
          ...(headers ? { headers } : {}),
        }),
      );
      expectProblem(res, 403, 'FORBIDDEN');
    }
    // acceptance needs a submitted case
    const other = await submittedViaApi(c, applicantB);
    const res = await unchanged(c.h, { cases: [other.id] }, () =>
      c.post(actors.auditor, `/cases/${other.id}/acceptance`, { outcome: 'accept' }, { 'if-match': '"1"' }),
    );
    expectProblem(res, 403, 'FORBIDDEN');
    // reading stays allowed
    expect((await c.get(actors.auditor, `/cases/${accepted.id}`)).status).toBe(200);
  });

  it('an unknown route → 404 ROUTE_NOT_FOUND problem', async () => {
    const c = await api();
    const res = await c.get(actors.applicantA, '/no-such-thing');
    expectProblem(res, 404, 'ROUTE_NOT_FOUND');
    const missing = await c.get(actors.supervisor, '/cases/C-does-not-exist');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('a stage application for a project not admitted → 409 PROJECT_NOT_ADMITTED', async () => {
    const c = await api();
    const p = await registered(c);
    const res = await unchanged(c.h, { projects: [p.id] }, () =>
      c.post(actors.applicantA, '/cases', {
        projectId: p.id,
        stage: STAGE,
        materials: c.materialsFor(STAGE),
      }),
    );
    expectProblem(res, 409, 'PROJECT_NOT_ADMITTED');
    expect((await c.h.store.query('projectCases', p.id)).items).toEqual([]);
  });

  it('a submission missing a core material → 422 PRE_REVIEW_FAILED, nothing stored', async () => {
    const c = await api();
    const projectId = await admittedViaApi(c);
    const res = await unchanged(c.h, { projects: [projectId] }, () =>
      c.post(
        actors.applicantA,
        '/cases',
        { projectId, stage: STAGE, materials: c.materialsFor(STAGE, [], ['landPreExaminationForm']) },
        { 'idempotency-key': 'core-missing-1' },
      ),
    );
    expectProblem(res, 422, 'PRE_REVIEW_FAILED');
    // the problem says which material is missing (DomainError details reach the body)
    expect(res.body.details.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ materialCode: 'landPreExaminationForm' })]),
    );
    expect((await c.h.store.query('projectCases', projectId)).items).toEqual([]);
    expect(c.h.workflow.waitingCount()).toBe(0);
    // the failure was not recorded under the key: the completed request goes through with it
    const ok = await c.post(
      actors.applicantA,
      '/cases',
      { projectId, stage: STAGE, materials: c.materialsFor(STAGE) },
      { 'idempotency-key': 'core-missing-2' },
    );
    expect(ok.status, ok.text).toBe(201);
  });
  // Error messages name positions, never the submitted text.
  it.each([
    [
      'an unknown material code',
      { materials: [{ code: '张三身份证320102199001011234' }] as { code: string }[] },
    ],
    ['an item code outside the stage', { itemCodes: ['张三身份证320102199001011234'], materials: [] }],
  ])('%s → 422 without echoing the submitted value', async (_label, extra) => {
    const c = await api();
    const projectId = await admittedViaApi(c);
    const res = await unchanged(c.h, { projects: [projectId] }, () =>
      c.post(actors.applicantA, '/pre-review', { projectId, stage: STAGE, ...extra }),
    );
    expect(res.status).toBe(422);
    expectProblem(res, 422, res.body.code, ['张三身份证320102199001011234']);
  });
});

describe('pagination', () => {
  it('pages through GET /projects?limit=2 with nextCursor, every project exactly once', async () => {
    const c = await api();
    const mine: string[] = [];
    for (let i = 0; i < 5; i++) mine.push((await registered(c)).id);
    await registered(c, applicantB, projectBody(nextProjectCode(), { ownerName: ORG_B.name }));

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await c.get(
        actors.applicantA,
        `/projects?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.status, res.text).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((p: Project) => p.id));
      cursor = res.body.nextCursor;
      pages += 1;
      expect(pages).toBeLessThan(10);
    } while (cursor);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen).toHaveLength(5);
    expect([...seen].sort()).toEqual([...mine].sort());

    // staff list by status, with the same cursors
    const staff: string[] = [];
    cursor = undefined;
    do {
      const res = await c.get(
        actors.supervisor,
        `/projects?status=notApplied&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.status, res.text).toBe(200);
      staff.push(...res.body.items.map((p: Project) => p.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(staff).toHaveLength(6);
    expect(new Set(staff).size).toBe(6);
  });

  it('pages every project exactly once when the applicant also has stage cases', async () => {
    const c = await api();
    const projectId = await admittedViaApi(c);
    const others = [(await registered(c)).id, (await registered(c)).id];
    c.h.clock.setDate('2026-03-03');
    const submitted = await c.post(actors.applicantA, '/cases', {
      projectId,
      stage: STAGE,
      materials: c.materialsFor(STAGE),
    });
    expect(submitted.status, submitted.text).toBe(201);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await c.get(
        actors.applicantA,
        `/projects?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.status, res.text).toBe(200);
      seen.push(...res.body.items.map((p: Project) => p.id));
      cursor = res.body.nextCursor;
      pages += 1;
      expect(pages).toBeLessThan(10);
    } while (cursor);
    expect([...seen].sort()).toEqual([projectId, ...others].sort());
  });

  // Projects and cases of one applicant are listed separately, so a page is never short.
  it('the first page of GET /projects?limit=1 is not empty when the applicant has projects and a newer case', async () => {
    const c = await api();
    const projectId = await admittedViaApi(c);
    c.h.clock.setDate('2026-03-03');
    const submitted = await c.post(actors.applicantA, '/cases', {
      projectId,
      stage: STAGE,
      materials: c.materialsFor(STAGE),
    });
    expect(submitted.status, submitted.text).toBe(201);
    const res = await c.get(actors.applicantA, '/projects?limit=1');
    expect(res.status).toBe(200);
    expect(res.body.items.map((p: Project) => p.id)).toEqual([projectId]);
  });

  it('refuses an out-of-range limit with a 400 problem', async () => {
    const c = await api();
    const res = await c.get(actors.applicantA, '/projects?limit=1000');
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'query.limit' })]);
  });
});

describe('OpenAPI and docs', () => {
  it('/openapi.json is OpenAPI 3.1 with the main paths and the bearer scheme', async () => {
    const c = await api();
    const res = await c.get(undefined, '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/projects',
        '/cases',
        '/cases/{caseId}/acceptance',
        '/cases/{caseId}/items/{itemCode}/decision',
        '/inbox',
        '/calendar/years/{year}',
      ]),
    );
    const schemes = res.body.components.securitySchemes as Record<string, { type: string; scheme: string }>;
    expect(Object.values(schemes)).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'http', scheme: 'bearer' })]),
    );
    const [schemeName] = Object.keys(schemes);
    expect(res.body.paths['/cases'].post.security).toEqual([{ [schemeName!]: [] }]);
    expect(res.body.paths['/cases/{caseId}/acceptance'].post.responses).toHaveProperty('428');
  });

  it('/docs is an HTML page about 工程绿色通道', async () => {
    const c = await api();
    const res = await c.get(undefined, '/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toContain('工程绿色通道');
  });
});

describe('working calendar', () => {
  const arrangement2027 = {
    holidays: ['2027-01-01', '2027-02-08', '2027-02-09', '2027-02-10'],
    workdays: ['2027-02-06'],
    source: '测试用放假安排',
  };

  it('lists covered years and lets an admin load 2027', async () => {
    const c = await api();
    const before = await c.get(actors.applicantA, '/calendar');
    expect(before.status, before.text).toBe(200);
    expect(before.body.coveredYears).toContain(2026);
    expect(before.body.loadedYears.map((y: { year: number }) => y.year)).not.toContain(2027);

    const put = await c.put(actors.admin, '/calendar/years/2027', arrangement2027);
    expect(put.status, put.text).toBe(200);
    expect(put.body).toMatchObject({ year: 2027, version: 1, recomputedCases: 0 });

    const after = await c.get(actors.reviewer('nrp'), '/calendar');
    expect(after.body.coveredYears).toEqual(expect.arrayContaining([2026, 2027]));
    expect(after.body.loadedYears).toEqual([
      expect.objectContaining({ year: 2027, source: '测试用放假安排', loadedBy: 'admin-1' }),
    ]);
    expect((await c.h.store.audit('calendar/2027')).map((e) => e.type)).toEqual(['CalendarYearLoaded']);
  });

  it('refuses a non-admin with 403 and stores nothing', async () => {
    const c = await api();
    for (const who of [actors.supervisor, actors.applicantA, actors.windowOfficer]) {
      const res = await unchanged(c.h, {}, () => c.put(who, '/calendar/years/2027', arrangement2027));
      expectProblem(res, 403, 'FORBIDDEN');
    }
    expect(await c.h.store.get('calendar', '2027')).toBeUndefined();
  });

  it.each([
    ['a date outside the year', { holidays: ['2028-03-01'], workdays: [] }],
    ['a date in both lists', { holidays: ['2027-02-06'], workdays: ['2027-02-06'] }],
    ['a weekday as a make-up working day', { holidays: [], workdays: ['2027-02-03'] }],
  ])('refuses %s with a 4xx problem', async (_label, body) => {
    const c = await api();
    const res = await unchanged(c.h, {}, () => c.put(actors.admin, '/calendar/years/2027', body));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expectProblem(res, res.status, 'CALENDAR_INVALID');
    expect(await c.h.store.get('calendar', '2027')).toBeUndefined();
  });

  it('refuses a malformed date and an out-of-range year with 400', async () => {
    const c = await api();
    const bad = await unchanged(c.h, {}, () =>
      c.put(actors.admin, '/calendar/years/2027', { holidays: ['27-1-1'], workdays: [] }),
    );
    expectProblem(bad, 400, 'VALIDATION_FAILED');
    const year = await c.put(actors.admin, '/calendar/years/1800', { holidays: [], workdays: [] });
    expectProblem(year, 400, 'VALIDATION_FAILED');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { AGENCY_AUTHORISATION_MATERIAL } from '../../shared/domain/agency.js';
import type { Actor } from '../../shared/domain/model.js';
import { ApiClient, actors, nextProjectCode, projectBody, versionOf } from '../support/api-client.js';
import { ORG_B, stageMaterials } from '../support/province-harness.js';

/** 专窗代办 over HTTP: the green-channel desk files for an enterprise, which confirms; both are recorded. */
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

const enterprise: Actor = { id: 'app-b', name: '周婷', role: 'applicant', creditCode: ORG_B.creditCode };
const desk = (c: ApiClient, n = 1): Actor => ({
  id: `desk-${n}`,
  name: n === 1 ? '王敏' : '孙丽',
  role: 'windowOfficer',
  unit: c.h.province.windowUnit,
});

function agencyProject(projectCode = nextProjectCode(), creditCode = ORG_B.creditCode) {
  const { ownerName: _ownerName, ...rest } = projectBody(projectCode);
  return { ...rest, owner: { creditCode, name: ORG_B.name } };
}

/** The desk registers a project for ORG_B, which gets admitted; returns its id. */
async function agentProject(c: ApiClient) {
  const res = await c.post(desk(c), '/agency/projects', agencyProject());
  expect(res.status, res.text).toBe(201);
  const applied = await c.post(desk(c), `/projects/${res.body.id}/admission`, undefined, {
    'if-match': `"${res.body.version}"`,
  });
  expect(applied.status, applied.text).toBe(200);
  const admitted = await c.post(
    actors.supervisor,
    `/projects/${res.body.id}/admission/decision`,
    { admit: true, reasons: '符合准入条件' },
    { 'if-match': `"${versionOf(applied)}"` },
  );
  expect(admitted.status, admitted.text).toBe(200);
  return res.body.id as string;
}

/** POST on a case with If-Match of its current version, as a client that just read it would. */
async function onCase(c: ApiClient, who: Actor, caseId: string, action: string, json: unknown) {
  const current = await c.get(enterprise, `/cases/${caseId}`);
  return c.post(who, `/cases/${caseId}/${action}`, json, { 'if-match': `"${versionOf(current)}"` });
}

function caseBody(c: ApiClient, projectId: string, withAuthorisation = true) {
  return {
    projectId,
    stage: 'projectApproval',
    materials: [
      ...stageMaterials(c.h.province, 'projectApproval'),
      ...(withAuthorisation ? [{ code: AGENCY_AUTHORISATION_MATERIAL, fileName: '代办授权委托书.pdf' }] : []),
    ],
  };
}

describe('专窗代办 (行政许可法第二十九条: 申请人可以委托代理人提出行政许可申请)', () => {
  it('the desk registers a project for an enterprise; the enterprise sees it as its own, and the record names both', async () => {
    const c = await client();
    const res = await c.post(desk(c), '/agency/projects', agencyProject());
    expect(res.status, res.text).toBe(201);
    expect(res.body.owner).toEqual({ creditCode: ORG_B.creditCode, name: ORG_B.name });
    expect(res.body.agency).toMatchObject({
      agent: { id: 'desk-1', name: '王敏', unit: c.h.province.windowUnit },
      onBehalfOf: { creditCode: ORG_B.creditCode, name: ORG_B.name },
    });
    const mine = await c.get(enterprise, '/projects');
    expect(mine.body.items.map((p: { id: string }) => p.id)).toContain(res.body.id);
    const audit = await c.get(enterprise, `/projects/${res.body.id}/audit`);
    expect(audit.status, audit.text).toBe(200);
    expect(audit.body.events[0]).toMatchObject({
      type: 'ProjectRegistered',
      actor: 'desk-1',
      data: { agent: { name: '王敏' }, onBehalfOf: { creditCode: ORG_B.creditCode, name: ORG_B.name } },
    });
  });

  it('only officers of the green-channel desk may file: other windows, applicants and supervisors are refused', async () => {
    const c = await client();
    for (const who of [actors.windowOfficer, enterprise, actors.supervisor, actors.reviewer('nrp')]) {
      const res = await c.post(who, '/agency/projects', agencyProject());
      expect(res.status, `${who.id}: ${res.text}`).toBe(403);
    }
    const projectId = await agentProject(c);
    const other = await c.post(actors.windowOfficer, '/agency/cases', caseBody(c, projectId));
    expect(other.status, other.text).toBe(403);
  });

  it('GB 32100: a bad credit code is refused naming the field, and nothing is stored', async () => {
    const c = await client();
    const projectCode = nextProjectCode();
    const bad = `${ORG_B.creditCode.slice(0, 17)}${ORG_B.creditCode.endsWith('0') ? '1' : '0'}`;
    const res = await c.post(desk(c), '/agency/projects', agencyProject(projectCode, bad));
    expect(res.status, res.text).toBe(422);
    expect(res.body.code).toBe('INVALID_CREDIT_CODE_CHECK');
    expect(res.body.details.field).toBe('owner.creditCode');
    expect((await c.get(desk(c), `/projects/${projectCode}`)).status).toBe(404);
    const short = await c.post(desk(c), '/agency/projects', agencyProject(projectCode, '9132'));
    expect(short.body).toMatchObject({
      code: 'INVALID_CREDIT_CODE_LENGTH',
      details: { field: 'owner.creditCode' },
    });
  });

  it('an agent filing without the enterprise’s signed 授权委托书 fails the pre-review and stores nothing', async () => {
    const c = await client();
    const projectId = await agentProject(c);
    const res = await c.post(desk(c), '/agency/cases', caseBody(c, projectId, false));
    expect(res.status, res.text).toBe(422);
    expect(res.body.code).toBe('PRE_REVIEW_FAILED');
    expect(res.body.details.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'AGENCY_AUTHORISATION_MISSING' })]),
    );
    expect((await c.get(enterprise, '/cases')).body.items).toHaveLength(0);
  });

  it('行政许可法第三十二条: acceptance waits for the enterprise’s 确认, the limit counts from it, and the filer cannot accept', async () => {
    const c = await client();
    const projectId = await agentProject(c);
    const filed = await c.post(desk(c), '/agency/cases', caseBody(c, projectId));
    expect(filed.status, filed.text).toBe(201);
    const caseId = filed.body.id as string;
    expect(filed.body.applicant.creditCode).toBe(ORG_B.creditCode);
    expect(filed.body.agency.confirmation).toBeUndefined();

    // the enterprise sees the case in its list and is told to confirm it
    const list = await c.get(enterprise, '/cases');
    expect(list.body.items.map((x: { id: string }) => x.id)).toContain(caseId);
    const inbox = await c.get(enterprise, '/notifications');
    expect(JSON.stringify(inbox.body)).toContain('待确认（专窗代办）');

    // before confirmation nobody accepts, and no deemed acceptance runs
    const early = await onCase(c, desk(c, 2), caseId, 'acceptance', { outcome: 'accept' });
    expect(early.status, early.text).toBe(409);
    expect(early.body.code).toBe('AGENCY_NOT_CONFIRMED');
    c.h.clock.setDate('2026-04-30');
    await c.h.services.sweep();
    expect((await c.get(enterprise, `/cases/${caseId}`)).body.status).toBe('submitted');

    // another organisation may not confirm; the enterprise does
    const stranger = await onCase(c, actors.applicantA, caseId, 'confirmation', { decision: 'confirm' });
    expect(stranger.status).toBe(403);
    const confirmed = await onCase(c, enterprise, caseId, 'confirmation', { decision: 'confirm' });
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.body.agency.confirmation).toMatchObject({ outcome: 'confirmed', by: 'app-b' });
    expect(confirmed.body.acceptDueDate > '2026-04-30').toBe(true);
    const again = await onCase(c, enterprise, caseId, 'confirmation', { decision: 'confirm' });
    expect(again.body.code).toBe('AGENCY_ALREADY_ANSWERED');

    // separation of duties: the officer who filed may not accept; another desk officer does
    const own = await onCase(c, desk(c), caseId, 'acceptance', { outcome: 'accept' });
    expect(own.status, own.text).toBe(403);
    expect(own.body.code).toBe('AGENT_MAY_NOT_ACCEPT');
    const accepted = await onCase(c, desk(c, 2), caseId, 'acceptance', { outcome: 'accept' });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body.status).toBe('underReview');

    // the audit trail and the timeline name who acted and for whom
    const audit = await c.get(enterprise, `/cases/${caseId}/audit`);
    const submitted = audit.body.events.find((e: { type: string }) => e.type === 'CaseSubmitted');
    expect(submitted).toMatchObject({
      actor: 'desk-1',
      data: { agent: { id: 'desk-1', name: '王敏' }, onBehalfOf: { creditCode: ORG_B.creditCode } },
    });
    expect(audit.body.events.find((e: { type: string }) => e.type === 'AgencyConfirmed')).toMatchObject({
      actor: 'app-b',
    });
    const progress = await c.get(enterprise, `/cases/${caseId}/progress`);
    expect(progress.body.timeline[0]).toMatchObject({
      type: 'CaseSubmitted',
      agency: { agentName: '王敏', onBehalfOf: { name: ORG_B.name } },
    });
  });

  it('the enterprise may decline: the case ends with its reason, and a reason is required', async () => {
    const c = await client();
    const projectId = await agentProject(c);
    const filed = await c.post(desk(c), '/agency/cases', caseBody(c, projectId));
    const caseId = filed.body.id as string;
    const noReason = await onCase(c, enterprise, caseId, 'confirmation', { decision: 'decline' });
    expect(noReason.status).toBe(422);
    expect(noReason.body.code).toBe('REASONS_REQUIRED');
    const declined = await onCase(c, enterprise, caseId, 'confirmation', {
      decision: 'decline',
      reason: '申请事项有误',
    });
    expect(declined.status, declined.text).toBe(200);
    expect(declined.body).toMatchObject({
      status: 'terminated',
      agency: { confirmation: { outcome: 'declined', reasonZh: '申请事项有误' } },
    });
    const late = await onCase(c, desk(c, 2), caseId, 'acceptance', { outcome: 'accept' });
    expect(late.status).toBe(409);
    // the project may be filed for again
    const refiled = await c.post(desk(c), '/agency/cases', caseBody(c, projectId));
    expect(refiled.status, refiled.text).toBe(201);
  });
});

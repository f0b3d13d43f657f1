import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/model.js';
import { ApiClient, actors } from '../support/api-client.js';
import { admittedProject, applicant, stageMaterials, windowOfficer } from '../support/province-harness.js';

/** 转办 and 撤销 over HTTP: who may, and the problem answers of those who may not. */
const clients: ApiClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
});

async function caseUnderReview() {
  const c = await ApiClient.create();
  clients.push(c);
  const projectId = await admittedProject(c.h);
  const submitted = await c.h.services.cases.submit(applicant(), {
    projectId,
    stage: 'projectApproval',
    materials: stageMaterials(c.h.province, 'projectApproval'),
  });
  const accepted = await c.h.services.cases.actOnAcceptance(
    windowOfficer,
    submitted.value.id,
    submitted.version,
    {
      outcome: 'accept',
    },
  );
  return { c, caseId: accepted.value.id, item: accepted.value.items[0]! };
}

describe('转办 and 撤销 over HTTP', () => {
  it('a department lead hands an item on; a plain reviewer and an applicant may not', async () => {
    const { c, caseId, item } = await caseUnderReview();
    const path = `/cases/${caseId}/items/${item.code}/assignment`;
    const body = { assigneeId: 'rev-2', assigneeName: '审查员2', reasonZh: '按分工承办' };
    const leadActor: Actor = { ...actors.reviewer(item.department), id: 'lead-1', lead: true };
    const refused = await c.post(actors.reviewer(item.department), path, body);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await c.post(actors.applicantA, path, body)).status).toBe(403);
    const ok = await c.post(leadActor, path, body, { 'idempotency-key': 'assign-1' });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.items[0].assignee).toMatchObject({ id: 'rev-2' });
    const again = await c.post(leadActor, path, body);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ALREADY_ASSIGNED');
    const blank = await c.post(leadActor, path, { ...body, assigneeId: 'rev-3', reasonZh: '' });
    expect(blank.status).toBe(400);
  });

  it('revocation waits for the stage to close and is for supervisors only', async () => {
    const { c, caseId, item } = await caseUnderReview();
    const path = `/cases/${caseId}/items/${item.code}/revocation`;
    expect((await c.post(actors.auditor, path, { reasonZh: '纠错' })).status).toBe(403);
    const open = await c.post(actors.supervisor, path, { reasonZh: '纠错' });
    expect(open.status).toBe(409);
    expect(open.body.code).toBe('CASE_NOT_CLOSED');
    expect(open.body.title).toMatch(/[\u4e00-\u9fff]/);
  });
});

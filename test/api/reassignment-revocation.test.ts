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
    // a reason of blanks passes the schema but not the rule
    const spaces = await c.post(leadActor, path, { ...body, assigneeId: 'rev-3', reasonZh: '   ' });
    expect(spaces.status).toBe(422);
    expect(spaces.body.code).toBe('REASONS_REQUIRED');
    // the holder hands on; the lead of another department may not
    const other: Actor = { ...actors.reviewer('eco'), id: 'lead-eco', lead: true };
    expect((await c.post(other, path, { ...body, assigneeId: 'rev-3' })).status).toBe(403);
    const holder: Actor = { ...actors.reviewer(item.department), id: 'rev-2' };
    const handed = await c.post(holder, path, { ...body, assigneeId: 'rev-3', assigneeName: '审查员3' });
    expect(handed.status, handed.text).toBe(200);
    expect(handed.body.items[0].assignments).toHaveLength(2);
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

  it('a supervisor revokes an approval of the closed stage once, with reasons', async () => {
    const { c, caseId, item } = await caseUnderReview();
    const { value } = await c.h.services.cases.get({ actor: actors.supervisor }, caseId);
    for (const i of value.items) {
      await c.h.services.cases.decideItem(
        { actor: actors.reviewer(i.department) },
        caseId,
        i.code,
        undefined,
        {
          outcome: 'approve',
        },
      );
    }
    const path = `/cases/${caseId}/items/${item.code}/revocation`;
    // the hand-over ends with the decision
    const late = await c.post(
      { ...actors.reviewer(item.department), id: 'lead-1', lead: true },
      `/cases/${caseId}/items/${item.code}/assignment`,
      { assigneeId: 'rev-2', assigneeName: '审查员2', reasonZh: '按分工承办' },
    );
    expect(late.status).toBe(409);
    const blank = await c.post(actors.supervisor, path, { reasonZh: '  ' });
    expect(blank.status).toBe(422);
    expect(blank.body.code).toBe('REASONS_REQUIRED');
    expect((await c.post(actors.supervisor, path, { reasonZh: '纠错', extra: 1 })).status).toBe(400);
    const ok = await c.post(
      actors.supervisor,
      path,
      { reasonZh: '申请人以欺骗手段取得许可' },
      {
        'idempotency-key': 'revoke-1',
      },
    );
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.items[0].decision).toMatchObject({
      outcome: 'approve',
      revoked: { by: actors.supervisor.id, reasonZh: '申请人以欺骗手段取得许可' },
    });
    // the same key answers the same again; a second revocation is refused
    const replay = await c.post(
      actors.supervisor,
      path,
      { reasonZh: '申请人以欺骗手段取得许可' },
      {
        'idempotency-key': 'revoke-1',
      },
    );
    expect(replay.status).toBe(200);
    const twice = await c.post(actors.supervisor, path, { reasonZh: '再次撤销' });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('ALREADY_REVOKED');
  });
});

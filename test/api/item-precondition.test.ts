import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, actors, versionOf } from '../support/api-client.js';
import {
  admittedProject,
  applicant,
  departmentLead,
  stageMaterials,
  windowOfficer,
} from '../support/province-harness.js';

/**
 * Departments review one case in parallel: each reviewer's If-Match is the case version their page
 * showed, and a decision is refused only when their own item changed since, never because another
 * department decided another item in between.
 */

let client: ApiClient | undefined;
afterEach(async () => {
  await client?.stop();
  client = undefined;
});

async function underReview(c: ApiClient) {
  const { services, province, workflow } = c.h;
  const projectId = await admittedProject(c.h);
  const submitted = await services.cases.submit(applicant(), {
    projectId,
    stage: 'projectApproval',
    itemCodes: ['investmentApproval'],
    materials: [
      ...new Set([
        ...stageMaterials(province, 'projectApproval').map((m) => m.code),
        ...province.items.find((i) => i.code === 'investmentApproval')!.materials,
      ]),
    ].map((code) => ({ code })),
  });
  await vi.waitFor(() => expect(workflow.waitingCount()).toBe(1));
  const accepted = await services.cases.actOnAcceptance(
    windowOfficer,
    submitted.value.id,
    submitted.version,
    {
      outcome: 'accept',
    },
  );
  await vi.waitFor(() => expect(workflow.waitingCount()).toBe(3));
  return { caseId: submitted.value.id, version: accepted.version };
}

describe('If-Match on item actions', () => {
  it('lets two departments decide their own items on the same version they both saw', async () => {
    client = await ApiClient.create();
    const c = client;
    const { caseId, version } = await underReview(c);
    const seen = { 'if-match': `"${version}"` };
    const ndrc = await c.post(
      actors.reviewer('ndrc'),
      `/cases/${caseId}/items/investmentApproval/decision`,
      { outcome: 'approve' },
      seen,
    );
    expect(ndrc.status, ndrc.text).toBe(200);
    const nrp = await c.post(
      actors.reviewer('nrp'),
      `/cases/${caseId}/items/landPreExaminationSiting/decision`,
      { outcome: 'approve' },
      seen,
    );
    expect(nrp.status, nrp.text).toBe(200);
    expect(versionOf(nrp)).toBe(version + 2);
    const items = (nrp.body.items as { code: string; status: string; changedAtVersion?: number }[]).filter(
      (i) => i.status === 'approved',
    );
    expect(items.map((i) => [i.code, i.changedAtVersion])).toEqual(
      expect.arrayContaining([
        ['investmentApproval', version + 1],
        ['landPreExaminationSiting', version + 2],
      ]),
    );
  });

  it('refuses a decision on an item that changed since the reviewer saw it, and changes nothing', async () => {
    client = await ApiClient.create();
    const c = client;
    const { caseId, version } = await underReview(c);
    // 行政许可法第四十五条: the department lead starts it (the approver is who signed in)
    const started = await c.post(
      departmentLead('nrp').actor,
      `/cases/${caseId}/items/landUsePlanningPermit/special-procedure`,
      { action: 'start', procedureType: 'expertReview', reason: '组织专家评审', expectedDays: 10 },
      { 'if-match': `"${version}"` },
    );
    expect(started.status, started.text).toBe(200);
    const stale = await c.post(
      actors.reviewer('nrp'),
      `/cases/${caseId}/items/landUsePlanningPermit/decision`,
      { outcome: 'approve' },
      { 'if-match': `"${version}"` },
    );
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('VERSION_CONFLICT');
    const now = await c.get(actors.reviewer('nrp'), `/cases/${caseId}`);
    expect(versionOf(now)).toBe(version + 1);
    expect(
      (now.body.items as { code: string; status: string }[]).find((i) => i.code === 'landUsePlanningPermit')
        ?.status,
    ).toBe('specialProcedure');
  });
});

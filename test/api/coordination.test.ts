import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/model.js';
import { ApiClient, actors } from '../support/api-client.js';
import { admittedProject, applicant, stageMaterials, windowOfficer } from '../support/province-harness.js';

/** 首接负责, 容缺台账 and material content over HTTP: who sees what, and the answers' shapes. */
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

const otherWindow: Actor = {
  id: 'window-2',
  name: '李华',
  role: 'windowOfficer',
  unit: '市政务服务中心专窗',
};

describe('首接负责 and 容缺台账 over HTTP', () => {
  it('lists the unit’s coordinated cases with holders, lamps and escalations; other units see none', async () => {
    const c = await client();
    const projectId = await admittedProject(c.h);
    const submitted = await c.h.services.cases.submit(applicant(), {
      projectId,
      stage: 'projectApproval',
      materials: stageMaterials(c.h.province, 'projectApproval'),
    });
    const before = await c.get(windowOfficer.actor, '/coordinated-cases');
    expect(before.status, before.text).toBe(200);
    expect(before.body.items).toEqual([]);
    const accepted = await c.h.services.cases.actOnAcceptance(
      windowOfficer,
      submitted.value.id,
      submitted.version,
      {
        outcome: 'accept',
      },
    );
    const item = accepted.value.items[0]!;
    const lead: Actor = { ...actors.reviewer(item.department), id: 'lead-1', lead: true };
    await c.h.services.cases.assignItem({ actor: lead }, accepted.value.id, item.code, undefined, {
      assigneeId: 'rev-9',
      assigneeName: '审查员九',
      reasonZh: '按分工承办',
    });
    // long enough for every undecided item to be overdue and escalated to the first receiver
    c.h.clock.setDate('2026-06-30');
    await c.h.services.sweep();

    const res = await c.get(windowOfficer.actor, '/coordinated-cases');
    expect(res.status, res.text).toBe(200);
    const [view] = res.body.items;
    expect(view).toMatchObject({
      caseId: accepted.value.id,
      firstReceiver: { unit: windowOfficer.actor.unit },
    });
    const first = view.items.find((i: { code: string }) => i.code === item.code);
    expect(first.holder).toMatchObject({ kind: 'assignee', name: '审查员九' });
    expect(first.lamp).toBe('red');
    expect(first.departmentName).toMatch(/[\u4e00-\u9fff]/);
    expect(first.escalations.map((e: { role: string }) => e.role)).toContain('firstReceiver');
    const other = view.items.find((i: { code: string }) => i.code !== item.code);
    if (other) expect(other.holder).toMatchObject({ kind: 'department' });

    expect((await c.get(otherWindow, '/coordinated-cases')).body.items).toEqual([]);
    for (const who of [actors.supervisor, actors.applicantA, actors.reviewer(item.department)]) {
      const refused = await c.get(who, '/coordinated-cases');
      expect(refused.status).toBe(403);
      expect(refused.body.title).toContain('查看首接负责办件');
    }
  });

  it('the ledger lists 容缺 commitments with names and filters by status', async () => {
    const c = await client();
    const p = c.h.province;
    const cfgItems = p.stages.find((s) => s.stage === 'projectApproval')!.items.filter((i) => i.required);
    const item = cfgItems
      .map((i) => p.items.find((x) => x.code === i.code)!)
      .find((i) => i.deficiencyAllowed.length)!;
    const missing = item.deficiencyAllowed[0]!;
    const projectId = await admittedProject(c.h);
    const submitted = await c.h.services.cases.submit(applicant(), {
      projectId,
      stage: 'projectApproval',
      materials: stageMaterials(p, 'projectApproval', [missing]),
    });
    const holders = p.items.filter(
      (i) => submitted.value.items.some((x) => x.code === i.code) && i.materials.includes(missing),
    );
    await c.h.services.cases.actOnAcceptance(windowOfficer, submitted.value.id, submitted.version, {
      outcome: 'acceptWithDeficiencies',
      commitmentSigned: true,
      deficiencies: holders.map((h) => ({ itemCode: h.code, materialCode: missing, days: 3 })),
    });
    const all = await c.get(windowOfficer.actor, '/deficiency-ledger');
    expect(all.status, all.text).toBe(200);
    expect(all.body.truncated).toBe(false);
    expect(all.body.items).toHaveLength(holders.length);
    expect(all.body.items[0]).toMatchObject({
      caseId: submitted.value.id,
      materialCode: missing,
      materialName: p.materials.find((m) => m.code === missing)!.name,
      status: 'open',
    });
    expect((await c.get(windowOfficer.actor, '/deficiency-ledger?status=supplemented')).body.items).toEqual(
      [],
    );
    expect((await c.get(windowOfficer.actor, '/deficiency-ledger?status=bogus')).status).toBe(400);
    expect((await c.get(otherWindow, '/deficiency-ledger')).body.items).toEqual([]);
    expect((await c.get(actors.auditor, '/deficiency-ledger')).status).toBe(403);
  });
});

describe('a case material’s content', () => {
  it('opens a PDF inline but hands out an uploader-declared HTML page only as a download', async () => {
    const c = await client();
    const pdf = await c.h.services.deps.blobs.put(new TextEncoder().encode('%PDF-1.4 图'), 'application/pdf');
    const html = await c.h.services.deps.blobs.put(
      new TextEncoder().encode('<script>alert(document.cookie)</script>'),
      'text/html',
    );
    const projectId = await admittedProject(c.h);
    const [first, second, ...rest] = stageMaterials(c.h.province, 'projectApproval');
    const submitted = await c.h.services.cases.submit(applicant(), {
      projectId,
      stage: 'projectApproval',
      materials: [
        { ...first!, sha256: pdf.sha256, fileName: '图.pdf' },
        { ...second!, sha256: html.sha256, fileName: '说明.html' },
        ...rest,
      ],
    });
    const reviewerActor = actors.reviewer(submitted.value.items[0]!.department);
    const shownPdf = await c.get(reviewerActor, `/cases/${submitted.value.id}/materials/${pdf.sha256}`);
    expect(shownPdf.headers.get('content-disposition')).toMatch(/^inline/);
    const page = await c.get(reviewerActor, `/cases/${submitted.value.id}/materials/${html.sha256}`);
    expect(page.status, page.text).toBe(200);
    // served from the API's origin, so never rendered there: a download, and no sniffing
    expect(page.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves the stored bytes to the case’s reviewers and the window, to nobody else', async () => {
    const c = await client();
    const bytes = new TextEncoder().encode('%PDF-1.4 用地勘测定界报告');
    const { sha256 } = await c.h.services.deps.blobs.put(bytes, 'application/pdf');
    const projectId = await admittedProject(c.h);
    const [first, ...rest] = stageMaterials(c.h.province, 'projectApproval');
    const submitted = await c.h.services.cases.submit(applicant(), {
      projectId,
      stage: 'projectApproval',
      materials: [{ ...first!, sha256, fileName: '勘测定界报告.pdf' }, ...rest],
    });
    const caseId = submitted.value.id;
    const department = submitted.value.items[0]!.department;
    const path = `/cases/${caseId}/materials/${sha256}`;
    for (const who of [actors.reviewer(department), windowOfficer.actor, actors.applicantA]) {
      const ok = await c.get(who, path);
      expect(ok.status, ok.text).toBe(200);
      expect(ok.headers.get('content-type')).toBe('application/pdf');
      expect(ok.headers.get('content-disposition')).toContain(encodeURIComponent('勘测定界报告.pdf'));
      expect(ok.text).toBe('%PDF-1.4 用地勘测定界报告');
    }
    const outsider = await c.get(actors.reviewer('heritage'), path);
    expect(outsider.status).toBe(403);
    expect((await c.get(actors.auditor, path)).status).toBe(403);
    const elsewhere = await c.get(
      actors.reviewer(department),
      `/cases/${caseId}/materials/${'0'.repeat(64)}`,
    );
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.code).toBe('MATERIAL_NOT_IN_CASE');
    expect((await c.get(undefined, path)).status).toBe(401);
  });
});

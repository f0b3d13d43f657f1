import { afterEach, describe, expect, it } from 'vitest';
import type { ProvinceConfig } from '../../shared/config/province-config.js';
import { jiangsu } from '../../shared/config/provinces/jiangsu.js';
import { ApiClient, actors, versionOf } from '../support/api-client.js';
import {
  admittedProject,
  applicant,
  departmentLead,
  stageMaterials,
  windowOfficer,
} from '../support/province-harness.js';

/** 特别程序 over HTTP (行政许可法第四十五条): request, lead approval, written notice, overrun. */
process.env.GC_CHECK_RESPONSES = '1';
const clients: ApiClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
});
async function client(province?: ProvinceConfig) {
  const c = await ApiClient.create(province ? { province } : {});
  clients.push(c);
  return c;
}

/** Stage 1 accepted on 2026-03-02 (Monday); returns the case and one of its items. */
async function underReview(c: ApiClient) {
  const projectId = await admittedProject(c.h);
  const submitted = await c.h.services.cases.submit(applicant(), {
    projectId,
    stage: 'projectApproval',
    materials: stageMaterials(c.h.province, 'projectApproval'),
  });
  await c.h.services.cases.actOnAcceptance(windowOfficer, submitted.value.id, submitted.version, {
    outcome: 'accept',
  });
  const item = submitted.value.items.find((i) => i.code === 'landUsePlanningPermit')!;
  return {
    caseId: submitted.value.id,
    item,
    path: `/cases/${submitted.value.id}/items/${item.code}/special-procedure`,
  };
}

const itemOf = (res: { body: { items: { code: string }[] } }, code: string) =>
  // biome-ignore lint/suspicious/noExplicitAny: loose inspection of the answer
  res.body.items.find((i) => i.code === code) as any;

describe('special procedures over HTTP (行政许可法第四十五条)', () => {
  it('行政许可法第四十五条: a reviewer asks, cannot approve their own request, the lead approves and the applicant receives the notice', async () => {
    const c = await client();
    const { caseId, item, path } = await underReview(c);
    const rev = actors.reviewer(item.department);
    const asked = await c.post(rev, path, {
      action: 'request',
      procedureType: 'expertReview',
      reason: '组织专家论证',
      expectedDays: 10,
    });
    expect(asked.status, asked.text).toBe(200);
    expect(itemOf(asked, item.code)).toMatchObject({
      status: 'inReview',
      clockStops: [],
      specialProcedureRequest: { procedureType: 'expertReview', expectedDays: 10, by: { id: rev.id } },
    });
    const before = versionOf(asked);

    // the reviewer who asked, even made lead, may not approve it; a plain reviewer may not approve at all
    const own = await c.post({ ...rev, lead: true }, path, { action: 'approve' });
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('OWN_PROCEDURE_REQUEST');
    const plain = await c.post({ ...rev, id: 'reviewer-other' }, path, { action: 'approve' });
    expect(plain.status).toBe(403);
    expect(plain.body.code).toBe('FORBIDDEN');
    expect(versionOf(await c.get(rev, `/cases/${caseId}`))).toBe(before);

    const lead = departmentLead(item.department).actor;
    const approved = await c.post(lead, path, { action: 'approve' });
    expect(approved.status, approved.text).toBe(200);
    const stop = itemOf(approved, item.code).clockStops[0];
    expect(itemOf(approved, item.code).status).toBe('specialProcedure');
    expect(stop).toMatchObject({
      kind: 'specialProcedure',
      from: '2026-03-02',
      requestedBy: { id: rev.id },
      approver: { id: lead.id, name: lead.name },
      expectedDays: 10,
    });
    expect(stop.approvedBy).toBeUndefined();
    expect(stop.noticeZh).toContain('专家评审');

    // 特别程序告知书: the applicant organisation reads it, and sees it on the case
    const inbox = await c.get(actors.applicantA, '/notifications');
    expect(inbox.status, inbox.text).toBe(200);
    const notice = inbox.body.items.find((n: { type: string }) => n.type === 'specialProcedureNotice');
    expect(notice.titleZh).toContain('特别程序告知书');
    expect(notice.bodyZh).toContain(stop.latestEnd);
    const seen = await c.get(actors.applicantA, `/cases/${caseId}`);
    expect(itemOf(seen, item.code).clockStops[0].noticeZh).toBe(stop.noticeZh);
  });

  it('行政许可法第四十五条: a type not configured, a time over the maximum, or a typed approver are refused and change nothing', async () => {
    const c = await client({
      ...jiangsu,
      specialProcedures: jiangsu.specialProcedures.filter((r) => r.type !== 'auction'),
    });
    const { caseId, item, path } = await underReview(c);
    const lead = departmentLead(item.department).actor;
    const before = versionOf(await c.get(lead, `/cases/${caseId}`));

    const notConfigured = await c.post(lead, path, {
      action: 'start',
      procedureType: 'auction',
      reason: '拍卖',
      expectedDays: 5,
    });
    expect(notConfigured.status).toBe(422);
    expect(notConfigured.body.code).toBe('PROCEDURE_TYPE_NOT_CONFIGURED');

    const max = jiangsu.specialProcedures.find((r) => r.type === 'siteVisit')!.maxDays;
    const over = await c.post(actors.reviewer(item.department), path, {
      action: 'request',
      procedureType: 'siteVisit',
      reason: '现场踏勘',
      expectedDays: max + 1,
    });
    expect(over.status).toBe(422);
    expect(over.body.code).toBe('PROCEDURE_OVER_MAXIMUM');

    // the old body with a free-text approver is no longer accepted
    const typed = await c.post(actors.reviewer(item.department), path, {
      action: 'start',
      procedureType: 'expertReview',
      reason: '专家评审',
      approvedBy: '处长',
    });
    expect(typed.status).toBe(400);
    // a reviewer who is not the lead may not start one directly
    const notLead = await c.post(actors.reviewer(item.department), path, {
      action: 'start',
      procedureType: 'expertReview',
      reason: '专家评审',
      expectedDays: 5,
    });
    expect(notLead.status).toBe(403);

    const after = await c.get(lead, `/cases/${caseId}`);
    expect(versionOf(after)).toBe(before);
    expect(itemOf(after, item.code)).toMatchObject({ status: 'inReview', clockStops: [] });
  });

  it('行政许可法第四十五条: past its expected time the item is red in progress and the sweeper escalates once to the lead and the working group', async () => {
    const c = await client();
    const { caseId, item, path } = await underReview(c);
    const lead = departmentLead(item.department).actor;
    const started = await c.post(lead, path, {
      action: 'start',
      procedureType: 'hearing',
      reason: '涉及重大公共利益，举行听证',
      expectedDays: 3,
    });
    expect(started.status, started.text).toBe(200);
    expect(itemOf(started, item.code).clockStops[0].latestEnd).toBe('2026-03-05');

    c.h.clock.setDate('2026-03-09'); // Monday: 03-06 and 03-09 past the expected time
    const progress = await c.get(actors.supervisor, `/cases/${caseId}/progress`);
    expect(progress.status, progress.text).toBe(200);
    const p = progress.body.progress.items.find((i: { code: string }) => i.code === item.code);
    expect(p).toMatchObject({
      lamp: 'red',
      clockStopped: true,
      procedureOverrun: { procedureType: 'hearing', latestEnd: '2026-03-05', overrunDays: 2 },
    });

    // the 首接负责 window sees the same overrun on its coordinated cases
    const coordinated = await c.get(actors.windowOfficer, '/coordinated-cases');
    expect(coordinated.status, coordinated.text).toBe(200);
    const row = coordinated.body.items.find((x: { caseId: string }) => x.caseId === caseId);
    expect(row.items.find((i: { code: string }) => i.code === item.code).procedureOverrun.overrunDays).toBe(
      2,
    );

    await c.h.services.sweep();
    await c.h.services.sweep();
    const trail = await c.h.store.audit(`stageCase/${caseId}`);
    const overruns = trail.filter((e) => e.type === 'SpecialProcedureOverdue');
    expect(overruns).toHaveLength(1);
    // the overrun is not the item's own overdue: that is announced only when its clock runs out
    expect(trail.filter((e) => e.type === 'ItemOverdue')).toHaveLength(0);
    const addresses = (overruns[0]!.data.recipients as { address: string }[]).map((r) => r.address);
    expect(addresses).toEqual([`dept:${item.department}:lead`, 'role:supervisor']);
    const leadInbox = await c.get(lead, '/notifications');
    expect(leadInbox.body.items.some((n: { type: string }) => n.type === 'specialProcedureOverrun')).toBe(
      true,
    );

    // ended, the clock runs again
    const ended = await c.post(actors.reviewer(item.department), path, { action: 'end' });
    expect(ended.status, ended.text).toBe(200);
    expect(itemOf(ended, item.code).status).toBe('inReview');
  });
});

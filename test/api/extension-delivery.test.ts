import { afterEach, describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../shared/domain/calendar.js';
import type { Actor } from '../../shared/domain/model.js';
import { ApiClient, actors } from '../support/api-client.js';
import {
  admittedProject,
  applicant,
  ORG_B,
  stageMaterials,
  windowOfficer,
} from '../support/province-harness.js';

/** 延长审查期限 (行政许可法第四十二条) and 送达 (第四十四条) over HTTP. */
process.env.GC_CHECK_RESPONSES = '1';
const clients: ApiClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
});
const cal = WorkingCalendar.fromChineseDays();

/** Stage 1 submitted and accepted on the harness's day (2026-03-02). */
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
  const item = accepted.value.items[0]!;
  const reviewer: Actor = { ...actors.reviewer(item.department), id: 'rev-1' };
  const lead: Actor = { ...actors.reviewer(item.department), id: 'lead-1', lead: true };
  return { c, caseId: accepted.value.id, item, reviewer, lead };
}

describe('延长审查期限 over HTTP (行政许可法第四十二条)', () => {
  it('行政许可法第42条: a reviewer asks, another person — the department lead — approves; the applicant is told the reason and the new due date', async () => {
    const { c, caseId, item, reviewer, lead } = await caseUnderReview();
    const path = `/cases/${caseId}/items/${item.code}/extension`;
    const body = { days: 5, reasonZh: '需组织专家论证选址方案' };

    // applicants, the window and other departments may not ask
    expect((await c.post(actors.applicantA, path, body)).status).toBe(403);
    expect((await c.post(actors.windowOfficer, path, body)).status).toBe(403);
    expect((await c.post({ ...actors.reviewer('zzz'), id: 'rev-x' }, path, body)).status).toBe(403);

    const asked = await c.post(reviewer, path, body, { 'idempotency-key': 'ext-1' });
    expect(asked.status, asked.text).toBe(200);
    expect(asked.body.items[0].extension).toMatchObject({
      status: 'requested',
      days: 5,
      requestedBy: 'rev-1',
    });
    expect(asked.body.items[0].promisedDays).toBe(item.promisedDays);

    // the decision: only the lead, and not by the person who asked
    const decision = `${path}/decision`;
    const plain = await c.post({ ...reviewer, id: 'rev-2' }, decision, { action: 'approve' });
    expect(plain.status).toBe(403);
    const self = await c.post({ ...lead, id: 'rev-1' }, decision, { action: 'approve' });
    expect(self.status).toBe(409);
    expect(self.body.code).toBe('EXTENSION_BY_REQUESTER');

    const granted = await c.post(lead, decision, { action: 'approve' }, { 'idempotency-key': 'ext-d-1' });
    expect(granted.status, granted.text).toBe(200);
    const due = cal.addWorkingDays('2026-03-02', item.promisedDays + 5).date;
    expect(granted.body.items[0]).toMatchObject({
      promisedDays: item.promisedDays + 5,
      extension: {
        status: 'granted',
        grantedDays: 5,
        originalPromisedDays: item.promisedDays,
        newDueDate: due,
      },
    });
    const progress = await c.get(actors.applicantA, `/cases/${caseId}/progress`);
    expect(progress.status, progress.text).toBe(200);
    expect(progress.body.progress.items[0].dueDate).toBe(due);

    // the applicant organisation is told the reason and the new due date
    const notes = await c.get(actors.applicantA, '/notifications');
    expect(notes.status, notes.text).toBe(200);
    const told = notes.body.items.find((n: { type: string }) => n.type === 'extensionGranted');
    expect(told.bodyZh).toContain('需组织专家论证选址方案');
    expect(told.bodyZh).toContain(due);

    // once: a second request is refused with a stable code and changes nothing
    const again = await c.post(reviewer, path, body);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('EXTENSION_ALREADY_GRANTED');
    const after = await c.get(actors.applicantA, `/cases/${caseId}`);
    expect(after.body.items[0].promisedDays).toBe(item.promisedDays + 5);

    const audit = await c.get(actors.supervisor, `/cases/${caseId}/progress`);
    expect(audit.body.timeline.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['ExtensionRequested', 'ExtensionGranted']),
    );
  });

  it('行政许可法第42条: bad input changes nothing — too many days, no reason, after the limit', async () => {
    const { c, caseId, item, reviewer } = await caseUnderReview();
    const path = `/cases/${caseId}/items/${item.code}/extension`;
    const before = await c.get(actors.supervisor, `/cases/${caseId}`);
    expect((await c.post(reviewer, path, { days: 11, reasonZh: '理由' })).status).toBe(400);
    expect((await c.post(reviewer, path, { days: 3, reasonZh: '' })).status).toBe(400);
    expect((await c.post(reviewer, path, { days: 3 })).status).toBe(400);
    const none = await c.post(reviewer, `${path}/decision`, { action: 'approve' });
    expect(none.status).toBe(403); // a plain reviewer is not the lead
    c.h.clock.setDate(cal.addWorkingDays('2026-03-02', item.promisedDays + 1).date);
    const late = await c.post(reviewer, path, { days: 3, reasonZh: '理由' });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('EXTENSION_AFTER_DEADLINE');
    const after = await c.get(actors.supervisor, `/cases/${caseId}`);
    expect(after.body.version).toBe(before.body.version);
    expect(after.body.items[0].extension).toBeUndefined();
  });
});

describe('送达 over HTTP (行政许可法第四十四条)', () => {
  it('行政许可法第44条: the window records delivery of a decided item once; the applicant signs for another; progress shows both', async () => {
    const { c, caseId } = await caseUnderReview();
    const before = await c.get(actors.supervisor, `/cases/${caseId}`);
    const [first, second] = before.body.items as { code: string; department: string }[];
    for (const it of [first!, second!]) {
      const r = await c.post(
        { ...actors.reviewer(it.department), id: 'rev-1' },
        `/cases/${caseId}/items/${it.code}/decision`,
        {
          outcome: 'approve',
        },
      );
      expect(r.status, r.text).toBe(200);
    }
    c.h.clock.setDate('2026-03-05');
    const path = `/cases/${caseId}/items/${first!.code}/delivery`;

    // not decided in the future, not by an applicant or a reviewer
    expect(
      (await c.post(actors.applicantA, path, { method: 'direct', deliveredOn: '2026-03-04' })).status,
    ).toBe(403);
    expect(
      (await c.post(actors.windowOfficer, path, { method: 'fax', deliveredOn: '2026-03-04' })).status,
    ).toBe(400);
    expect(
      (await c.post(actors.windowOfficer, path, { method: 'direct', deliveredOn: '2026-02-30' })).status,
    ).toBe(400);
    const future = await c.post(actors.windowOfficer, path, { method: 'direct', deliveredOn: '2026-03-06' });
    expect(future.status).toBe(422);
    expect(future.body.code).toBe('DELIVERY_DATE_OUT_OF_RANGE');

    const ok = await c.post(
      actors.windowOfficer,
      path,
      { method: 'post', deliveredOn: '2026-03-04' },
      { 'idempotency-key': 'dlv-1' },
    );
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.items[0].delivery).toMatchObject({
      method: 'post',
      deliveredOn: '2026-03-04',
      by: 'window-1',
    });
    const twice = await c.post(actors.windowOfficer, path, { method: 'direct', deliveredOn: '2026-03-05' });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('ALREADY_DELIVERED');

    // 签收: the applicant organisation signs for the other item; another organisation may not
    const receipt = `/cases/${caseId}/items/${second!.code}/delivery/receipt`;
    const stranger = {
      id: 'app-b',
      name: '经办人',
      role: 'applicant',
      creditCode: ORG_B.creditCode,
    } as Actor;
    expect((await c.post(stranger, receipt)).status).toBe(403);
    const signed = await c.post(actors.applicantA, receipt);
    expect(signed.status, signed.text).toBe(200);
    expect(signed.body.items[1].delivery).toMatchObject({
      method: 'electronic',
      deliveredOn: '2026-03-05',
      signedByApplicant: true,
    });

    const progress = await c.get(actors.applicantA, `/cases/${caseId}/progress`);
    expect(progress.status, progress.text).toBe(200);
    const due = cal.addWorkingDays('2026-03-02', 10).date;
    expect(progress.body.progress.items[0]).toMatchObject({
      deliveryDueDate: due,
      deliveredOn: '2026-03-04',
      deliveryMethod: 'post',
      deliveryLamp: 'green',
    });
    expect(progress.body.progress.items[1]).toMatchObject({
      deliverySigned: true,
      deliveredOn: '2026-03-05',
    });
  });

  it('行政许可法第44条: an undelivered decision past its window is announced once to the first receiver’s window', async () => {
    const { c, caseId } = await caseUnderReview();
    const cs = await c.get(actors.supervisor, `/cases/${caseId}`);
    for (const it of cs.body.items as { code: string; department: string }[]) {
      const r = await c.post(
        { ...actors.reviewer(it.department), id: 'rev-1' },
        `/cases/${caseId}/items/${it.code}/decision`,
        {
          outcome: 'approve',
        },
      );
      expect(r.status, r.text).toBe(200);
    }
    const due = cal.addWorkingDays('2026-03-02', 10).date;
    c.h.clock.setDate(cal.addWorkingDays(due, 1).date);
    const first = await c.h.services.sweep();
    expect(first.notifications).toBeGreaterThanOrEqual(2);
    const second = await c.h.services.sweep();
    expect(second.notifications).toBe(0);
    const notes = await c.get(actors.windowOfficer, '/notifications');
    const overdue = notes.body.items.filter((n: { type: string }) => n.type === 'deliveryOverdue');
    expect(overdue).toHaveLength(2);
    const progress = await c.get(actors.applicantA, `/cases/${caseId}/progress`);
    expect(progress.body.progress.items[0].deliveryLamp).toBe('red');
  });
});

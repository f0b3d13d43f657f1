import { afterEach, describe, expect, it, vi } from 'vitest';
import { DomainError } from '../../shared/domain/errors.js';
import type { Notification, StageCase } from '../../shared/domain/model.js';
import { REFUSAL_REMEDY_ZH } from '../../shared/domain/notifications.js';
import { taskKeys } from '../../shared/services/workflow-callbacks.js';
import {
  departmentLead,
  type Harness,
  makeHarness,
  ORG_A,
  reviewer,
  submittedCase,
  supervisor,
  TestClock,
  windowOfficer,
} from '../support/province-harness.js';

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.stop()));
});

function harness(day: string) {
  const clock = new TestClock(day);
  const h = makeHarness({ clock });
  harnesses.push(h);
  return { h, clock };
}

async function notices(h: Harness, address: string, caseId: string) {
  const page = await h.store.query('notifications', address, { limit: 100 });
  const found = await h.store.getMany<Notification>(
    'notification',
    page.items.map((i) => i.id),
  );
  return found.map((f) => f.value).filter((n) => n.caseId === caseId);
}

async function problemOf(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('行政许可法第32条: 视为受理 by the sweeper', () => {
  it('行政许可法第32条: submitted 2026-03-02 and not acted on, the case is deemed accepted on 03-10 (6th working day), not on the day a window acts', async () => {
    const { h, clock } = harness('2026-03-02');
    const c = await submittedCase(h);
    await vi.waitFor(() => expect(h.workflow.waitingCount()).toBe(1)); // AwaitAcceptance
    clock.setDate('2026-03-09');
    expect((await h.services.sweep()).deemed ?? 0).toBe(0);
    // the sweeper runs late: the clock still starts on the deemed day
    clock.setDate('2026-03-16');
    const report = await h.services.sweep();
    expect(report.deemed).toBe(1);
    const { value, version } = await h.services.cases.get(supervisor, c.value.id);
    expect(value.status).toBe('underReview');
    expect(value.acceptance).toMatchObject({ outcome: 'accept', deemed: true });
    expect(value.firstReceiver?.unit).toBe(h.province.windowUnit);
    expect(value.items.every((i) => i.startDate === '2026-03-10')).toBe(true);
    const trail = await h.store.audit(`stageCase/${c.value.id}`);
    const deemed = trail.filter((e) => e.type === 'AcceptanceDeemed');
    expect(deemed).toHaveLength(1);
    expect(deemed[0]?.data).toMatchObject({ deemedOn: '2026-03-10', firstReceiver: h.province.windowUnit });
    // the window and the applicant are told
    expect((await notices(h, `unit:${h.province.windowUnit}`, c.value.id)).map((n) => n.type)).toContain(
      'acceptanceDeemed',
    );
    expect((await notices(h, `org:${ORG_A.creditCode}`, c.value.id)).map((n) => n.type)).toContain(
      'acceptanceDeemed',
    );
    // the workflow's acceptance wait is completed: review tasks wait now, one per item
    await vi.waitFor(() => expect(h.workflow.waitingCount()).toBe(value.items.length));
    // the window acting later changes nothing
    const late = await problemOf(
      h.services.cases.actOnAcceptance(windowOfficer, c.value.id, version, {
        outcome: 'accept',
      }),
    );
    expect(late.code).toBe('CASE_NOT_AWAITING_ACCEPTANCE');
    // a second sweep records nothing again
    await h.services.sweep();
    expect(
      (await h.store.audit(`stageCase/${c.value.id}`)).filter((e) => e.type === 'AcceptanceDeemed'),
    ).toHaveLength(1);
  });
});

describe('拒绝须上一级签发 through the services', () => {
  it('拒绝须上一级签发: a reviewer proposes, the lead signs, the stage is rejected and the applicant told the reasons and the remedy', async () => {
    const { h } = harness('2026-03-02');
    const c = await submittedCase(h);
    await h.services.cases.actOnAcceptance(windowOfficer, c.value.id, c.version, { outcome: 'accept' });
    const [first, ...rest] = c.value.items;
    for (const i of rest) {
      await h.services.cases.decideItem(reviewer(i.department), c.value.id, i.code, undefined, {
        outcome: 'approve',
      });
    }
    const proposed = await h.services.cases.decideItem(
      reviewer(first!.department),
      c.value.id,
      first!.code,
      undefined,
      {
        outcome: 'reject',
        reasons: '选址与国土空间规划不符',
      },
    );
    expect(proposed.value.status).toBe('underReview');
    expect(proposed.value.items[0]?.proposedRefusal?.by).toBe(`reviewer-${first!.department}`);
    // the workflow still waits on the item
    expect((await h.store.getTaskToken(taskKeys.item(c.value.id, first!.code)))?.status).toBe('pending');
    // a reviewer who is not a lead may not sign
    const notLead = await problemOf(
      h.services.cases.signOffRefusal(reviewer(first!.department), c.value.id, first!.code, undefined, {
        action: 'sign',
      }),
    );
    expect(notLead.code).toBe('FORBIDDEN');
    const signed = await h.services.cases.signOffRefusal(
      departmentLead(first!.department),
      c.value.id,
      first!.code,
      undefined,
      { action: 'sign' },
    );
    const rejected: StageCase = signed.value;
    expect(rejected.status).toBe('rejected');
    expect(rejected.items[0]?.decision).toMatchObject({
      outcome: 'reject',
      by: `reviewer-${first!.department}`,
      signedOffBy: `lead-${first!.department}`,
    });
    const trail = await h.store.audit(`stageCase/${c.value.id}`);
    expect(trail.map((e) => e.type)).toEqual(
      expect.arrayContaining(['RefusalProposed', 'ItemRejected', 'StageRejected']),
    );
    const told = (await notices(h, `org:${ORG_A.creditCode}`, c.value.id)).find(
      (n) => n.type === 'stageRejected',
    );
    expect(told?.bodyZh).toContain('选址与国土空间规划不符');
    expect(told?.bodyZh).toContain(REFUSAL_REMEDY_ZH);
    await vi.waitFor(async () =>
      expect((await h.workflow.executionResult(c.value.id))?.status).toBe('SUCCEEDED'),
    );
  });

  it('拒绝须上一级签发: a lead cannot sign their own proposal; a returned refusal leaves the item to review', async () => {
    const { h } = harness('2026-03-02');
    const c = await submittedCase(h);
    await h.services.cases.actOnAcceptance(windowOfficer, c.value.id, c.version, { outcome: 'accept' });
    const i = c.value.items[0]!;
    const lead = departmentLead(i.department);
    await h.services.cases.decideItem(lead, c.value.id, i.code, undefined, {
      outcome: 'reject',
      reasons: '不符合条件',
    });
    const own = await problemOf(
      h.services.cases.signOffRefusal(lead, c.value.id, i.code, undefined, { action: 'sign' }),
    );
    expect(own.code).toBe('SIGNOFF_BY_PROPOSER');
    const other = { actor: { ...lead.actor, id: 'lead-2' } };
    const back = await h.services.cases.signOffRefusal(other, c.value.id, i.code, undefined, {
      action: 'return',
      commentZh: '请补充论证',
    });
    expect(back.value.items[0]?.proposedRefusal).toBeUndefined();
    expect(back.value.items[0]?.refusalReturns?.[0]).toMatchObject({ by: 'lead-2', commentZh: '请补充论证' });
    const approved = await h.services.cases.decideItem(
      reviewer(i.department),
      c.value.id,
      i.code,
      undefined,
      {
        outcome: 'approve',
      },
    );
    expect(approved.value.items[0]?.status).toBe('approved');
  });
});

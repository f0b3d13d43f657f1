import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProvinceConfig } from '../../shared/config/province-config.js';
import { jiangsu } from '../../shared/config/provinces/jiangsu.js';
import type { Actor, Notification, StageCase } from '../../shared/domain/model.js';
import { NotificationService } from '../../shared/services/notifications.js';
import {
  admittedProject,
  applicant,
  asActor,
  type Harness,
  makeHarness,
  ORG_A,
  reviewer,
  stageMaterials,
  supervisor,
  TestClock,
  windowOfficer,
} from '../support/province-harness.js';

/**
 * Escalation, reminders and notices on the real 2025 calendar (see sweeper.test.ts): accepted on
 * Friday 09-26 with every item promised in 5 working days, an item is due 10-10 (across National
 * Day 10-01..10-08 and the 调休 Sunday 09-28) and overdue from Saturday 10-11 (a working day):
 * overdue 1 on 10-11, 2 on 10-13, 3 on 10-14, 5 on 10-16 and 10 on 10-23.
 */
const province: ProvinceConfig = {
  ...jiangsu,
  lamps: { yellowShare: 0.8, yellowRemainingDays: 0 },
  items: jiangsu.items.map((i) => ({ ...i, promisedDays: 5, statutoryDays: Math.max(5, i.statutoryDays) })),
};
const WINDOW_UNIT = windowOfficer.actor.unit!;

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.stop()));
});

function setup() {
  const clock = new TestClock('2025-09-26');
  const h = makeHarness({ clock, province });
  harnesses.push(h);
  return { h, clock, notices: new NotificationService(h.services.deps) };
}

/** 送达: the window records every decision of the case as delivered today. */
async function deliverAll(h: Harness, caseId: string) {
  const c = (await h.services.cases.get(supervisor, caseId)).value;
  for (const item of c.items) {
    await h.services.extensionDelivery.recordDelivery(windowOfficer, caseId, item.code, undefined, {
      method: 'electronic',
      deliveredOn: '2025-09-26',
    });
  }
}

async function submitted(h: Harness, omit: string[] = []) {
  const projectId = await admittedProject(h);
  return h.services.cases.submit(applicant(), {
    projectId,
    stage: 'projectApproval',
    materials: stageMaterials(province, 'projectApproval', omit),
  });
}

async function acceptedCase(h: Harness) {
  const c = await submitted(h);
  return h.services.cases.actOnAcceptance(windowOfficer, c.value.id, c.version, { outcome: 'accept' });
}

async function noticesOfCase(h: Harness, caseId: string): Promise<Notification[]> {
  const all: Notification[] = [];
  for (const address of [
    'dept:nrp',
    'dept:nrp:lead',
    `unit:${WINDOW_UNIT}`,
    'role:supervisor',
    'dept:ndrc:lead',
    'role:leader',
    `org:${ORG_A.creditCode}`,
    'role:windowOfficer',
    `unit:${province.windowUnit}`,
  ]) {
    const page = await h.store.query('notifications', address, { limit: 100 });
    const found = await h.store.getMany<Notification>(
      'notification',
      page.items.map((i) => i.id),
    );
    all.push(...found.map((f) => f.value).filter((n) => n.caseId === caseId));
  }
  return all;
}

const lead: Actor = {
  id: 'lead-nrp',
  name: '自然资源厅处长',
  role: 'reviewer',
  department: 'nrp',
  lead: true,
};

describe('escalation ladder in the sweeper', () => {
  it('climbs level by level on the right working days with the right addresses, once each', async () => {
    const { h, clock } = setup();
    const c = await acceptedCase(h);
    const items = c.value.items;
    expect(new Set(items.map((i) => i.department))).toEqual(new Set(['nrp']));
    const levelsOn = async (day: string) => {
      clock.setDate(day);
      const report = await h.services.sweep();
      return report.escalations.map((e) => `${e.level}@${e.address}`);
    };
    const each = (...xs: string[]) => items.flatMap(() => xs).sort();

    expect(await levelsOn('2025-10-09')).toEqual([]); // yellow
    expect(await levelsOn('2025-10-10')).toEqual([]); // overdue 0: last day
    expect((await levelsOn('2025-10-11')).sort()).toEqual(each('1@dept:nrp', '2@dept:nrp:lead'));
    clock.setDate('2025-10-13'); // overdue 2: not due at all
    expect(await h.services.sweep()).toMatchObject({ examined: 0, escalations: [] });
    // overdue 3: two sweepers at once still tell the first receiver once per item
    clock.setDate('2025-10-14');
    const [a, b] = await Promise.all([h.services.sweep(), h.services.sweep()]);
    expect([...a.escalations, ...b.escalations].map((e) => `${e.level}@${e.address}`).sort()).toEqual(
      each(`3@unit:${WINDOW_UNIT}`),
    );
    expect(await h.services.sweep()).toMatchObject({ examined: 0 });
    expect(await levelsOn('2025-10-15')).toEqual([]);
    expect((await levelsOn('2025-10-16')).sort()).toEqual(each('4@role:supervisor'));
    expect(await levelsOn('2025-10-22')).toEqual([]);
    // 分管领导: a role a user can hold (was role:chairLeader, which nobody held)
    expect((await levelsOn('2025-10-23')).sort()).toEqual(each('5@role:leader'));
    clock.setDate('2025-11-20');
    expect(await h.services.sweep()).toMatchObject({ examined: 0, escalations: [] });

    const saved = (await h.services.cases.get(supervisor, c.value.id)).value;
    for (const item of saved.items) {
      expect(
        item.escalations?.map((e) => [e.level, e.role, e.address, e.overdueDays, e.at.slice(0, 10)]),
      ).toEqual([
        [1, 'reviewer', 'dept:nrp', 1, '2025-10-11'],
        [2, 'departmentLead', 'dept:nrp:lead', 1, '2025-10-11'],
        [3, 'firstReceiver', `unit:${WINDOW_UNIT}`, 3, '2025-10-14'],
        [4, 'workingGroup', 'role:supervisor', 5, '2025-10-16'],
        [5, 'chairLeader', 'role:leader', 10, '2025-10-23'],
      ]);
      // level 3 tells the first receiver and the stage's lead department: 发展改革 leads stage 1 of
      // this government-invested project (一家牵头)
      expect(item.escalations?.map((e) => e.recipients?.map((r) => r.address))).toEqual([
        ['dept:nrp'],
        ['dept:nrp:lead'],
        [`unit:${WINDOW_UNIT}`, 'dept:ndrc:lead'],
        ['role:supervisor'],
        ['role:leader'],
      ]);
      expect(item.escalations?.[2]?.recipients?.[1]?.nameZh).toBe('省发展改革委处长（阶段牵头部门）');
    }
    const trail = await h.store.audit(`stageCase/${c.value.id}`);
    const escalated = trail.filter((e) => e.type === 'ItemEscalated');
    expect(escalated).toHaveLength(items.length * 5);
    expect(escalated[0]?.data).toMatchObject({
      level: 1,
      role: 'reviewer',
      address: 'dept:nrp',
      overdueDays: 1,
    });

    const notices = await noticesOfCase(h, c.value.id);
    const count = (type: string, address: string) =>
      notices.filter((n) => n.type === type && n.address === address).length;
    expect(count('itemAtRisk', 'dept:nrp')).toBe(items.length);
    expect(count('itemOverdue', 'dept:nrp')).toBe(items.length);
    expect(count('itemEscalated', 'dept:nrp')).toBe(items.length);
    expect(count('itemEscalated', 'dept:nrp:lead')).toBe(items.length);
    expect(count('itemEscalated', `unit:${WINDOW_UNIT}`)).toBe(items.length);
    expect(count('itemEscalated', 'role:supervisor')).toBe(items.length);
    expect(count('itemEscalated', 'dept:ndrc:lead')).toBe(items.length);
    expect(count('itemEscalated', 'role:leader')).toBe(items.length);
    expect(notices).toHaveLength(items.length * 8);
    // each notice announced itself on its own stream, for the webhook
    const created = await h.store.audit(`notification/${notices[0]!.id}`);
    expect(created.map((e) => e.type)).toEqual(['NotificationCreated']);
  });

  it('catches up every level that became due while the sweeper was down', async () => {
    const { h, clock } = setup();
    const c = await acceptedCase(h);
    clock.setDate('2025-10-16');
    const report = await h.services.sweep();
    expect(report.escalations).toHaveLength(c.value.items.length * 4);
    const saved = (await h.services.cases.get(supervisor, c.value.id)).value;
    expect(saved.items[0]?.escalations?.map((e) => [e.level, e.overdueDays])).toEqual([
      [1, 5],
      [2, 5],
      [3, 5],
      [4, 5],
    ]);
    clock.setDate('2025-10-22');
    expect(await h.services.sweep()).toMatchObject({ examined: 0 });
  });

  it('tells the window when the acceptance deadline passes', async () => {
    const { h, clock } = setup();
    const c = await submitted(h);
    clock.setDate('2025-10-09');
    await h.services.sweep();
    await h.services.sweep();
    const notices = await noticesOfCase(h, c.value.id);
    expect(notices.map((n) => [n.type, n.address])).toEqual([
      ['acceptanceOverdue', `unit:${province.windowUnit}`],
    ]);
  });

  it('行政许可法第32条: tells the window and the applicant when the case is deemed accepted, once', async () => {
    const { h, clock } = setup();
    const c = await submitted(h);
    clock.setDate('2025-10-11'); // 6th working day after 09-26 (09-28 and 10-11 worked)
    await h.services.sweep();
    await h.services.sweep();
    const notices = await noticesOfCase(h, c.value.id);
    expect(notices.map((n) => [n.type, n.address]).sort()).toEqual(
      [
        ['acceptanceDeemed', `org:${ORG_A.creditCode}`],
        ['acceptanceDeemed', `unit:${province.windowUnit}`],
      ].sort(),
    );
  });
});

describe('容缺 reminders and termination', () => {
  it('reminds the applicant two working days before the deadline, once, then terminates and tells both', async () => {
    const { h, clock, notices } = setup();
    const s = await submitted(h, ['topographicMap']);
    const itemCode = s.value.items.find((i) =>
      province.items.find((x) => x.code === i.code)?.deficiencyAllowed.includes('topographicMap'),
    )!.code;
    const c = await h.services.cases.actOnAcceptance(windowOfficer, s.value.id, s.version, {
      outcome: 'acceptWithDeficiencies',
      deficiencies: [{ itemCode, materialCode: 'topographicMap', days: 5 }],
      commitmentSigned: true,
    });
    expect(c.value.deficiencies[0]?.deadline).toBe('2025-10-10');
    const reminders = async () =>
      (await noticesOfCase(h, c.value.id)).filter((n) => n.type === 'deficiencyReminder');

    clock.setDate('2025-09-29');
    await h.services.sweep();
    expect(await reminders()).toEqual([]);
    clock.setDate('2025-09-30'); // two working days before 10-10, National Day in between
    await Promise.all([h.services.sweep(), h.services.sweep()]);
    await h.services.sweep();
    expect((await reminders()).map((n) => n.address)).toEqual([`org:${ORG_A.creditCode}`]);
    expect(
      (await h.services.cases.get(supervisor, c.value.id)).value.deficiencies[0]?.remindedAt,
    ).toBeDefined();
    clock.setDate('2025-10-10');
    await h.services.sweep();
    expect(await reminders()).toHaveLength(1);

    clock.setDate('2025-10-11');
    const [a, b] = await Promise.all([h.services.sweep(), h.services.sweep()]);
    expect(a.terminated + b.terminated).toBe(1);
    const saved = (await h.services.cases.get(supervisor, c.value.id)).value;
    expect(saved.status).toBe('terminated');
    const terminated = (await noticesOfCase(h, c.value.id)).filter((n) => n.type === 'caseTerminated');
    expect(terminated.map((n) => n.address).sort()).toEqual(
      [`org:${ORG_A.creditCode}`, `unit:${WINDOW_UNIT}`].sort(),
    );
    const org = await h.store.get<{ creditMarks: unknown[] }>('organisation', ORG_A.creditCode);
    expect(org?.value.creditMarks).toHaveLength(1);

    const inbox = await notices.inbox(applicant(), { limit: 10 });
    expect(inbox.map((n) => n.type)).toEqual(['caseTerminated', 'deficiencyReminder']);
  });
});

describe('feedback request and reminder', () => {
  it('closing the stage asks the applicant; five silent working days later the sweeper reminds once', async () => {
    const { h, clock, notices } = setup();
    const c = await acceptedCase(h);
    for (const item of c.value.items) {
      await h.services.cases.decideItem(reviewer(item.department), c.value.id, item.code, undefined, {
        outcome: 'approve',
      });
    }
    const closed = await vi.waitFor(async () => {
      const v = (await h.services.cases.get(supervisor, c.value.id)).value;
      expect(v.stageClosedAt).toBeDefined();
      return v;
    });
    expect(closed.feedbackRequestedAt).toBeDefined();
    // 送达 on the decision day, so the delivery window (行政许可法第四十四条) keeps nothing due
    await deliverAll(h, c.value.id);
    const ofType = async (type: string) =>
      (await noticesOfCase(h, c.value.id)).filter((n) => n.type === type).map((n) => n.address);
    expect(await ofType('feedbackRequested')).toEqual([`org:${ORG_A.creditCode}`]);

    // requested Friday 09-26: five working days are 09-28, 09-29, 09-30, 10-09, 10-10
    clock.setDate('2025-10-09');
    expect(await h.services.sweep()).toMatchObject({ examined: 0 });
    clock.setDate('2025-10-10');
    await Promise.all([h.services.sweep(), h.services.sweep()]);
    expect(await ofType('feedbackReminder')).toEqual([`org:${ORG_A.creditCode}`]);
    expect((await h.services.cases.get(supervisor, c.value.id)).value.feedbackRemindedAt).toBeDefined();
    clock.setDate('2025-10-20');
    expect(await h.services.sweep()).toMatchObject({ examined: 0 });
    expect(await ofType('feedbackReminder')).toHaveLength(1);
    expect(await notices.unreadCount(applicant())).toBe(2);
  });

  it('no reminder once the applicant rated the stage', async () => {
    const { h, clock } = setup();
    const c = await acceptedCase(h);
    for (const item of c.value.items) {
      await h.services.cases.decideItem(reviewer(item.department), c.value.id, item.code, undefined, {
        outcome: 'approve',
      });
    }
    await vi.waitFor(async () => {
      expect((await h.services.cases.get(supervisor, c.value.id)).value.stageClosedAt).toBeDefined();
    });
    await h.services.cases.feedback(applicant(), c.value.id, { satisfaction: 5 });
    await deliverAll(h, c.value.id);
    clock.setDate('2025-10-20');
    expect(await h.services.sweep()).toMatchObject({ examined: 0 });
    const saved: StageCase = (await h.services.cases.get(supervisor, c.value.id)).value;
    expect(saved.feedbackRemindedAt).toBeUndefined();
  });
});

describe('inbox', () => {
  it('shows each person the notices of their addresses, newest first, and lets only a recipient mark them read', async () => {
    const { h, clock, notices } = setup();
    const c = await acceptedCase(h);
    const n = c.value.items.length;
    clock.setDate('2025-10-09');
    await h.services.sweep();
    clock.setDate('2025-10-11');
    await h.services.sweep();
    clock.setDate('2025-10-16');
    await h.services.sweep();

    const types = async (ctx: { actor: Actor }) =>
      (await notices.inbox(ctx, { limit: 100 })).map((x) => `${x.type}@${x.address}`);
    const rev = await types(reviewer('nrp'));
    expect(rev.filter((t) => t === 'itemAtRisk@dept:nrp')).toHaveLength(n);
    expect(rev.filter((t) => t === 'itemOverdue@dept:nrp')).toHaveLength(n);
    expect(rev.filter((t) => t === 'itemEscalated@dept:nrp')).toHaveLength(n);
    expect(rev.some((t) => t.endsWith(':lead'))).toBe(false);
    const leadSees = await types(asActor(lead));
    expect(leadSees).toHaveLength(rev.length + n);
    expect(leadSees.filter((t) => t === 'itemEscalated@dept:nrp:lead')).toHaveLength(n);
    expect(await types(windowOfficer)).toEqual(Array(n).fill(`itemEscalated@unit:${WINDOW_UNIT}`));
    const working = await types(supervisor);
    expect(working.filter((t) => t.startsWith('itemEscalated@'))).toEqual(
      Array(n).fill('itemEscalated@role:supervisor'),
    );
    // and the reports that went out with these sweeps: the lists of the weeks of 10-06 and 10-13,
    // and September's bulletin on 10-09 (国庆 2025 ran to 10-08), each once
    expect(working.filter((t) => !t.startsWith('itemEscalated@')).sort()).toEqual([
      'monthlyBulletinReady@role:supervisor',
      'weeklyDispatchReady@role:supervisor',
      'weeklyDispatchReady@role:supervisor',
    ]);
    expect(await types(reviewer('ecology'))).toEqual([]);
    expect(await types(applicant())).toEqual([]);

    // newest first, paged with `before`
    const all = await notices.inbox(asActor(lead), { limit: 100 });
    expect(all.map((x) => x.createdAt)).toEqual([...all.map((x) => x.createdAt)].sort().reverse());
    const first = await notices.inbox(asActor(lead), { limit: 2 });
    const last = first[first.length - 1]!;
    const second = await notices.inbox(asActor(lead), { limit: 100, before: `${last.createdAt}#${last.id}` });
    expect([...first, ...second].map((x) => x.id)).toEqual(all.map((x) => x.id));

    const unread = await notices.unreadCount(reviewer('nrp'));
    expect(unread).toBe(rev.length);
    const target = (await notices.inbox(reviewer('nrp'), { limit: 1 }))[0]!;
    await expect(notices.markRead(supervisor, target.id)).rejects.toMatchObject({
      code: 'NOTIFICATION_NOT_FOUND',
    });
    const read = await notices.markRead(reviewer('nrp'), target.id);
    expect(read.readAt).toBeDefined();
    const again = await notices.markRead(asActor(lead), target.id); // a colleague: no change
    expect(again.readAt).toBe(read.readAt);
    expect(await notices.unreadCount(reviewer('nrp'))).toBe(unread - 1);
    await expect(notices.markRead(reviewer('nrp'), 'N-missing')).rejects.toMatchObject({
      code: 'NOTIFICATION_NOT_FOUND',
    });
  });
});

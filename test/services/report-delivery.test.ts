import { afterEach, describe, expect, it } from 'vitest';
import {
  admittedProject,
  applicant,
  type Harness,
  makeHarness,
  stageMaterials,
  supervisor,
  TestClock,
  windowOfficer,
} from '../support/province-harness.js';

/** 周调度 and 月通报 go to the working group by themselves, once each, with their headline figures. */

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.store.close();
});

describe('scheduled reports to the working group', () => {
  it('the first sweep after Monday 08:30 sends the weekly list once; the bulletin goes on the first working day', async () => {
    const clock = new TestClock('2026-11-20');
    const h = makeHarness({ clock });
    harnesses.push(h);
    const projectId = await admittedProject(h);
    const c = await h.services.cases.submit(applicant(), {
      projectId,
      stage: 'projectApproval',
      materials: stageMaterials(h.province, 'projectApproval'),
    });
    await h.services.cases.actOnAcceptance(windowOfficer, c.value.id, c.version, { outcome: 'accept' });

    // Friday 11-20: last Monday's list and November's first-working-day bulletin (of October) are due
    const first = await h.services.sweep();
    expect(first.reportsSent).toEqual(['weeklyDispatch:2026-11-16', 'monthlyBulletin:2026-10']);
    expect((await h.services.sweep()).reportsSent).toEqual([]);

    // Monday 11-23 at noon (the test clock's hour): this week's list, once, even with two sweeps at once
    clock.setDate('2026-11-23');
    const [a, b] = await Promise.all([h.services.sweep(), h.services.sweep()]);
    expect([...(a.reportsSent ?? []), ...(b.reportsSent ?? [])]).toEqual(['weeklyDispatch:2026-11-23']);

    const inbox = await h.services.notifications.inbox(supervisor, { limit: 100 });
    const weekly = inbox.filter((n) => n.type === 'weeklyDispatchReady');
    expect(weekly.map((n) => n.titleZh)).toEqual([
      '周调度清单（2026-11-23 周）',
      '周调度清单（2026-11-16 周）',
    ]);
    const dispatch = await h.services.reports.weeklyDispatch(supervisor, '2026-11-23');
    expect(weekly[0]?.bodyZh).toContain(`红灯（逾期）${dispatch.red} 项、黄灯（临期）${dispatch.yellow} 项`);
    const monthly = inbox.filter((n) => n.type === 'monthlyBulletinReady');
    expect(monthly.map((n) => n.titleZh)).toEqual(['月通报（2026-10）']);
    // the webhook mirrors notices: each went out through the outbox as NotificationCreated
    const events = await h.store.audit(`notification/${weekly[0]!.id}`);
    expect(events.map((e) => e.type)).toEqual(['NotificationCreated']);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { ProvinceConfig } from '../../shared/config/province-config.js';
import { jiangsu } from '../../shared/config/provinces/jiangsu.js';
import {
  acceptedCase,
  admittedProject,
  applicant,
  departmentLead,
  type Harness,
  makeHarness,
  reviewer,
  stageMaterials,
  supervisor,
  TestClock,
} from '../support/province-harness.js';

/**
 * The deadline sweeper on the real 2025 calendar: National Day 10-01..10-08 off, Sunday 09-28 and
 * Saturday 10-11 worked (调休). Every item of stage 1 is promised in 5 working days here, so from
 * an acceptance on Friday 09-26 the days count 09-28, 09-29, 09-30, 10-09, 10-10: due 10-10,
 * yellow at 80% (day 4, 10-09), red from Saturday 10-11.
 */
const province: ProvinceConfig = {
  ...jiangsu,
  lamps: { yellowShare: 0.8, yellowRemainingDays: 0 },
  items: jiangsu.items.map((i) => ({ ...i, promisedDays: 5, statutoryDays: Math.max(5, i.statutoryDays) })),
};

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.stop()));
});

describe('deadline sweeper', () => {
  it('turns lamps yellow and red in working days across National Day and 调休, once each', async () => {
    const clock = new TestClock('2025-09-26');
    const h = makeHarness({ clock, province });
    harnesses.push(h);
    const c = await acceptedCase(h);
    const n = c.value.items.length;

    for (const day of ['2025-09-29', '2025-09-30', '2025-10-05', '2025-10-08']) {
      clock.setDate(day);
      expect((await h.services.sweep()).lampChanges, day).toEqual([]);
    }
    clock.setDate('2025-10-09');
    const yellow = await h.services.sweep();
    expect(yellow.lampChanges).toHaveLength(n);
    expect(new Set(yellow.lampChanges.map((l) => l.lamp))).toEqual(new Set(['yellow']));
    expect(await h.services.sweep()).toMatchObject({ examined: 0, lampChanges: [] });

    clock.setDate('2025-10-10'); // last day: still on time
    expect((await h.services.sweep()).lampChanges).toEqual([]);
    clock.setDate('2025-10-11'); // Saturday, but a working day
    const red = await h.services.sweep();
    expect(red.lampChanges.map((l) => l.lamp)).toEqual(Array(n).fill('red'));

    const progress = await h.services.cases.progress(supervisor, c.value.id);
    expect(progress.progress.items.every((i) => i.dueDate === '2025-10-10' && i.lamp === 'red')).toBe(true);
    const trail = await h.store.audit(`stageCase/${c.value.id}`);
    expect(trail.filter((e) => e.type === 'ItemAtRisk')).toHaveLength(n);
    expect(trail.filter((e) => e.type === 'ItemOverdue')).toHaveLength(n);
  });

  it('does not count a special procedure, and two sweeps at once announce each lamp once', async () => {
    const clock = new TestClock('2025-09-26');
    const h = makeHarness({ clock, province });
    harnesses.push(h);
    const c = await acceptedCase(h);
    const [held, ...others] = c.value.items;
    clock.setDate('2025-09-29');
    await h.services.specialProcedures.act(
      departmentLead(held!.department),
      c.value.id,
      held!.code,
      undefined,
      {
        action: 'start',
        procedureType: 'expertReview',
        reason: '组织专家评审',
        expectedDays: 10,
      },
    );
    clock.setDate('2025-10-10');
    await h.services.specialProcedures.act(reviewer(held!.department), c.value.id, held!.code, undefined, {
      action: 'end',
    });
    clock.setDate('2025-10-11');
    const [a, b] = await Promise.all([h.services.sweep(), h.services.sweep()]);
    const announced = [...a.lampChanges, ...b.lampChanges];
    expect(announced.map((l) => l.itemCode).sort()).toEqual(others.map((i) => i.code).sort());
    const progress = await h.services.cases.progress(supervisor, c.value.id);
    const heldProgress = progress.progress.items.find((i) => i.code === held!.code)!;
    // 09-30, 10-09 and 10-10 were stopped: 3 of 6 working days count, so 5 + 3 working days after
    // 09-26 (counting the 调休 Saturday 10-11) falls on Tuesday 10-14
    expect(heldProgress).toMatchObject({
      elapsedDays: 3,
      stoppedDays: 3,
      lamp: 'green',
      dueDate: '2025-10-14',
    });
    const trail = await h.store.audit(`stageCase/${c.value.id}`);
    expect(trail.filter((e) => e.type === 'ItemOverdue')).toHaveLength(others.length);
  });

  it('reads only cases that are due', async () => {
    const clock = new TestClock('2025-09-26');
    const h = makeHarness({ clock, province });
    harnesses.push(h);
    await acceptedCase(h);
    clock.setDate('2025-10-09');
    await acceptedCase(h); // accepted today: nothing due for days
    const report = await h.services.sweep();
    expect(report.examined).toBe(1);
  });

  it('announces a missed acceptance deadline once', async () => {
    const clock = new TestClock('2025-09-26');
    const h = makeHarness({ clock, province });
    harnesses.push(h);
    const projectId = await admittedProject(h);
    const c = await h.services.cases.submit(applicant(), {
      projectId,
      stage: 'projectApproval',
      materials: stageMaterials(province, 'projectApproval'),
    });
    // past the province's 2-day promise, before the law deems it accepted (10-11, see acceptance-law)
    clock.setDate('2025-10-09');
    await h.services.sweep();
    await h.services.sweep();
    const trail = await h.store.audit(`stageCase/${c.value.id}`);
    expect(trail.filter((e) => e.type === 'AcceptanceOverdue')).toHaveLength(1);
    const progress = await h.services.cases.progress(supervisor, c.value.id);
    expect(progress.progress.acceptOverdue).toBe(true);
    expect(progress.progress.lamp).toBe('red');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/domain/errors.js';
import type { Project } from '../../shared/domain/model.js';
import { ExitReviewService } from '../../shared/services/exit-review.js';
import {
  applicant,
  type Harness,
  makeHarness,
  ORG_A,
  reviewer,
  stageMaterials,
  supervisor,
  TestClock,
  windowOfficer,
} from '../support/province-harness.js';

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.stop()));
});

function setup(day = '2024-03-01') {
  const clock = new TestClock(day);
  const h = makeHarness({ clock });
  harnesses.push(h);
  return { h, clock, exitReview: new ExitReviewService(h.services.deps) };
}

let serial = 400;
/** A project admitted on the clock's day, promising completion on `promisedCompletion`. */
async function admitted(h: Harness, promisedCompletion?: string): Promise<string> {
  serial += 1;
  const p = await h.services.projects.register(applicant(), {
    projectCode: `2024-320000-48-01-${String(serial).padStart(6, '0')}`,
    name: `退出复核测试项目${serial}`,
    ownerName: ORG_A.name,
    category: 'provincialKey',
    location: { city: '南京市' },
    investmentWan: 50_000,
    governmentInvested: true,
    ...(promisedCompletion ? { promisedCompletion } : {}),
  });
  const applied = await h.services.projects.applyAdmission(applicant(), p.value.id, p.version);
  await h.services.projects.decideAdmission(supervisor, p.value.id, applied.version, {
    admit: true,
    reasons: '符合准入条件',
    priority: 2,
  });
  return p.value.id;
}

const get = async (h: Harness, id: string) => (await h.store.get<Project>('project', id))!;

async function expectError(promise: Promise<unknown>, code: string, kind?: DomainError['kind']) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${code}`).toBeInstanceOf(DomainError);
  expect((err as DomainError).code).toBe(code);
  if (kind) expect((err as DomainError).kind).toBe(kind);
}

/** Two late years (promised completion 2024-06-30, never completed) → proposal for 2025. */
async function proposedForExit() {
  const s = setup();
  const id = await admitted(s.h, '2024-06-30');
  s.clock.setDate('2025-01-06');
  expect(await s.exitReview.runYearly(supervisor, 2024)).toMatchObject({
    reviewed: [id],
    late: [id],
    proposed: [],
  });
  s.clock.setDate('2026-01-05');
  expect(await s.exitReview.runYearly(supervisor, 2025)).toMatchObject({ reviewed: [id], proposed: [id] });
  return { ...s, id };
}

describe('yearly exit review', () => {
  it('two late years → proposal → the supervisor exits → no priority and no new case', async () => {
    const { h, exitReview, id } = await proposedForExit();
    const proposed = await get(h, id);
    expect(proposed.value.annualReviews?.map((r) => [r.year, r.late])).toEqual([
      [2024, true],
      [2025, true],
    ]);
    expect(proposed.value.exitProposal?.year).toBe(2025);
    expect(proposed.value.exitProposal?.reasonsZh[0]).toMatch(/连续两个年度/);

    const exited = await exitReview.decide(supervisor, id, proposed.version, {
      decision: 'exit',
      reasonZh: '连续两年未按承诺竣工，且无客观原因',
    });
    expect(exited.value.admission).toMatchObject({ status: 'exited', decidedBy: supervisor.actor.id });
    expect(exited.value.admission.priority).toBeUndefined();
    expect(exited.value.exitProposal).toBeUndefined();
    expect((await h.store.query('status', 'project:exited')).items.map((i) => i.id)).toEqual([id]);
    expect((await h.store.query('status', 'project:admitted')).items).toEqual([]);

    await expectError(
      h.services.cases.submit(applicant(), {
        projectId: id,
        stage: 'projectApproval',
        materials: stageMaterials(h.province, 'projectApproval'),
      }),
      'PROJECT_NOT_ADMITTED',
      'conflict',
    );
    const trail = (await h.store.audit(`project/${id}`)).map((e) => e.type);
    expect(trail.slice(-5)).toEqual([
      'ProjectAdmitted',
      'AnnualReviewRecorded',
      'AnnualReviewRecorded',
      'ExitProposed',
      'ProjectExited',
    ]);
    // an exited project is no longer reviewed
    expect((await exitReview.runYearly(supervisor, 2025)).reviewed).toEqual([]);
  });

  it('容错纠错 with evidence keeps the project, and the excused year never counts again', async () => {
    const { h, clock, exitReview, id } = await proposedForExit();
    const v = (await get(h, id)).version;
    await expectError(
      exitReview.decide(supervisor, id, v, { decision: 'excuse', reasonZh: '客观原因', evidence: [] }),
      'EVIDENCE_REQUIRED',
      'invalid',
    );
    const excused = await exitReview.decide(supervisor, id, v, {
      decision: 'excuse',
      reasonZh: '受长江汛期影响停工，属客观原因',
      evidence: ['省防指停工通知（苏防〔2025〕12号）'],
    });
    expect(excused.value.admission.status).toBe('admitted');
    expect(excused.value.admission.priority).toBe(2);
    expect(excused.value.exitProposal).toBeUndefined();
    expect(excused.value.annualReviews?.find((r) => r.year === 2025)?.excusable).toMatchObject({
      evidence: ['省防指停工通知（苏防〔2025〕12号）'],
      by: supervisor.actor.id,
    });
    const last = (await h.store.audit(`project/${id}`)).at(-1);
    expect(last).toMatchObject({ type: 'DelayExcused', data: { year: 2025 } });

    // 2026 late again: 2025 was excused, so no proposal
    clock.setDate('2027-01-04');
    expect(await exitReview.runYearly(supervisor, 2026)).toMatchObject({ late: [id], proposed: [] });
    expect((await get(h, id)).value.exitProposal).toBeUndefined();
    // 2027 late too: 2026 and 2027 are two unexcused late years in a row
    clock.setDate('2028-01-03');
    expect(await exitReview.runYearly(supervisor, 2027)).toMatchObject({ proposed: [id] });
  });

  it('running a year twice records nothing new', async () => {
    const { h, exitReview, id } = await proposedForExit();
    const before = await get(h, id);
    const trail = (await h.store.audit(`project/${id}`)).length;
    expect(await exitReview.runYearly(supervisor, 2025)).toMatchObject({ reviewed: [], skipped: [id] });
    const after = await get(h, id);
    expect(after.version).toBe(before.version);
    expect(after.value).toEqual(before.value);
    expect((await h.store.audit(`project/${id}`)).length).toBe(trail);
  });

  it('finds late items from the project cases and follows cursors over many admitted projects', async () => {
    const { h, clock, exitReview } = setup('2025-09-30');
    const id = await admitted(h);
    const others = await Promise.all(Array.from({ length: 55 }, () => admitted(h)));
    const c = await h.services.cases.submit(applicant(), {
      projectId: id,
      stage: 'projectApproval',
      materials: stageMaterials(h.province, 'projectApproval'),
    });
    let saved = await h.services.cases.actOnAcceptance(windowOfficer, c.value.id, c.version, {
      outcome: 'accept',
    });
    clock.setDate('2025-11-20');
    for (const item of saved.value.items) {
      saved = await h.services.cases.decideItem(reviewer(item.department), c.value.id, item.code, undefined, {
        outcome: 'approve',
      });
    }
    clock.setDate('2026-01-05');
    const run = await exitReview.runYearly(supervisor, 2025);
    expect(run.reviewed).toHaveLength(others.length + 1);
    expect(run.late).toEqual([id]);
    const review = (await get(h, id)).value.annualReviews?.[0];
    expect(review?.reasonsZh.join('\n')).toMatch(/2025-11-20 作出决定.*超过承诺时限/);
  });

  it('refuses years not yet ended, years before admission are skipped, and only supervisors decide', async () => {
    const { h, exitReview } = setup('2025-05-06');
    const id = await admitted(h, '2024-06-30');
    await expectError(exitReview.runYearly(supervisor, 2025), 'YEAR_NOT_ENDED', 'invalid');
    await expectError(exitReview.runYearly(applicant(), 2024), 'FORBIDDEN', 'forbidden');
    expect(await exitReview.runYearly(supervisor, 2024)).toMatchObject({ reviewed: [], skipped: [id] });
    const v = (await get(h, id)).version;
    await expectError(
      exitReview.decide(windowOfficer, id, v, { decision: 'exit', reasonZh: '理由' }),
      'FORBIDDEN',
      'forbidden',
    );
    await expectError(
      exitReview.decide(supervisor, id, v, { decision: 'exit', reasonZh: '理由' }),
      'EXIT_NOT_PROPOSED',
      'conflict',
    );
    await expectError(
      exitReview.decide(supervisor, id, v + 1, { decision: 'exit', reasonZh: '理由' }),
      'VERSION_CONFLICT',
      'conflict',
    );
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyChain } from '../../shared/domain/audit-chain.js';
import type { Organisation } from '../../shared/domain/model.js';
import {
  admittedProject,
  applicant,
  departmentLead,
  type Harness,
  makeHarness,
  ORG_B,
  reviewer,
  stageMaterials,
  supervisor,
  TestClock,
  windowOfficer,
} from '../support/province-harness.js';

/**
 * The real ASL (statemachines/stage-case.asl.json) run by the local runner against the real
 * services and an embedded store: what a province does on one machine.
 */
const harnesses: Harness[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.stop()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function harness(options: Parameters<typeof makeHarness>[0] = {}) {
  const h = makeHarness(options);
  harnesses.push(h);
  return h;
}

async function submitted(h: Harness, omit: string[] = [], org = undefined as typeof ORG_B | undefined) {
  const projectId = await admittedProject(h, org);
  return h.services.cases.submit(applicant(org), {
    projectId,
    stage: 'projectApproval',
    materials: stageMaterials(h.province, 'projectApproval', omit),
  });
}

async function decideAll(
  h: Harness,
  caseId: string,
  outcome: (code: string) => 'approve' | 'reject' = () => 'approve',
) {
  const { value } = await h.services.cases.get(supervisor, caseId);
  for (const item of value.items) {
    const o = outcome(item.code);
    await h.services.cases.decideItem(reviewer(item.department), caseId, item.code, undefined, {
      outcome: o,
      ...(o === 'reject' ? { reasons: '选址与国土空间规划不符' } : {}),
    });
    // 拒绝须上一级签发: the refusal takes effect with the lead's signature
    if (o === 'reject') {
      await h.services.cases.signOffRefusal(departmentLead(item.department), caseId, item.code, undefined, {
        action: 'sign',
      });
    }
  }
}

const waitingOn = (h: Harness, n: number) => vi.waitFor(() => expect(h.workflow.waitingCount()).toBe(n));

describe('stage case through the local ASL runner', () => {
  it('runs apply → accept → parallel review → approve → close, with a verifiable audit trail', async () => {
    const h = harness();
    const c = await submitted(h);
    await waitingOn(h, 1); // AwaitAcceptance
    await h.services.cases.actOnAcceptance(windowOfficer, c.value.id, c.version, { outcome: 'accept' });
    await waitingOn(h, c.value.items.length);
    await decideAll(h, c.value.id);
    const result = await h.workflow.executionResult(c.value.id);
    expect(result?.status).toBe('SUCCEEDED');
    expect(h.workflow.visitedStates(c.value.id)).toEqual(
      expect.arrayContaining([
        'AwaitAcceptance',
        'ListItems',
        'ReviewItems',
        'Consolidate',
        'CloseStage',
        'Approved',
      ]),
    );
    const { value } = await h.services.cases.get(supervisor, c.value.id);
    expect(value.status).toBe('approved');
    expect(value.stageClosedAt).toBeDefined();
    expect(value.firstReceiver?.unit).toBe('省政务服务中心绿色通道专窗');
    expect(value.items.every((i) => i.decision?.resultNo)).toBe(true);
    const trail = await h.store.audit(`stageCase/${c.value.id}`);
    expect(verifyChain(trail).valid).toBe(true);
    expect(trail.map((e) => e.type)).toEqual([
      'CaseSubmitted',
      'CaseAccepted',
      ...value.items.map(() => 'ItemApproved'),
      'StageApproved',
      'StageClosed',
    ]);
    const progress = await h.services.cases.progress(applicant(), c.value.id);
    expect(progress.progress.step).toBe('feedback');
    await h.services.cases.feedback(applicant(), c.value.id, { satisfaction: 5 });
  });

  it('ends Rejected when a department refuses an item', async () => {
    const h = harness();
    const c = await submitted(h);
    await h.services.cases.actOnAcceptance(windowOfficer, c.value.id, c.version, { outcome: 'accept' });
    const rejectCode = c.value.items[0]!.code;
    await decideAll(h, c.value.id, (code) => (code === rejectCode ? 'reject' : 'approve'));
    expect((await h.workflow.executionResult(c.value.id))?.status).toBe('SUCCEEDED');
    expect(h.workflow.visitedStates(c.value.id)).not.toContain('Approved');
    const { value } = await h.services.cases.get(supervisor, c.value.id);
    expect(value.status).toBe('rejected');
    expect(value.stageClosedAt).toBeDefined();
  });

  it('loops through a one-time correction notice and a resubmission', async () => {
    const h = harness();
    const [first] = stageMaterials(h.province, 'projectApproval');
    const c = await submitted(h);
    const corrected = await h.services.cases.actOnAcceptance(windowOfficer, c.value.id, c.version, {
      outcome: 'correction',
      missing: [first!.code],
      reason: '材料签章不全',
    });
    expect(corrected.value.status).toBe('correctionRequested');
    await waitingOn(h, 1); // AwaitResubmission
    const again = await h.services.cases.resubmit(applicant(), c.value.id, corrected.version, [first!]);
    expect(again.value.round).toBe(2);
    await h.services.cases.actOnAcceptance(windowOfficer, c.value.id, again.version, { outcome: 'accept' });
    await decideAll(h, c.value.id);
    expect((await h.workflow.executionResult(c.value.id))?.status).toBe('SUCCEEDED');
    expect(h.workflow.visitedStates(c.value.id).filter((s) => s === 'AwaitAcceptance')).toHaveLength(2);
    expect((await h.services.cases.get(supervisor, c.value.id)).value.status).toBe('approved');
  });

  it('terminates the case and marks credit when 容缺 is not supplemented in time', async () => {
    const clock = new TestClock('2026-03-02');
    const h = harness({ clock });
    const item = h.province.items.find(
      (i) =>
        h.province.stages[0]!.items.some((s) => s.code === i.code && s.required) &&
        i.deficiencyAllowed.length > 0,
    )!;
    const missing = item.deficiencyAllowed[0]!;
    const c = await submitted(h, [missing], ORG_B);
    const holders = c.value.items.filter((i) =>
      h.province.items.find((x) => x.code === i.code)!.materials.includes(missing),
    );
    const accepted = await h.services.cases.actOnAcceptance(windowOfficer, c.value.id, c.version, {
      outcome: 'acceptWithDeficiencies',
      commitmentSigned: true,
      deficiencies: holders.map((i) => ({ itemCode: i.code, materialCode: missing, days: 3 })),
    });
    // 3 working days after Monday 2026-03-02 is Thursday 03-05; on Friday it is overdue.
    expect(accepted.value.deficiencies[0]!.deadline).toBe('2026-03-05');
    await waitingOn(h, c.value.items.length);
    clock.setDate('2026-03-05');
    expect((await h.services.sweep()).terminated).toBe(0);
    clock.setDate('2026-03-06');
    const report = await h.services.sweep();
    expect(report.terminated).toBe(1);
    expect((await h.workflow.executionResult(c.value.id))?.status).toBe('SUCCEEDED');
    expect(h.workflow.visitedStates(c.value.id)).toContain('Terminated');
    const { value } = await h.services.cases.get(supervisor, c.value.id);
    expect(value.status).toBe('terminated');
    expect(value.deficiencies.every((d) => d.status === 'overdue')).toBe(true);
    const org = await h.store.get<Organisation>('organisation', ORG_B.creditCode);
    expect(org?.value.creditMarks).toHaveLength(1);
    // running the sweeper again changes nothing
    expect(await h.services.sweep()).toMatchObject({ examined: 0, changed: 0, terminated: 0 });
    // bad credit bars the organisation from 容缺 next time
    const next = await submitted(h, [missing], ORG_B);
    await expect(
      h.services.cases.actOnAcceptance(windowOfficer, next.value.id, next.version, {
        outcome: 'acceptWithDeficiencies',
        commitmentSigned: true,
        deficiencies: holders.map((i) => ({ itemCode: i.code, materialCode: missing, days: 3 })),
      }),
    ).rejects.toMatchObject({ code: 'DEFICIENCY_BARRED' });
  });

  it('resumes after a restart in the middle of review without losing or repeating a decision', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-resume-'));
    dirs.push(dir);
    const path = join(dir, 'store.db');
    const clock = new TestClock('2026-03-02');
    const first = makeHarness({ path, clock });
    const c = await submitted(first);
    await first.services.cases.actOnAcceptance(windowOfficer, c.value.id, c.version, { outcome: 'accept' });
    const items = c.value.items;
    expect(items.length).toBeGreaterThanOrEqual(2);
    await waitingOn(first, items.length);
    const [a, ...rest] = items;
    await first.services.cases.decideItem(reviewer(a!.department), c.value.id, a!.code, undefined, {
      outcome: 'approve',
    });
    await first.stop(); // the process goes away; executions are gone, the store stays

    const second = harness({ path, clock });
    expect(await second.services.resumeWorkflows()).toBe(1);
    await waitingOn(second, rest.length); // only the undecided items wait again
    for (const item of rest) {
      await second.services.cases.decideItem(reviewer(item.department), c.value.id, item.code, undefined, {
        outcome: 'approve',
      });
    }
    expect((await second.workflow.executionResult(c.value.id))?.status).toBe('SUCCEEDED');
    const trail = await second.store.audit(`stageCase/${c.value.id}`);
    expect(trail.filter((e) => e.type === 'ItemApproved')).toHaveLength(items.length);
    expect(trail.filter((e) => e.type === 'StageClosed')).toHaveLength(1);
    expect(verifyChain(trail).valid).toBe(true);
    const { value } = await second.services.cases.get(supervisor, c.value.id);
    expect(value.status).toBe('approved');
  });

  it('completes when decisions arrive before the workflow reaches the review step', async () => {
    const h = harness();
    const c = await submitted(h);
    const accepted = await h.services.cases.actOnAcceptance(windowOfficer, c.value.id, c.version, {
      outcome: 'accept',
    });
    // decide at once, racing ListItems and the Map's callback registrations
    await Promise.all(
      accepted.value.items.map((i) =>
        h.services.cases.decideItem(reviewer(i.department), c.value.id, i.code, undefined, {
          outcome: 'approve',
        }),
      ),
    );
    expect((await h.workflow.executionResult(c.value.id))?.status).toBe('SUCCEEDED');
    const { value } = await h.services.cases.get(supervisor, c.value.id);
    expect(value.status).toBe('approved');
    expect(value.stageClosedAt).toBeDefined();
  });
});

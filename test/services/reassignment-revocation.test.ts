import { afterEach, describe, expect, it, vi } from 'vitest';
import { frequentReassignments, revokedDecisions } from '../../shared/domain/reports.js';
import type { Ctx } from '../../shared/services/context.js';
import {
  acceptedCase,
  type Harness,
  makeHarness,
  reviewer,
  supervisor,
  TestClock,
} from '../support/province-harness.js';

/** 转办 and 撤销: the two actions behind the annual evaluation's integrity flags. */
const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.stop()));
});

const lead = (department: string): Ctx => ({
  actor: { id: `lead-${department}`, name: '处长', role: 'reviewer', department, lead: true },
});
const colleague = (department: string, n: number): Ctx => ({
  actor: { id: `rev-${department}-${n}`, name: `审查员${n}`, role: 'reviewer', department },
});

describe('转办 (reassignment)', () => {
  it('the lead names a holder, the holder hands on, every hand-over is on record', async () => {
    const h = makeHarness({ clock: new TestClock('2025-11-03') });
    harnesses.push(h);
    const c = await acceptedCase(h);
    const item = c.value.items[0]!;
    const dept = item.department;
    await h.services.cases.assignItem(lead(dept), c.value.id, item.code, undefined, {
      assigneeId: 'rev-nrp-1',
      assigneeName: '审查员1',
      reasonZh: '按分工由专人承办',
    });
    // a colleague who does not hold the item cannot pass it on
    await expect(
      h.services.cases.assignItem(colleague(dept, 2), c.value.id, item.code, undefined, {
        assigneeId: 'rev-nrp-2',
        assigneeName: '审查员2',
        reasonZh: '自己接手',
      }),
    ).rejects.toMatchObject({ kind: 'forbidden' });
    await h.services.cases.assignItem(colleague(dept, 1), c.value.id, item.code, undefined, {
      assigneeId: 'rev-nrp-2',
      assigneeName: '审查员2',
      reasonZh: '承办人出差',
    });
    await expect(
      h.services.cases.assignItem(lead(dept), c.value.id, item.code, undefined, {
        assigneeId: 'rev-nrp-2',
        assigneeName: '审查员2',
        reasonZh: '重复',
      }),
    ).rejects.toMatchObject({ code: 'ALREADY_ASSIGNED' });
    const { value } = await h.services.cases.get(supervisor, c.value.id);
    const held = value.items[0]!;
    expect(held.assignee).toMatchObject({ id: 'rev-nrp-2', name: '审查员2' });
    expect(held.assignments?.map((a) => [a.from, a.to, a.by])).toEqual([
      [undefined, 'rev-nrp-1', `lead-${dept}`],
      ['rev-nrp-1', 'rev-nrp-2', 'rev-nrp-1'],
    ]);
    const trail = await h.store.audit(`stageCase/${c.value.id}`);
    expect(
      trail.filter((e) => e.type === 'ItemReassigned').map((e) => ({ actor: e.actor, data: e.data })),
    ).toEqual([
      { actor: `lead-${dept}`, data: { itemCode: item.code, to: 'rev-nrp-1', reason: '按分工由专人承办' } },
      {
        actor: 'rev-nrp-1',
        data: { itemCode: item.code, to: 'rev-nrp-2', from: 'rev-nrp-1', reason: '承办人出差' },
      },
    ]);
    // a decided item is not handed on
    await h.services.cases.decideItem(reviewer(dept), c.value.id, item.code, undefined, {
      outcome: 'approve',
    });
    await expect(
      h.services.cases.assignItem(lead(dept), c.value.id, item.code, undefined, {
        assigneeId: 'rev-nrp-3',
        assigneeName: '审查员3',
        reasonZh: '晚了',
      }),
    ).rejects.toMatchObject({ code: 'ITEM_ALREADY_DECIDED' });
  });

  it('an item handed on more than twice in the year is flagged in the annual evaluation', async () => {
    const h = makeHarness({ clock: new TestClock('2025-11-03') });
    harnesses.push(h);
    const c = await acceptedCase(h);
    const item = c.value.items[0]!;
    for (const n of [1, 2, 3]) {
      await h.services.cases.assignItem(lead(item.department), c.value.id, item.code, undefined, {
        assigneeId: `rev-${n}`,
        assigneeName: `审查员${n}`,
        reasonZh: '调整分工',
      });
    }
    const { value } = await h.services.cases.get(supervisor, c.value.id);
    expect(frequentReassignments([value], 2025)).toEqual([
      { caseId: c.value.id, itemCode: item.code, department: item.department, reassignments: 3 },
    ]);
    expect(frequentReassignments([value], 2024)).toEqual([]);
    const evaluation = await h.services.reports.annualEvaluation(supervisor, 2025);
    expect(evaluation.integrityRisk.frequentReassignment.count).toBe(1);
  });
});

describe('撤销 (revocation)', () => {
  it('a supervisor revokes an approval of a closed stage, with reasons; the original decision stays', async () => {
    const h = makeHarness({ clock: new TestClock('2025-11-03') });
    harnesses.push(h);
    const c = await acceptedCase(h);
    const [first] = c.value.items;
    // not while the stage is open
    await h.services.cases.decideItem(reviewer(first!.department), c.value.id, first!.code, undefined, {
      outcome: 'approve',
    });
    await expect(
      h.services.cases.revokeDecision(supervisor, c.value.id, first!.code, undefined, {
        reasonZh: '材料虚假',
      }),
    ).rejects.toMatchObject({ code: 'CASE_NOT_CLOSED' });
    for (const item of c.value.items.slice(1)) {
      await h.services.cases.decideItem(reviewer(item.department), c.value.id, item.code, undefined, {
        outcome: 'approve',
      });
    }
    await vi.waitFor(async () => {
      expect((await h.services.cases.get(supervisor, c.value.id)).value.stageClosedAt).toBeDefined();
    });
    await expect(
      h.services.cases.revokeDecision(reviewer(first!.department), c.value.id, first!.code, undefined, {
        reasonZh: '越权',
      }),
    ).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(
      h.services.cases.revokeDecision(supervisor, c.value.id, first!.code, undefined, { reasonZh: '  ' }),
    ).rejects.toMatchObject({ code: 'REASONS_REQUIRED' });
    const closed = await h.services.cases.get(supervisor, c.value.id);
    const tokensBefore = await h.store.pendingTaskTokens(c.value.id);
    const revokedCase = await h.services.cases.revokeDecision(
      supervisor,
      c.value.id,
      first!.code,
      undefined,
      {
        reasonZh: '申请人以虚假材料取得许可，依法撤销',
      },
    );
    // the closed stage stays closed: no status change, no new workflow, same close times
    expect(revokedCase.value.status).toBe(closed.value.status);
    expect(revokedCase.value.closedAt).toBe(closed.value.closedAt);
    expect(revokedCase.value.stageClosedAt).toBe(closed.value.stageClosedAt);
    // and nothing waits again: no workflow step registered since the close
    expect(await h.store.pendingTaskTokens(c.value.id)).toEqual(tokensBefore);
    expect(h.workflow.waitingCount()).toBe(0);
    await expect(
      h.services.cases.revokeDecision(supervisor, c.value.id, first!.code, undefined, {
        reasonZh: '再次撤销',
      }),
    ).rejects.toMatchObject({ code: 'ALREADY_REVOKED' });
    const { value } = await h.services.cases.get(supervisor, c.value.id);
    const decision = value.items[0]!.decision!;
    expect(decision.outcome).toBe('approve');
    expect(decision.revoked).toMatchObject({
      by: supervisor.actor.id,
      reasonZh: '申请人以虚假材料取得许可，依法撤销',
    });
    expect(revokedDecisions([value], 2025)).toEqual([
      expect.objectContaining({ caseId: c.value.id, itemCode: first!.code, revokedBy: supervisor.actor.id }),
    ]);
    const evaluation = await h.services.reports.annualEvaluation(supervisor, 2025);
    expect(evaluation.integrityRisk.reversedDecisions.count).toBe(1);
    const trail = await h.store.audit(`stageCase/${c.value.id}`);
    expect(trail.at(-1)).toMatchObject({
      type: 'DecisionRevoked',
      actor: supervisor.actor.id,
      data: { itemCode: first!.code, reason: '申请人以虚假材料取得许可，依法撤销' },
    });
  });
});

describe('撤销 across years', () => {
  it('an approval closed in 2024 and revoked in 2025 counts in the 2025 evaluation, not in 2024', async () => {
    const clock = new TestClock('2024-11-04');
    const h = makeHarness({ clock });
    harnesses.push(h);
    const c = await acceptedCase(h);
    for (const item of c.value.items) {
      await h.services.cases.decideItem(reviewer(item.department), c.value.id, item.code, undefined, {
        outcome: 'approve',
      });
    }
    await vi.waitFor(async () => {
      expect((await h.services.cases.get(supervisor, c.value.id)).value.stageClosedAt).toBeDefined();
    });
    clock.setDate('2025-03-10');
    await h.services.cases.revokeDecision(supervisor, c.value.id, c.value.items[0]!.code, undefined, {
      reasonZh: '发现申请材料虚假，依法撤销',
    });
    const in2025 = await h.services.reports.annualEvaluation(supervisor, 2025);
    expect(in2025.integrityRisk.reversedDecisions.decisions).toEqual([
      expect.objectContaining({ caseId: c.value.id, itemCode: c.value.items[0]!.code }),
    ]);
    clock.setDate('2026-02-02');
    const in2024 = await h.services.reports.annualEvaluation(supervisor, 2024);
    expect(in2024.integrityRisk.reversedDecisions.count).toBe(0);
  });
});

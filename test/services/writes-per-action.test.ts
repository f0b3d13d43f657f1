import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Store } from '../../shared/ports/store.js';
import type { Ctx } from '../../shared/services/context.js';
import { relayIdle } from '../../shared/services/unit-of-work.js';
import {
  acceptedCase,
  admittedProject,
  applicant,
  type Harness,
  makeHarness,
  reviewer,
  stageMaterials,
  windowOfficer,
} from '../support/province-harness.js';

/**
 * One durable write per human action (issue 12), as README's architecture states it: the action's
 * change, audit events, idempotency record and outbox messages are one commit; the workflow's token
 * is registered once per wait and never settled; the relay removes what it published in one
 * batched write, which the embedded store folds into its next group transaction.
 */

/**
 * Every method of the store port, read or write: the compiler insists a method added to the port
 * is classified here, so a new kind of write cannot slip past the count.
 */
const PORT = {
  get: 'read',
  getMany: 'read',
  query: 'read',
  audit: 'read',
  auditHead: 'read',
  auditHeads: 'read',
  getIdempotency: 'read',
  getTaskToken: 'read',
  pendingTaskTokens: 'read',
  dueOutbox: 'read',
  close: 'read',
  commit: 'write',
  purgeIdempotency: 'write',
  purgeTaskTokens: 'write',
  putTaskToken: 'write',
  deleteOutbox: 'write',
  rescheduleOutbox: 'write',
} as const satisfies Record<keyof Store, 'read' | 'write'>;
type WriteName = {
  [K in keyof typeof PORT]: (typeof PORT)[K] extends 'write' ? K : never;
}[keyof typeof PORT];

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.stop()));
});

/** Counts the store's write calls, and the SQLite transactions (fsyncs) they took. */
function meter(h: Harness) {
  const calls: WriteName[] = [];
  const writes = (Object.keys(PORT) as (keyof typeof PORT)[]).filter(
    (name): name is WriteName => PORT[name] === 'write',
  );
  for (const name of writes) {
    const original = (h.store[name] as (...args: unknown[]) => unknown).bind(h.store);
    vi.spyOn(h.store, name as 'commit').mockImplementation(((...args: unknown[]) => {
      calls.push(name);
      return original(...args);
    }) as never);
  }
  return {
    /** what happened from now until `action` resolved, then until the workflow and relay were idle */
    async during(action: () => Promise<unknown>, settle: () => Promise<void>) {
      const [from, tx0] = [calls.length, h.store.writeTransactions];
      await action();
      const inRequest = { calls: calls.slice(from), transactions: h.store.writeTransactions - tx0 };
      await settle();
      const after = calls.slice(from + inRequest.calls.length);
      return { inRequest, after, transactionsInAll: h.store.writeTransactions - tx0 };
    },
  };
}

const withKey = (ctx: Ctx, key: string): Ctx => ({
  ...ctx,
  idempotency: { scope: `${ctx.actor.id} POST`, key, requestHash: key },
});

/** A case under review, with every item step waiting and the outbox drained. */
async function reviewing(h: Harness) {
  const c = await acceptedCase(h);
  await vi.waitFor(() => expect(h.workflow.waitingCount()).toBe(c.value.items.length));
  await relayIdle(h.services.deps);
  return c.value;
}

describe('one write per human action', () => {
  it('an item decision is one commit and one transaction; its token is not written again, and the relay removes its event in one batched delete', async () => {
    const h = makeHarness();
    harnesses.push(h);
    const c = await reviewing(h);
    const item = c.items[0]!;
    const m = meter(h);

    const { inRequest, after, transactionsInAll } = await m.during(
      () =>
        h.services.cases.decideItem(withKey(reviewer(item.department), 'k-1'), c.id, item.code, undefined, {
          outcome: 'approve',
        }),
      async () => {
        await vi.waitFor(() => expect(h.workflow.waitingCount()).toBe(c.items.length - 1));
        await relayIdle(h.services.deps);
      },
    );

    // the request: the change with its audit event, idempotency record and outbox message, at once
    expect(inRequest.calls.filter((n) => n === 'commit')).toHaveLength(1);
    // and besides it only the background relay's one batched delete (it may finish before the
    // request does): the workflow moved on without writing its token
    expect([...inRequest.calls, ...after].sort()).toEqual(['commit', 'deleteOutbox']);
    expect(transactionsInAll).toBeLessThanOrEqual(2);
  });

  it('a full case registers each wait’s token exactly once and never settles one', async () => {
    const h = makeHarness();
    harnesses.push(h);
    const m = meter(h);
    const projectId = await admittedProject(h);
    let caseId = '';
    let items: { code: string; department: string }[] = [];
    const { inRequest, after } = await m.during(
      async () => {
        const c = await h.services.cases.submit(applicant(), {
          projectId,
          stage: 'projectApproval',
          materials: stageMaterials(h.province, 'projectApproval'),
        });
        caseId = c.value.id;
        items = c.value.items;
        await vi.waitFor(() => expect(h.workflow.waitingCount()).toBe(1));
        await h.services.cases.actOnAcceptance(windowOfficer, caseId, c.version, { outcome: 'accept' });
        await vi.waitFor(() => expect(h.workflow.waitingCount()).toBe(items.length));
        for (const item of items) {
          await h.services.cases.decideItem(reviewer(item.department), caseId, item.code, undefined, {
            outcome: 'approve',
          });
        }
      },
      async () => {
        await vi.waitFor(async () =>
          expect((await h.services.cases.get(windowOfficer, caseId)).value.stageClosedAt).toBeDefined(),
        );
        await relayIdle(h.services.deps);
      },
    );
    const all = [...inRequest.calls, ...after];
    const count = (name: WriteName) => all.filter((c) => c === name).length;
    const waits = 1 + items.length; // acceptance, then one per item
    expect(count('putTaskToken')).toBe(waits);
    expect((await h.store.pendingTaskTokens(caseId)).map((t) => t.status)).toEqual(
      Array.from({ length: waits }, () => 'pending'),
    );
    // human actions: submit, accept, one decision per item; the workflow's one: closing the stage
    expect(count('commit')).toBe(2 + items.length + 1);
    expect(count('rescheduleOutbox')).toBe(0);
  });

  it('concurrent decisions share group transactions: fewer fsyncs than decisions', async () => {
    const h = makeHarness();
    harnesses.push(h);
    const c = await reviewing(h);
    const m = meter(h);
    const { inRequest } = await m.during(
      () =>
        Promise.all(
          c.items.map((item, i) =>
            h.services.cases.decideItem(
              withKey(reviewer(item.department), `k-${i}`),
              c.id,
              item.code,
              undefined,
              { outcome: 'approve' },
            ),
          ),
        ),
      async () => {
        await vi.waitFor(async () =>
          expect((await h.services.cases.get(windowOfficer, c.id)).value.stageClosedAt).toBeDefined(),
        );
        await relayIdle(h.services.deps);
      },
    );
    const commits = inRequest.calls.filter((n) => n === 'commit').length;
    // item decisions on one case race for its version: the losers retry on the fresh case
    expect(commits).toBeGreaterThanOrEqual(c.items.length);
    expect(inRequest.transactions).toBeLessThan(commits);
    const decided = (await h.services.cases.get(windowOfficer, c.id)).value;
    expect(decided.items.every((i) => i.decision?.outcome === 'approve')).toBe(true);
  });
});

/**
 * 3. Store writes and state transitions per case: one full 15-item case (submit, accept, every item
 * approved, stage closed by the workflow, feedback) driven through the services directly, with a
 * counting proxy around the SQLite store and the states entered read from the local workflow.
 * Repeated BENCH_STORE_CASES times (default 3) to show the figures are stable.
 */
import { join } from 'node:path';
import { FileBlobStore } from '../shared/adapters/blobs/file-blob-store.js';
import { LocalEventBus } from '../shared/adapters/local-bus/local-event-bus.js';
import { LocalWorkflowEngine } from '../shared/adapters/local-workflow/local-workflow.js';
import { HttpPeerDirectory } from '../shared/adapters/peers/http-peer-directory.js';
import { loadOrCreateLocalSigner } from '../shared/adapters/signing/local-signer.js';
import { SqliteStore } from '../shared/adapters/sqlite/sqlite-store.js';
import { systemClock, timeSortableIds } from '../shared/adapters/system/system-clock.js';
import type { Change, IdempotencyRecord, Store } from '../shared/ports/store.js';
import { createServices, type Services } from '../shared/services/index.js';
import {
  actors,
  admittedProjects,
  BENCH_STAGE,
  benchItems,
  benchMaterials,
  benchProvince,
  block,
  ctxOf,
  envInt,
  sleep,
  tempDir,
} from './lib.js';

const READS = [
  'get',
  'getMany',
  'query',
  'audit',
  'getIdempotency',
  'getTaskToken',
  'pendingTaskTokens',
] as const;

class Counts {
  commits = 0;
  changes = 0;
  auditEvents = 0;
  indexEntries = 0;
  idempotencyRecords = 0;
  taskTokenPuts = 0;
  taskTokenSettles = 0;
  reads: Record<string, number> = Object.fromEntries(READS.map((r) => [r, 0]));
  commitsByKind: Record<string, number> = {};
  eventTypes: string[] = [];

  get writes() {
    return this.commits + this.taskTokenPuts + this.taskTokenSettles;
  }
  get totalReads() {
    return Object.values(this.reads).reduce((a, b) => a + b, 0);
  }
}

/** A Store that counts what passes through it and forwards everything to the real one. */
function countingStore(inner: Store, counts: () => Counts): Store {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      const name = String(prop);
      return (...args: unknown[]) => {
        const c = counts();
        if (name === 'commit') {
          const [changes, idem] = args as [Change[], IdempotencyRecord | undefined];
          c.commits += 1;
          c.changes += changes.length;
          for (const ch of changes) {
            c.auditEvents += ch.events.length;
            c.indexEntries += ch.indexes.length;
            c.commitsByKind[ch.kind] = (c.commitsByKind[ch.kind] ?? 0) + 1;
            c.eventTypes.push(...ch.events.map((e) => e.type));
          }
          if (idem) c.idempotencyRecords += 1;
        } else if (name === 'putTaskToken') c.taskTokenPuts += 1;
        else if (name === 'settleTaskToken') c.taskTokenSettles += 1;
        else if (name in c.reads) c.reads[name]! += 1;
        return fn.apply(target, args);
      };
    },
  });
}

export interface StoreWritesResult {
  cases: number;
  items: number;
  /** per case, averaged over the runs */
  writes: number;
  commits: number;
  auditEvents: number;
  indexEntries: number;
  reads: number;
  statesEntered: number;
}

async function waitFor(what: string, done: () => boolean) {
  const deadline = Date.now() + 30_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(1);
  }
}

export async function storeWrites(): Promise<StoreWritesResult> {
  const runs = Math.max(1, envInt('BENCH_STORE_CASES', 3));
  const province = benchProvince();
  const items = benchItems(province);
  const materials = benchMaterials(province);
  const dir = tempDir('gc-bench-store-');
  const real = SqliteStore.open(join(dir.path, 'store.db'));
  let counts = new Counts();
  const store = countingStore(real, () => counts);
  const signer = await loadOrCreateLocalSigner(join(dir.path, 'result-signing-key.pem'));
  let services: Services | undefined;
  const workflow = new LocalWorkflowEngine({
    tasks: { handle: (r) => services!.workflowTasks.handle(r) },
    onError: (caseId, err) => console.error(`workflow ${caseId} failed`, err),
  });
  services = createServices({
    province,
    store,
    workflow,
    events: new LocalEventBus(),
    clock: systemClock,
    ids: timeSortableIds,
    signer,
    blobs: new FileBlobStore(join(dir.path, 'blobs')),
    peers: new HttpPeerDirectory(province.code, signer, () => undefined),
  });
  const perCase: { counts: Counts; states: string[] }[] = [];
  try {
    const projects = await admittedProjects(services, runs);
    for (const projectId of projects) {
      counts = new Counts(); // project registration and admission are not part of the case
      const c = await services.cases.submit(ctxOf(actors.applicant), {
        projectId,
        stage: BENCH_STAGE,
        materials,
      });
      // Wait for each human step to be registered, so the count follows the usual path (the token
      // is waiting when the decision arrives) rather than a race with the workflow.
      await waitFor('AwaitAcceptance', () => workflow.waitingCount() === 1);
      await services.cases.actOnAcceptance(ctxOf(actors.window), c.value.id, c.version, {
        outcome: 'accept',
      });
      await waitFor('item steps', () => workflow.waitingCount() === items.length);
      for (const item of items) {
        await services.cases.decideItem(
          ctxOf(actors.reviewer(item.department)),
          c.value.id,
          item.code,
          undefined,
          {
            outcome: 'approve',
          },
        );
      }
      await workflow.whenIdle(c.value.id);
      const closed = await services.cases.get(ctxOf(actors.applicant), c.value.id);
      if (!closed.value.stageClosedAt) throw new Error(`case ${c.value.id} was not closed`);
      await services.cases.feedback(ctxOf(actors.applicant), c.value.id, { satisfaction: 5 });
      perCase.push({ counts, states: workflow.visitedStates(c.value.id) });
    }
  } finally {
    await workflow.stop();
    await real.close();
    dir.remove();
  }

  const mean = (f: (x: { counts: Counts; states: string[] }) => number) =>
    perCase.reduce((a, x) => a + f(x), 0) / perCase.length;
  const spread = (f: (x: { counts: Counts; states: string[] }) => number) => {
    const values = perCase.map(f);
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const m = mean(f);
    const shown = Number.isInteger(m) ? String(m) : m.toFixed(1);
    return lo === hi ? shown : `${shown} (${lo}–${hi})`;
  };
  const first = perCase[0]!;
  const stateCounts = new Map<string, number>();
  for (const s of first.states) stateCounts.set(s, (stateCounts.get(s) ?? 0) + 1);
  const eventCounts = new Map<string, number>();
  for (const e of first.counts.eventTypes) eventCounts.set(e, (eventCounts.get(e) ?? 0) + 1);
  const fmtCounts = (m: Map<string, number>) => [...m].map(([k, v]) => (v > 1 ? `${k}×${v}` : k)).join(', ');

  block(`3. Store writes and state transitions per ${items.length}-item case (services, counting store)`, [
    ['cases measured', `${runs} (submit → accept → ${items.length} approvals → stage closed → feedback)`],
    [
      'store writes / case',
      `${spread((x) => x.counts.writes)} = ${spread((x) => x.counts.commits)} commits + ${spread((x) => x.counts.taskTokenPuts)} task-token puts + ${spread((x) => x.counts.taskTokenSettles)} task-token settles`,
    ],
    ['  changes in commits', spread((x) => x.counts.changes)],
    ['  audit events', spread((x) => x.counts.auditEvents)],
    [
      '  index entries declared',
      `${spread((x) => x.counts.indexEntries)} (full set per change; the store replaces it)`,
    ],
    ['  idempotency records', spread((x) => x.counts.idempotencyRecords)],
    ['store reads / case', spread((x) => x.counts.totalReads)],
    ...READS.map((r): [string, string] => [`  ${r}`, spread((x) => x.counts.reads[r]!)]),
    ['states entered / case', spread((x) => x.states.length)],
    ['  states', fmtCounts(stateCounts)],
    ['  audit event types', fmtCounts(eventCounts)],
  ]);
  return {
    cases: runs,
    items: items.length,
    writes: mean((x) => x.counts.writes),
    commits: mean((x) => x.counts.commits),
    auditEvents: mean((x) => x.counts.auditEvents),
    indexEntries: mean((x) => x.counts.indexEntries),
    reads: mean((x) => x.counts.totalReads),
    statesEntered: mean((x) => x.states.length),
  };
}

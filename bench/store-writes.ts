/**
 * 3. Store writes and state transitions per case: one full 15-item case (submit, accept, every item
 * approved, stage closed by the workflow, feedback, the outbox relayed) driven through the services
 * directly with the idempotency intents HTTP requests would carry, with a counting proxy around the
 * store and the states entered read from the local workflow. Run on SQLite and on DynamoDB Local
 * (skipped with the reason printed when it cannot start); on DynamoDB the client's write calls are
 * counted too and their write units estimated from item sizes (dynamodb-meter.ts), priced at the
 * China (Beijing/Ningxia) on-demand list price. Repeated BENCH_STORE_CASES times (default 3).
 */
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FileBlobStore } from '../shared/adapters/blobs/file-blob-store.js';
import { createTableInput, DynamoDbStore } from '../shared/adapters/dynamodb/dynamodb-store.js';
import { LocalEventBus } from '../shared/adapters/local-bus/local-event-bus.js';
import { LocalWorkflowEngine } from '../shared/adapters/local-workflow/local-workflow.js';
import { HttpPeerDirectory } from '../shared/adapters/peers/http-peer-directory.js';
import { loadOrCreateLocalSigner } from '../shared/adapters/signing/local-signer.js';
import { SqliteStore } from '../shared/adapters/sqlite/sqlite-store.js';
import { systemClock, timeSortableIds } from '../shared/adapters/system/system-clock.js';
import type { Change, IdempotencyRecord, OutboxMessage, Store } from '../shared/ports/store.js';
import { createServices, type Services } from '../shared/services/index.js';
import { relayIdle } from '../shared/services/unit-of-work.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal } from '../test/support/dynamodb-local.js';
import { WriteMeter } from './dynamodb-meter.js';
import {
  actors,
  admittedProjects,
  approveEveryItem,
  BENCH_STAGE,
  benchItems,
  benchMaterials,
  benchProvince,
  block,
  ctxOf,
  envInt,
  idemCtx,
  num,
  sleep,
  table,
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
  /** SQLite only: group transactions (fsyncs) the case took, relay deletes included */
  sqliteTransactions = 0;
  outboxWrites = 0;
  outboxDeleteCalls = 0;
  outboxDeleted = 0;
  outboxReschedules = 0;
  reads: Record<string, number> = Object.fromEntries(READS.map((r) => [r, 0]));
  commitsByKind: Record<string, number> = {};
  eventTypes: string[] = [];

  /** write calls to the store: commits, token puts and settles, outbox deletes and reschedules */
  get writes() {
    return this.commits + this.taskTokenPuts + this.outboxDeleteCalls + this.outboxReschedules;
  }
  /** rows/items the commits carry: changed aggregates, audit events, idempotency records, outbox */
  get itemsInCommits() {
    return this.changes + this.auditEvents + this.idempotencyRecords + this.outboxWrites;
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
          const [changes, idem, outbox] = args as [
            Change[],
            IdempotencyRecord | undefined,
            OutboxMessage[] | undefined,
          ];
          c.outboxWrites += outbox?.length ?? 0;
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
        else if (name === 'deleteOutbox') {
          c.outboxDeleteCalls += 1;
          c.outboxDeleted += (args[0] as string[]).length;
        } else if (name === 'rescheduleOutbox') c.outboxReschedules += 1;
        else if (name in c.reads) c.reads[name]! += 1;
        return fn.apply(target, args);
      };
    },
  });
}

/** China (Beijing/Ningxia) on-demand list price of DynamoDB write request units, Standard table class. */
export const WRU_YUAN_PER_MILLION = Number(process.env.BENCH_WRU_YUAN_PER_MILLION ?? '11.1538');
const PRICE_SOURCE = 'amazonaws.cn/en/dynamodb/pricing, on-demand, Standard table class';

const PHASES = ['submit', 'accept', 'decisions', 'feedback'] as const;
type Phase = (typeof PHASES)[number];

interface MeterSnapshot {
  calls: Record<string, number>;
  items: number;
  itemsByOp: Record<string, number>;
  tableUnits: number;
  indexUnits: number;
  reportedUnits: number;
  unitsByCommand: Record<string, { estimated: number; reported: number }>;
  maxItemBytes: number;
}

interface CaseRun {
  counts: Counts;
  states: string[];
  /** DynamoDB only: what the client wrote, per phase of the case */
  meter?: Record<Phase, MeterSnapshot>;
}

export interface StoreRunResult {
  store: 'SQLite' | 'DynamoDB Local';
  cases: number;
  /** per case, averaged over the runs */
  writes: number;
  commits: number;
  itemsInCommits: number;
  taskTokenPuts: number;
  sqliteTransactions: number;
  outboxWrites: number;
  outboxDeleteCalls: number;
  auditEvents: number;
  indexEntries: number;
  reads: number;
  statesEntered: number;
  dynamo?: {
    calls: number;
    callsByCommand: Record<string, number>;
    items: number;
    units: number;
    tableUnits: number;
    indexUnits: number;
    reportedUnits: number;
    unitsPerDecision: number;
    yuanPerCase: number;
    perPhase: Record<Phase, number>;
  };
}

export interface StoreWritesResult {
  cases: number;
  items: number;
  sqlite: StoreRunResult;
  dynamo?: StoreRunResult;
  dynamoSkipped?: string;
  /** compatibility with the summary: SQLite figures */
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

const snapshot = (m: WriteMeter): MeterSnapshot => ({
  calls: { ...m.calls },
  items: m.items,
  itemsByOp: { ...m.itemsByOp },
  tableUnits: m.tableUnits,
  indexUnits: m.indexUnits,
  reportedUnits: m.reportedUnits,
  unitsByCommand: structuredClone(m.unitsByCommand),
  maxItemBytes: Math.max(0, ...m.sizes),
});

/** Runs `runs` full cases on `real`, counting what reaches the store (and the client, with a meter). */
async function runCases(
  real: Store,
  dir: string,
  runs: number,
  meter: WriteMeter | undefined,
): Promise<CaseRun[]> {
  const province = benchProvince();
  const items = benchItems(province);
  const materials = benchMaterials(province);
  let counts = new Counts();
  const store = countingStore(real, () => counts);
  const signer = await loadOrCreateLocalSigner(join(dir, 'result-signing-key.pem'));
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
    blobs: new FileBlobStore(join(dir, 'blobs')),
    peers: new HttpPeerDirectory(province.code, signer, () => undefined),
  });
  const deps = services.deps;
  const perCase: CaseRun[] = [];
  try {
    const projects = await admittedProjects(services, runs);
    for (const [n, projectId] of projects.entries()) {
      await relayIdle(deps);
      counts = new Counts(); // project registration and admission are not part of the case
      const tx0 = real instanceof SqliteStore ? real.writeTransactions : 0;
      const phases: Partial<Record<Phase, MeterSnapshot>> = {};
      const phase = async (name: Phase, run: () => Promise<void>) => {
        meter?.reset();
        if (meter) meter.counting = true;
        await run();
        await relayIdle(deps);
        if (meter) {
          meter.counting = false;
          phases[name] = snapshot(meter);
        }
      };
      const submitBody = { projectId, stage: BENCH_STAGE, materials };
      let caseId = '';
      let version = 0;
      await phase('submit', async () => {
        const c = await services.cases.submit(
          idemCtx(actors.applicant, 'POST', '/cases', `bench-store-submit-${n}`, submitBody),
          submitBody,
        );
        caseId = c.value.id;
        version = c.version;
        // Wait for each human step to be registered, so the count follows the usual path (the token
        // is waiting when the decision arrives) rather than a race with the workflow.
        await waitFor('AwaitAcceptance', () => workflow.waitingCount() === 1);
      });
      await phase('accept', async () => {
        await services.cases.actOnAcceptance(ctxOf(actors.window), caseId, version, { outcome: 'accept' });
        await waitFor('item steps', () => workflow.waitingCount() === items.length);
      });
      await phase('decisions', async () => {
        await approveEveryItem(services, caseId, items, `bench-store-${n}`);
        await workflow.whenIdle(caseId);
      });
      const closed = await services.cases.get(ctxOf(actors.applicant), caseId);
      if (!closed.value.stageClosedAt) throw new Error(`case ${caseId} was not closed`);
      await phase('feedback', async () => {
        const body = { satisfaction: 5 as const };
        await services.cases.feedback(
          idemCtx(actors.applicant, 'POST', `/cases/${caseId}/feedback`, `bench-store-fb-${n}`, body),
          caseId,
          body,
        );
      });
      if (real instanceof SqliteStore) counts.sqliteTransactions = real.writeTransactions - tx0;
      perCase.push({
        counts,
        states: workflow.visitedStates(caseId),
        ...(meter ? { meter: phases as Record<Phase, MeterSnapshot> } : {}),
      });
    }
  } finally {
    await workflow.stop();
    await relayIdle(deps);
  }
  return perCase;
}

const sumPhases = (m: Record<Phase, MeterSnapshot>, f: (s: MeterSnapshot) => number) =>
  PHASES.reduce((a, p) => a + f(m[p]), 0);

function summarise(label: StoreRunResult['store'], perCase: CaseRun[], items: number): StoreRunResult {
  const mean = (f: (x: CaseRun) => number) => perCase.reduce((a, x) => a + f(x), 0) / perCase.length;
  const result: StoreRunResult = {
    store: label,
    cases: perCase.length,
    writes: mean((x) => x.counts.writes),
    commits: mean((x) => x.counts.commits),
    itemsInCommits: mean((x) => x.counts.itemsInCommits),
    taskTokenPuts: mean((x) => x.counts.taskTokenPuts),
    sqliteTransactions: mean((x) => x.counts.sqliteTransactions),
    outboxWrites: mean((x) => x.counts.outboxWrites),
    outboxDeleteCalls: mean((x) => x.counts.outboxDeleteCalls),
    auditEvents: mean((x) => x.counts.auditEvents),
    indexEntries: mean((x) => x.counts.indexEntries),
    reads: mean((x) => x.counts.totalReads),
    statesEntered: mean((x) => x.states.length),
  };
  if (perCase.every((x) => x.meter)) {
    const m = (x: CaseRun) => x.meter!;
    const callsByCommand: Record<string, number> = {};
    for (const x of perCase) {
      for (const p of PHASES) {
        for (const [k, v] of Object.entries(m(x)[p].calls)) {
          const name = k.replace(/Command$/, '');
          callsByCommand[name] = (callsByCommand[name] ?? 0) + v / perCase.length;
        }
      }
    }
    const units = mean((x) => sumPhases(m(x), (s) => s.tableUnits + s.indexUnits));
    result.dynamo = {
      calls: Object.values(callsByCommand).reduce((a, b) => a + b, 0),
      callsByCommand,
      items: mean((x) => sumPhases(m(x), (s) => s.items)),
      units,
      tableUnits: mean((x) => sumPhases(m(x), (s) => s.tableUnits)),
      indexUnits: mean((x) => sumPhases(m(x), (s) => s.indexUnits)),
      reportedUnits: mean((x) => sumPhases(m(x), (s) => s.reportedUnits)),
      unitsPerDecision: mean((x) => m(x).decisions.tableUnits + m(x).decisions.indexUnits) / items,
      yuanPerCase: (units * WRU_YUAN_PER_MILLION) / 1_000_000,
      perPhase: Object.fromEntries(
        PHASES.map((p) => [p, mean((x) => m(x)[p].tableUnits + m(x)[p].indexUnits)]),
      ) as Record<Phase, number>,
    };
  }
  return result;
}

async function onDynamoDb(runs: number, dir: string): Promise<{ perCase?: CaseRun[]; skipped?: string }> {
  let local: Awaited<ReturnType<typeof startDynamoDbLocal>>;
  try {
    local = await startDynamoDbLocal();
  } catch (error) {
    return { skipped: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
  const options = { endpoint: local.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const client = new DynamoDBClient(options);
  const reader = new DynamoDBClient(options);
  try {
    const tableName = 'green-channel-bench';
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    const meter = new WriteMeter();
    meter.install(client, reader, tableName);
    const store = new DynamoDbStore({ client, tableName });
    return { perCase: await runCases(store, dir, runs, meter) };
  } finally {
    client.destroy();
    reader.destroy();
    await local.stop();
  }
}

export async function storeWrites(): Promise<StoreWritesResult> {
  const runs = Math.max(1, envInt('BENCH_STORE_CASES', 3));
  const items = benchItems(benchProvince()).length;
  const dir = tempDir('gc-bench-store-');
  let sqliteCases: CaseRun[];
  let dynamo: { perCase?: CaseRun[]; skipped?: string };
  try {
    const real = SqliteStore.open(join(dir.path, 'store.db'));
    try {
      sqliteCases = await runCases(real, join(dir.path, 'sqlite'), runs, undefined);
    } finally {
      await real.close();
    }
    dynamo =
      process.env.BENCH_STORE_DYNAMODB === '0'
        ? { skipped: 'BENCH_STORE_DYNAMODB=0' }
        : await onDynamoDb(runs, join(dir.path, 'dynamodb'));
  } finally {
    dir.remove();
  }

  const spread = (perCase: CaseRun[], f: (x: CaseRun) => number) => {
    const values = perCase.map(f);
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    const shown = Number.isInteger(m) ? String(m) : m.toFixed(1);
    return lo === hi ? shown : `${shown} (${lo}–${hi})`;
  };
  const first = sqliteCases[0]!;
  const stateCounts = new Map<string, number>();
  for (const s of first.states) stateCounts.set(s, (stateCounts.get(s) ?? 0) + 1);
  const eventCounts = new Map<string, number>();
  for (const e of first.counts.eventTypes) eventCounts.set(e, (eventCounts.get(e) ?? 0) + 1);
  const fmtCounts = (m: Map<string, number>) => [...m].map(([k, v]) => (v > 1 ? `${k}×${v}` : k)).join(', ');

  const stores: [string, CaseRun[]][] = [['SQLite', sqliteCases]];
  if (dynamo.perCase) stores.push(['DynamoDB Local', dynamo.perCase]);
  block(`3. Store writes and state transitions per ${items}-item case (services, counting store)`, [
    ['cases measured', `${runs} per store (submit → accept → ${items} approvals → stage closed → feedback)`],
    ['requests', 'submit, decisions and feedback carry an idempotency key (as over HTTP); outbox relayed'],
    [
      'human actions / case',
      `${items + 3}: submit, accept, ${items} decisions, feedback (the workflow commits the stage close)`,
    ],
    ['states entered / case', spread(sqliteCases, (x) => x.states.length)],
    ['  states', fmtCounts(stateCounts)],
    ['  audit event types', fmtCounts(eventCounts)],
    ...(dynamo.skipped ? [['DynamoDB Local', `skipped: ${dynamo.skipped}`] as [string, string]] : []),
  ]);
  const row = (label: string, f: (x: CaseRun) => number) => [label, ...stores.map(([, p]) => spread(p, f))];
  table(
    ['per case (store port)', ...stores.map(([n]) => n)],
    [
      row('store write calls', (x) => x.counts.writes),
      row('  commits (transactions)', (x) => x.counts.commits),
      [
        '  SQLite group transactions',
        spread(sqliteCases, (x) => x.counts.sqliteTransactions),
        ...(dynamo.perCase ? ['—'] : []),
      ],
      row('  task-token puts', (x) => x.counts.taskTokenPuts),
      row('  outbox delete calls', (x) => x.counts.outboxDeleteCalls),
      row('  outbox reschedules', (x) => x.counts.outboxReschedules),
      row('items in commits', (x) => x.counts.itemsInCommits),
      row('  aggregates changed', (x) => x.counts.changes),
      row('  audit events', (x) => x.counts.auditEvents),
      row('  idempotency records', (x) => x.counts.idempotencyRecords),
      row('  outbox messages written', (x) => x.counts.outboxWrites),
      row('outbox messages deleted', (x) => x.counts.outboxDeleted),
      row('index entries declared', (x) => x.counts.indexEntries),
      row('store reads', (x) => x.counts.totalReads),
      ...READS.map((r) => row(`  ${r}`, (x) => x.counts.reads[r]!)),
    ],
  );

  const sqlite = summarise('SQLite', sqliteCases, items);
  const dyn = dynamo.perCase ? summarise('DynamoDB Local', dynamo.perCase, items) : undefined;
  if (dyn?.dynamo && dynamo.perCase) {
    const d = dyn.dynamo;
    const perCase = dynamo.perCase;
    console.log('');
    block('   DynamoDB write calls and write units per case (client meter on DynamoDB Local)', [
      [
        'write calls',
        `${num(d.calls, 1)}: ${Object.entries(d.callsByCommand)
          .map(([k, v]) => `${k} ${num(v, 1)}`)
          .join(', ')}`,
      ],
      ['items written', `${num(d.items, 1)} (${fmtOps(perCase)})`],
      [
        'write units (estimate)',
        `${num(d.units, 0)} = table ${num(d.tableUnits, 0)} (transactional ×2) + index gsi1 ${num(d.indexUnits, 0)}`,
      ],
      ['  by phase', PHASES.map((p) => `${p} ${num(d.perPhase[p], 0)}`).join(', ')],
      [
        '  per decision',
        `${num(d.unitsPerDecision, 1)} (decisions phase ÷ ${items}; includes the stage close)`,
      ],
      [
        '  largest item written',
        `${num(Math.max(...perCase.flatMap((x) => PHASES.map((p) => x.meter![p].maxItemBytes))) / 1024, 1)} KB`,
      ],
      ['DynamoDB Local reported', `${num(d.reportedUnits, 0)} capacity units (ReturnConsumedCapacity TOTAL)`],
      ['  estimate / reported', fmtUnitsByCommand(perCase)],
      [
        '¥ per case (writes only)',
        `¥${d.yuanPerCase.toFixed(4)} at ¥${WRU_YUAN_PER_MILLION} per million write request units (${PRICE_SOURCE})`,
      ],
    ]);
  }
  return {
    cases: runs,
    items,
    sqlite,
    ...(dyn ? { dynamo: dyn } : {}),
    ...(dynamo.skipped ? { dynamoSkipped: dynamo.skipped } : {}),
    writes: sqlite.writes,
    commits: sqlite.commits,
    auditEvents: sqlite.auditEvents,
    indexEntries: sqlite.indexEntries,
    reads: sqlite.reads,
    statesEntered: sqlite.statesEntered,
  };
}

function fmtOps(perCase: CaseRun[]): string {
  const ops: Record<string, number> = {};
  for (const x of perCase)
    for (const p of PHASES)
      for (const [k, v] of Object.entries(x.meter![p].itemsByOp)) ops[k] = (ops[k] ?? 0) + v / perCase.length;
  return Object.entries(ops)
    .map(([k, v]) => `${k} ${num(v, 1)}`)
    .join(', ');
}

function fmtUnitsByCommand(perCase: CaseRun[]): string {
  const by: Record<string, { estimated: number; reported: number }> = {};
  for (const x of perCase)
    for (const p of PHASES)
      for (const [k, v] of Object.entries(x.meter![p].unitsByCommand)) {
        const t = by[k] ?? { estimated: 0, reported: 0 };
        by[k] = t;
        t.estimated += v.estimated / perCase.length;
        t.reported += v.reported / perCase.length;
      }
  return Object.entries(by)
    .map(([k, v]) => `${k} ${num(v.estimated, 0)} / ${num(v.reported, 0)}`)
    .join(', ');
}

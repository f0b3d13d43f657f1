/**
 * 5. The deadline sweeper at scale: the cost of `services.sweep()` should follow the cases that are
 * due today, not all open cases. Stores of BENCH_SWEEP_OPEN (default 100,000) open stage cases with a
 * BENCH_SWEEP_DUE_SHARE (default 0.01) due, beside BENCH_SWEEP_SMALL (default 10,000) open cases with
 * the same share due and, as the control that separates the two explanations, BENCH_SWEEP_SMALL open
 * cases with as many due as the large store (same due work, a tenth of the open cases).
 *
 * Populating through the services would take far too long, so the cases are built with the domain
 * functions (createStageCase, accept) and written straight into a SqliteStore in batches of
 * BENCH_SWEEP_BATCH (default 500) changes per commit, each with the index entries of the real
 * `caseIndexes` function: the `due` index is what the services would write. Due cases have an item
 * whose yellow or red date has come and nothing announced yet; the others are fresh (green) or were
 * announced yellow already with red still ahead, as a previous sweep would have left them. Each store
 * is then swept twice through the services with a fixed clock: the first sweep is measured, the second
 * should find nothing due. Store reads are counted through a proxy. Nothing here asserts on time.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { FileBlobStore } from '../shared/adapters/blobs/file-blob-store.js';
import { LocalEventBus } from '../shared/adapters/local-bus/local-event-bus.js';
import { LocalWorkflowEngine } from '../shared/adapters/local-workflow/local-workflow.js';
import { HttpPeerDirectory } from '../shared/adapters/peers/http-peer-directory.js';
import { loadOrCreateLocalSigner } from '../shared/adapters/signing/local-signer.js';
import { SqliteStore } from '../shared/adapters/sqlite/sqlite-store.js';
import { timeSortableIds } from '../shared/adapters/system/system-clock.js';
import type { ProvinceConfig } from '../shared/config/province-config.js';
import { jiangsu } from '../shared/config/provinces/jiangsu.js';
import { addCalendarDays, WorkingCalendar } from '../shared/domain/calendar.js';
import type { IsoDate, MaterialRef, Project, Stage, StageCase } from '../shared/domain/model.js';
import { itemProgress } from '../shared/domain/progress.js';
import { accept, createStageCase, preReview, selectItems } from '../shared/domain/stage-case.js';
import type { Clock } from '../shared/ports/runtime.js';
import type { Change, Store } from '../shared/ports/store.js';
import { caseIndexes } from '../shared/services/case-indexes.js';
import { createServices, type Services } from '../shared/services/index.js';
import { relayIdle } from '../shared/services/unit-of-work.js';
import { block, envInt, ms, num, tempDir } from './lib.js';

/** A Wednesday in an ordinary stretch of working days; the sweeps run on this date. */
const TODAY: IsoDate = '2026-03-25';

function envShare(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new Error(`${name} must be a number in [0, 1], got ${raw}`);
  return n;
}

// ── counting store ────────────────────────────────────────────────────────────────────────────────

const READS = ['get', 'getMany', 'query', 'audit'] as const;
type Read = (typeof READS)[number];

class Counts {
  calls: Record<Read, number> = { get: 0, getMany: 0, query: 0, audit: 0 };
  rows: Record<Read, number> = { get: 0, getMany: 0, query: 0, audit: 0 };
  commits = 0;
  changes = 0;
  outboxReads = 0;
  outboxDeletes = 0;
  /** time spent inside the store (better-sqlite3 is synchronous, so the call's own time) */
  readMs = 0;
  commitMs = 0;
  outboxMs = 0;

  get readCalls() {
    return READS.reduce((a, r) => a + this.calls[r], 0);
  }
  get readRows() {
    return READS.reduce((a, r) => a + this.rows[r], 0);
  }
}

/** Rows a read returned: a found document, the documents, the index hits or the audit events. */
function rowsOf(name: Read, result: unknown): number {
  if (name === 'get') return result === undefined ? 0 : 1;
  if (name === 'query') return (result as { items: unknown[] }).items.length;
  return (result as unknown[]).length;
}

/** A Store that counts reads (calls and rows returned) and commits, forwarding everything. */
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
          c.commits += 1;
          c.changes += (args[0] as Change[]).length;
        } else if (name === 'dueOutbox') c.outboxReads += 1;
        else if (name === 'deleteOutbox') c.outboxDeletes += 1;
        const started = performance.now();
        const result = fn.apply(target, args);
        const took = performance.now() - started;
        if (name === 'commit') c.commitMs += took;
        else if (name.endsWith('Outbox')) c.outboxMs += took;
        else if ((READS as readonly string[]).includes(name)) c.readMs += took;
        if (!(READS as readonly string[]).includes(name)) return result;
        const read = name as Read;
        c.calls[read] += 1;
        return (result as Promise<unknown>).then((r) => {
          c.rows[read] += rowsOf(read, r);
          return r;
        });
      };
    },
  });
}

// ── realistic open cases ──────────────────────────────────────────────────────────────────────────

/** Stage applications of different shapes: the stage's required items plus some optional ones. */
const SHAPES: { stage: Stage; optional: string[] }[] = [
  { stage: 'projectApproval', optional: [] },
  { stage: 'projectApproval', optional: ['investmentApproval'] },
  { stage: 'projectApproval', optional: ['enterpriseProjectVerification', 'eiaReportFormApproval'] },
  { stage: 'worksPermit', optional: [] },
  { stage: 'worksPermit', optional: ['waterAbstractionPermit'] },
  { stage: 'constructionPermit', optional: [] },
  { stage: 'constructionPermit', optional: ['fireDesignReview'] },
  { stage: 'completionAcceptance', optional: ['fireAcceptance'] },
];

const OFFICER = { id: 'bench-window-1', name: '王敏' };
const ORG = { creditCode: '91320000134768398', name: '江苏交通控股有限公司' };

const hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** The working days up to today, newest first: W[0] is today, W[k] k working days earlier. */
function workingDaysBack(cal: WorkingCalendar, today: IsoDate, count: number): IsoDate[] {
  const days: IsoDate[] = [];
  for (let d = today; days.length < count; d = addCalendarDays(d, -1)) {
    if (cal.isWorkingDay(d)) days.push(d);
  }
  return days;
}

interface Builder {
  /** one open case, accepted on working day W[k], with its complete index entries */
  build(n: number, shape: number, k: number, announced: boolean): { value: StageCase; change: Change };
  /** per shape, the acceptance offsets k that make a case due today (nothing announced) */
  dueOffsets: number[][];
  /** per shape, the offsets at which a case is not due today (yellow announced, no red yet) */
  laterOffsets: number[][];
}

function caseBuilder(province: ProvinceConfig, cal: WorkingCalendar, today: IsoDate): Builder {
  const W = workingDaysBack(cal, today, 60);
  const shapes = SHAPES.map((s) => {
    const items = selectItems(province, s.stage, s.optional);
    const materialCodes = [...new Set(items.flatMap((i) => i.materials))];
    return { ...s, items, materialCodes };
  });

  const build = (n: number, shape: number, k: number, announced: boolean) => {
    const s = shapes[shape]!;
    const day = W[k]!;
    const minute = String(n % 60).padStart(2, '0');
    const submittedAt = `${day}T01:${minute}:00.000Z`;
    const acceptedAt = `${day}T03:${minute}:00.000Z`;
    const id = `C-bench${n.toString(36).padStart(6, '0')}-${hex(`case/${n}`).slice(0, 8)}`;
    const projectNo = String(n).padStart(6, '0');
    const project: Project = {
      id: `P-bench${n.toString(36).padStart(6, '0')}`,
      province: province.code,
      projectCode: `2026-320000-48-01-${projectNo}`,
      name: `基准巡检项目${projectNo}`,
      owner: ORG,
      category: 'provincialKey',
      location: { city: '南京市' },
      investmentWan: 50_000,
      governmentInvested: true,
      partnerProvinces: [],
      admission: { status: 'admitted', priority: 1 },
      createdAt: submittedAt,
      createdBy: `bench-applicant-${ORG.creditCode}`,
    };
    const materials: MaterialRef[] = s.materialCodes.map((code) => ({
      code,
      sha256: hex(`${id}/${code}`),
      fileName: `${code}.pdf`,
      submittedAt,
    }));
    const submitted = createStageCase({
      id,
      province,
      project,
      stage: s.stage,
      items: s.items,
      materials,
      findings: preReview(province, s.items, materials),
      submittedBy: `bench-applicant-${ORG.creditCode}`,
      now: submittedAt,
      today: day,
      cal,
    });
    let value = accept(
      submitted,
      { outcome: 'accept' },
      {
        province,
        officer: { ...OFFICER, unit: province.windowUnit },
        now: acceptedAt,
        today: day,
        cal,
        applicantCreditMarks: 0,
      },
    );
    if (announced) {
      // what an earlier sweep left: every lamp already turned is recorded as announced
      value = {
        ...value,
        items: value.items.map((item) => {
          const lamp = itemProgress(cal, item, today, province.lamps).lamp;
          return lamp === 'green' ? item : { ...item, lampNotified: lamp };
        }),
      };
    }
    const change: Change = {
      kind: 'stageCase',
      id,
      expectedVersion: 0,
      value,
      indexes: caseIndexes(cal, value, today, province.lamps),
      events: [
        {
          type: 'CaseSubmitted',
          actor: value.submittedBy,
          at: submittedAt,
          data: { stage: s.stage, items: s.items.map((i) => i.code) },
        },
        { type: 'CaseAccepted', actor: OFFICER.id, at: acceptedAt, data: { round: 1 } },
      ],
    };
    return { value, change };
  };

  const dueOffsets: number[][] = [];
  const laterOffsets: number[][] = [];
  shapes.forEach((_, shape) => {
    const due: number[] = [];
    const later: number[] = [];
    for (let k = 0; k < W.length - 1; k++) {
      if (isDue(build(0, shape, k, false).change, today)) due.push(k);
      const announced = build(0, shape, k, true);
      const red = announced.value.items.some((i) => i.lampNotified === 'red');
      if (!red && !isDue(announced.change, today)) later.push(k);
    }
    // the first ten due offsets: a mix of items just turned yellow and items gone red
    dueOffsets.push(due.slice(0, 10));
    laterOffsets.push(later);
    if (due.length === 0 || later.length === 0) {
      throw new Error(`shape ${shape} (${shapes[shape]!.stage}) has no due or no later acceptance date`);
    }
  });
  return { build, dueOffsets, laterOffsets };
}

function dueDateOf(change: Change): IsoDate | undefined {
  return change.indexes.find((e) => e.index === 'due')?.sort.slice(0, 10);
}
function isDue(change: Change, today: IsoDate): boolean {
  const d = dueDateOf(change);
  return d !== undefined && d <= today;
}

interface Populated {
  open: number;
  due: number;
  caseItems: number;
  indexEntries: number;
  commits: number;
  ms: number;
  bytes: number;
}

/** Writes `open` cases, `due` of them spread evenly, in batches of one commit each. */
async function populate(
  store: SqliteStore,
  builder: Builder,
  open: number,
  due: number,
  batch: number,
  today: IsoDate,
): Promise<Populated> {
  const started = performance.now();
  let dueWritten = 0;
  let caseItems = 0;
  let indexEntries = 0;
  let commits = 0;
  let bytes = 0;
  let changes: Change[] = [];
  for (let n = 0; n < open; n++) {
    // Bresenham: exactly `due` of the `open` cases, evenly spread over the shapes and ids
    const wantDue = Math.floor(((n + 1) * due) / open) > Math.floor((n * due) / open);
    // Due cases take shapes and dates by their own count, so stores with the same number due get the
    // same due work whatever their size (by n, a 1% share would only ever pick two of the shapes).
    const ordinal = wantDue ? dueWritten : n;
    const shape = ordinal % SHAPES.length;
    const offsets = wantDue ? builder.dueOffsets[shape]! : builder.laterOffsets[shape]!;
    const k = offsets[Math.floor(ordinal / SHAPES.length) % offsets.length]!;
    const { value, change } = builder.build(n, shape, k, !wantDue);
    if (isDue(change, today) !== wantDue) throw new Error(`case ${n} came out ${wantDue ? 'not ' : ''}due`);
    if (wantDue) dueWritten += 1;
    caseItems += value.items.length;
    indexEntries += change.indexes.length;
    if (n < 1000) bytes += JSON.stringify(value).length;
    changes.push(change);
    if (changes.length >= batch || n === open - 1) {
      await store.commit(changes);
      commits += 1;
      changes = [];
    }
  }
  return {
    open,
    due: dueWritten,
    caseItems,
    indexEntries,
    commits,
    ms: performance.now() - started,
    bytes: open > 0 ? bytes / Math.min(open, 1000) : 0,
  };
}

// ── one store: populate, sweep twice ──────────────────────────────────────────────────────────────

interface SweepFigures {
  wallMs: number;
  counts: Counts;
  examined: number;
  changed: number;
  lampChanges: number;
  /** present in reports of sweepers that escalate and notify */
  escalations?: number;
  notifications?: number;
}

export interface SweepRun {
  label: string;
  populated: Populated;
  first: SweepFigures;
  relayMs: number;
  relayCounts: Counts;
  second: SweepFigures;
}

async function sweepOnce(services: Services, setCounts: (c: Counts) => void): Promise<SweepFigures> {
  const counts = new Counts();
  setCounts(counts);
  const started = performance.now();
  const report = await services.sweep();
  const wallMs = performance.now() - started;
  const extra = report as { escalations?: unknown[]; notifications?: number };
  return {
    wallMs,
    counts,
    examined: report.examined,
    changed: report.changed,
    lampChanges: report.lampChanges.length,
    ...(Array.isArray(extra.escalations) ? { escalations: extra.escalations.length } : {}),
    ...(typeof extra.notifications === 'number' ? { notifications: extra.notifications } : {}),
  };
}

async function runOne(
  label: string,
  province: ProvinceConfig,
  builder: Builder,
  open: number,
  due: number,
  batch: number,
): Promise<SweepRun> {
  const dir = tempDir('gc-bench-sweep-');
  const real = SqliteStore.open(join(dir.path, 'store.db'));
  let counts = new Counts();
  const store = countingStore(real, () => counts);
  let services: Services | undefined;
  const workflow = new LocalWorkflowEngine({
    tasks: { handle: (r) => services!.workflowTasks.handle(r) },
    onError: (caseId, err) => console.error(`workflow ${caseId} failed`, err),
  });
  try {
    const populated = await populate(real, builder, open, due, batch, TODAY);
    const signer = await loadOrCreateLocalSigner(join(dir.path, 'result-signing-key.pem'));
    const instant = new Date(`${TODAY}T04:00:00Z`); // noon in Shanghai
    const clock: Clock = { now: () => new Date(instant) };
    services = createServices({
      province,
      store,
      workflow,
      events: new LocalEventBus(),
      clock,
      ids: timeSortableIds,
      signer,
      blobs: new FileBlobStore(join(dir.path, 'blobs')),
      peers: new HttpPeerDirectory(province.code, signer, () => undefined),
    });
    const first = await sweepOnce(services, (c) => {
      counts = c;
    });
    // The commits kicked the outbox relay in the background; let it finish before the second sweep.
    const relayCounts = new Counts();
    counts = relayCounts;
    const relayStarted = performance.now();
    await relayIdle(services.deps);
    const relayMs = performance.now() - relayStarted;
    const second = await sweepOnce(services, (c) => {
      counts = c;
    });
    await relayIdle(services.deps);
    return { label, populated, first, relayMs, relayCounts, second };
  } finally {
    await workflow.stop();
    await real.close();
    dir.remove();
  }
}

// ── the benchmark ─────────────────────────────────────────────────────────────────────────────────

export interface SweepResult {
  small: SweepRun;
  control: SweepRun | undefined;
  large: SweepRun;
}

const readsLine = (c: Counts) =>
  `${c.readCalls} calls / ${c.readRows} rows (${READS.map((r) => `${r} ${c.calls[r]}/${c.rows[r]}`).join(', ')})`;

function printRun(title: string, run: SweepRun): void {
  const p = run.populated;
  const f = run.first;
  const s = run.second;
  const perDue = (v: number) => (f.examined > 0 ? num(v / f.examined, 2) : 'n/a');
  const extras = (x: SweepFigures) =>
    [
      `${x.examined} examined, ${x.changed} changed, ${x.lampChanges} lamp changes`,
      x.escalations !== undefined ? `${x.escalations} escalations` : '',
      x.notifications !== undefined ? `${x.notifications} notifications` : '',
    ]
      .filter(Boolean)
      .join(', ');
  block(title, [
    [
      'populated',
      `${p.open} open cases (${p.due} due today), ${p.caseItems} case items, ${p.indexEntries} index entries, ${p.commits} commits`,
    ],
    [
      '  setup rate',
      `${num(p.open / (p.ms / 1000), 0)} cases/s, ${num(p.caseItems / (p.ms / 1000), 0)} case items/s (${ms(p.ms)}; ~${num(p.bytes / 1024, 1)} KiB JSON per case)`,
    ],
    ['first sweep', `${ms(f.wallMs)}; ${extras(f)}`],
    ['  store reads', readsLine(f.counts)],
    ['  per due case', `${perDue(f.counts.readCalls)} read calls, ${perDue(f.counts.readRows)} rows`],
    ['  store writes', `${f.counts.commits} commits, ${f.counts.changes} changes`],
    [
      '  time in the store',
      `commits ${ms(f.counts.commitMs)} (${ms(f.counts.commits > 0 ? f.counts.commitMs / f.counts.commits : Number.NaN)} each), reads ${ms(f.counts.readMs)}, outbox relay ${ms(f.counts.outboxMs)}; the rest ${ms(f.wallMs - f.counts.commitMs - f.counts.readMs - f.counts.outboxMs)}`,
    ],
    [
      '  outbox relay after',
      `${ms(run.relayMs)} to drain; during the sweep ${f.counts.outboxReads} dueOutbox reads and ${f.counts.outboxDeletes} messages published (${ms(f.counts.outboxDeletes > 0 ? f.counts.outboxMs / f.counts.outboxDeletes : Number.NaN)} each), after ${run.relayCounts.outboxReads} and ${run.relayCounts.outboxDeletes}`,
    ],
    ['second sweep', `${ms(s.wallMs)}; ${extras(s)}`],
    ['  store reads', readsLine(s.counts)],
    ['  store writes', `${s.counts.commits} commits, ${s.counts.changes} changes`],
  ]);
}

export async function sweepBench(): Promise<SweepResult> {
  const largeOpen = envInt('BENCH_SWEEP_OPEN', 100_000);
  const smallOpen = envInt('BENCH_SWEEP_SMALL', 10_000);
  const share = envShare('BENCH_SWEEP_DUE_SHARE', 0.01);
  const batch = Math.max(1, envInt('BENCH_SWEEP_BATCH', 500));
  const largeDue = Math.round(largeOpen * share);
  const smallDue = Math.round(smallOpen * share);

  const province = jiangsu;
  const cal = WorkingCalendar.fromChineseDays();
  const builder = caseBuilder(province, cal, TODAY);

  // warm-up (not reported): the code paths compile before anything is measured
  await runOne('warm-up', province, builder, 2_000, 200, batch);

  const small = await runOne(`${smallOpen} open`, province, builder, smallOpen, smallDue, batch);
  printRun(`5a. Sweep of ${smallOpen} open cases, ${smallDue} due (${province.code}, ${TODAY})`, small);
  let control: SweepRun | undefined;
  if (largeDue <= smallOpen && largeDue !== smallDue) {
    control = await runOne(`${smallOpen} open (control)`, province, builder, smallOpen, largeDue, batch);
    printRun(`5b. Control: ${smallOpen} open cases, ${largeDue} due (as many due as 5c)`, control);
  }
  const large = await runOne(`${largeOpen} open`, province, builder, largeOpen, largeDue, batch);
  printRun(`5c. Sweep of ${largeOpen} open cases, ${largeDue} due (${province.code}, ${TODAY})`, large);

  const ratio = (a: number, b: number) => (b > 0 ? `${num(a / b, 2)}×` : 'n/a');
  const own = (r: SweepRun) => r.first.wallMs - r.first.counts.outboxMs;
  const compare = (a: SweepRun, b: SweepRun) =>
    `open ${ratio(a.populated.open, b.populated.open)}, due ${ratio(a.populated.due, b.populated.due)} → wall ${ratio(a.first.wallMs, b.first.wallMs)} (${ratio(own(a), own(b))} without the relay), read calls ${ratio(a.first.counts.readCalls, b.first.counts.readCalls)}, rows ${ratio(a.first.counts.readRows, b.first.counts.readRows)}`;
  const rows: [string, string][] = [['5c / 5a', compare(large, small)]];
  if (control) {
    rows.push(['5c / 5b (same due)', compare(large, control)]);
    rows.push(['5b / 5a (same open)', compare(control, small)]);
  }
  block('5. Sweep cost ratios (first sweeps)', rows);
  return { small, control, large };
}

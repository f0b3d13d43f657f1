/**
 * 6. 月通报 over a month with BENCH_BULLETIN_CASES (default 10,000) stage cases decided in it: how
 * long `services.reports.monthlyBulletin` takes from the store (cold, then the median of 5 warm
 * runs), what it reads (calls and rows, through a counting proxy), how much of the time is the
 * store and how much the pure computation, the memory it takes, the rows it produces, and how long
 * the CSV and printable HTML renderings take. The weekly dispatch list over the same store is timed
 * too.
 *
 * Populating through the services would take far too long, so the cases are built with the real
 * domain transitions (createStageCase, accept, decideItem, giveFeedback) and written straight into
 * a SqliteStore in batches, each with the index entries of the real `caseIndexes` function — the
 * report index lists are exactly what the services would have written. The cases spread over all
 * four stages of the Jiangsu catalogue with their optional items (every department and item can
 * appear); about 80% closed in the month, 12% still under review with some items decided in it, 5%
 * closed early the next month, 3% accepted late the month before; one decision in eight is late
 * (up to 5 working days past the promised limit), one in thirty rejected; 70% of the closed cases
 * rated 3–5. Nothing here asserts on time.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FileBlobStore } from '../shared/adapters/blobs/file-blob-store.js';
import { LocalEventBus } from '../shared/adapters/local-bus/local-event-bus.js';
import { LocalWorkflowEngine } from '../shared/adapters/local-workflow/local-workflow.js';
import { HttpPeerDirectory } from '../shared/adapters/peers/http-peer-directory.js';
import { loadOrCreateLocalSigner } from '../shared/adapters/signing/local-signer.js';
import { SqliteStore } from '../shared/adapters/sqlite/sqlite-store.js';
import { timeSortableIds } from '../shared/adapters/system/system-clock.js';
import type { ProvinceConfig } from '../shared/config/province-config.js';
import { jiangsu } from '../shared/config/provinces/jiangsu.js';
import { addCalendarDays, shanghaiDate, WorkingCalendar } from '../shared/domain/calendar.js';
import type { IsoDate, MaterialRef, Project, Stage, StageCase } from '../shared/domain/model.js';
import { itemProgress } from '../shared/domain/progress.js';
import { decidedItemsIn, monthlyBulletin } from '../shared/domain/reports.js';
import {
  accept,
  createStageCase,
  decideItem,
  giveFeedback,
  preReview,
  selectItems,
  signOffRefusal,
} from '../shared/domain/stage-case.js';
import type { Change, Store } from '../shared/ports/store.js';
import { renderReport } from '../shared/render/report.js';
import { caseIndexes } from '../shared/services/case-indexes.js';
import type { Ctx } from '../shared/services/context.js';
import { createServices, type Services } from '../shared/services/index.js';
import { block, envInt, ms, num, ORG, stats, tempDir } from './lib.js';

/** The month reported on and the day the report is asked for (a Thursday early the next month). */
const MONTH = '2026-10';
const REPORT_DAY: IsoDate = '2026-11-05';
const BATCH = 500;
const supervisor: Ctx = { actor: { id: 'bench-supervisor', name: '专项工作组', role: 'supervisor' } };
const hex = (s: string) => createHash('sha256').update(s).digest('hex');
/** Shanghai office hours: 09:00 + minutes, as UTC. */
const at = (d: IsoDate, minute = 0) =>
  `${d}T${String(1 + Math.floor((minute % 420) / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00.000Z`;

/** A deterministic uniform number in [0, 1) for case n and a salt (splitmix32). */
function rand(n: number, salt: number): number {
  let x = (Math.imul(n + 1, 0x9e3779b9) ^ Math.imul(salt + 1, 0x85ebca6b)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x21f0d3b5) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97) >>> 0;
  return ((x ^ (x >>> 15)) >>> 0) / 2 ** 32;
}
const pick = (n: number, salt: number, count: number) => Math.floor(rand(n, salt) * count);

/** Stages by weight; each optional item of the stage is chosen with the given probability. */
const STAGES: { stage: Stage; weight: number }[] = [
  { stage: 'projectApproval', weight: 0.3 },
  { stage: 'worksPermit', weight: 0.25 },
  { stage: 'constructionPermit', weight: 0.25 },
  { stage: 'completionAcceptance', weight: 0.2 },
];
const OPTIONAL_SHARE = 0.35;
/** 审批 or 核准: one of the two at most */
const EXCLUSIVE = ['investmentApproval', 'enterpriseProjectVerification'];

type Kind = 'closed' | 'underReview' | 'closedNextMonth' | 'acceptedBefore';

/** What was built, to compare with what the report counts. */
interface Expected {
  kinds: Record<Kind, number>;
  caseItems: number;
  decidedInMonth: number;
  lateInMonth: number;
  rated: number;
  indexEntries: number;
}

interface Builder {
  build(n: number, expected: Expected): StageCase;
}

function caseBuilder(province: ProvinceConfig, cal: WorkingCalendar): Builder {
  // working days from August to November; the month's are W[first..last]
  const W: IsoDate[] = [];
  for (let d: IsoDate = '2026-08-01'; d < '2026-12-01'; d = addCalendarDays(d, 1))
    if (cal.isWorkingDay(d)) W.push(d);
  const first = W.findIndex((d) => d.startsWith(MONTH));
  const last = W.findLastIndex((d) => d.startsWith(MONTH));
  const reportIdx = W.findLastIndex((d) => d <= REPORT_DAY);
  const stages = STAGES.map((s) => {
    const cfg = province.stages.find((x) => x.stage === s.stage)!;
    return { ...s, optional: cfg.items.filter((i) => !i.required).map((i) => i.code) };
  });

  return {
    build(n, expected) {
      const r = rand(n, 1);
      let acc = 0;
      const s =
        stages.find((x) => {
          acc += x.weight;
          return r < acc;
        }) ?? stages[stages.length - 1]!;
      const exclusive = rand(n, 2);
      const chosen = s.optional.filter((code, i) =>
        EXCLUSIVE.includes(code)
          ? code === (exclusive < 0.4 ? EXCLUSIVE[0] : exclusive < 0.7 ? EXCLUSIVE[1] : '')
          : rand(n, 10 + i) < OPTIONAL_SHARE,
      );
      const items = selectItems(province, s.stage, chosen);
      const k = rand(n, 3);
      const kind: Kind =
        k < 0.8 ? 'closed' : k < 0.92 ? 'underReview' : k < 0.97 ? 'closedNextMonth' : 'acceptedBefore';
      expected.kinds[kind] += 1;

      // working days each item takes from acceptance: mostly within its promised limit, 1 in 8 late
      const used = items.map((item, i) =>
        rand(n, 30 + i) < 0.125
          ? item.promisedDays + 1 + pick(n, 50 + i, 5)
          : 1 + pick(n, 50 + i, item.promisedDays),
      );
      const longest = Math.max(...used);
      // the working day of the last decision, and the acceptance day it implies
      const lastIdx =
        kind === 'closedNextMonth'
          ? last + 1 + pick(n, 4, reportIdx - last)
          : first + pick(n, 4, last - first + 1);
      let acceptIdx = lastIdx - longest;
      if (kind === 'acceptedBefore') acceptIdx = Math.min(acceptIdx, first - 1 - pick(n, 5, 5));
      if (kind === 'closedNextMonth') acceptIdx = Math.min(acceptIdx, last - 3);
      const acceptedOn = W[acceptIdx]!;
      const decidedIdx = used.map((u) => {
        const i = acceptIdx + u;
        // the case closes the next month with its last item; the rest were decided in the month
        if (kind === 'closedNextMonth') return u === longest ? Math.max(i, last + 1) : Math.min(i, last);
        return Math.min(i, lastIdx);
      });
      // under review: the one or two slowest items are still undecided
      const open = new Set<number>();
      if (kind === 'underReview') {
        const order = items.map((_, i) => i).sort((a, b) => used[b]! - used[a]!);
        for (const i of order.slice(0, items.length > 2 && rand(n, 6) < 0.4 ? 2 : 1)) open.add(i);
      }

      const id = `C-bulletin${n.toString(36).padStart(6, '0')}-${hex(`bulletin/${n}`).slice(0, 6)}`;
      const projectNo = String(n).padStart(6, '0');
      const project: Project = {
        id: `P-bulletin${n.toString(36).padStart(6, '0')}`,
        province: province.code,
        projectCode: `2026-320000-48-01-${projectNo}`,
        name: `通报基准项目${projectNo}`,
        owner: ORG,
        category: 'provincialKey',
        location: { city: '南京市' },
        investmentWan: 10_000 + pick(n, 7, 200_000),
        governmentInvested: rand(n, 8) < 0.6,
        partnerProvinces: [],
        admission: { status: 'admitted', priority: 1 },
        createdAt: at(acceptedOn),
        createdBy: `bench-applicant-${ORG.creditCode}`,
      };
      const materials: MaterialRef[] = [...new Set(items.flatMap((i) => i.materials))].map((code) => ({
        code,
        sha256: hex(`${id}/${code}`),
        fileName: `${code}.pdf`,
        submittedAt: at(acceptedOn),
      }));
      let c = createStageCase({
        id,
        province,
        project,
        stage: s.stage,
        items,
        materials,
        findings: preReview(province, items, materials),
        submittedBy: `bench-applicant-${ORG.creditCode}`,
        now: at(acceptedOn),
        today: acceptedOn,
        cal,
      });
      c = accept(
        c,
        { outcome: 'accept' },
        {
          province,
          officer: { id: 'bench-window-1', name: '王敏', unit: province.windowUnit },
          now: at(acceptedOn, 30),
          today: acceptedOn,
          cal,
          applicantCreditMarks: 0,
        },
      );
      // decide in date order, so the case closes with its last decision
      const order = items.map((_, i) => i).sort((a, b) => decidedIdx[a]! - decidedIdx[b]! || a - b);
      for (const i of order) {
        if (open.has(i)) continue;
        const item = items[i]!;
        const decidedOn = W[decidedIdx[i]!]!;
        const reject = rand(n, 70 + i) < 1 / 30;
        c = decideItem(c, item.code, {
          outcome: reject ? 'reject' : 'approve',
          ...(reject ? { reasons: '不符合规划条件' } : {}),
          by: `bench-reviewer-${item.department}`,
          now: at(decidedOn, 60 + pick(n, 90 + i, 360)),
          resultNo: `苏审〔2026〕${projectNo}-${i + 1}`,
          resultHash: hex(`${id}/${item.code}/result`),
          deficiencyPolicy: province.deficiency.resultPolicy,
        });
        // 拒绝须上一级签发: the department lead signs the proposed refusal the same moment
        if (reject) {
          c = signOffRefusal(c, item.code, {
            action: 'sign',
            by: `bench-lead-${item.department}`,
            now: at(decidedOn, 60 + pick(n, 90 + i, 360)),
          });
        }
        if (decidedOn.startsWith(MONTH)) {
          expected.decidedInMonth += 1;
          // clamped decisions (the month before, the next month) used fewer days than drawn
          if (decidedIdx[i]! - acceptIdx > item.promisedDays) expected.lateInMonth += 1;
        }
      }
      if (c.closedAt && rand(n, 9) < 0.7) {
        const f = rand(n, 11);
        const satisfaction = f < 0.5 ? 5 : f < 0.85 ? 4 : 3;
        c = giveFeedback(c, { satisfaction, by: c.submittedBy, now: c.closedAt });
        if (c.items.some((i) => i.decision && shanghaiDate(i.decision.at).startsWith(MONTH)))
          expected.rated += 1;
      }
      if (!c.closedAt) {
        // what the sweeper would have announced by the report day
        c = {
          ...c,
          items: c.items.map((item) => {
            if (item.decision) return item;
            const lamp = itemProgress(cal, item, REPORT_DAY, province.lamps).lamp;
            return lamp === 'green' ? item : { ...item, lampNotified: lamp };
          }),
        };
      }
      expected.caseItems += items.length;
      return c;
    },
  };
}

// ── counting store ────────────────────────────────────────────────────────────────────────────────

const READS = ['get', 'getMany', 'query', 'audit'] as const;
type Read = (typeof READS)[number];

class Counts {
  calls: Record<Read, number> = { get: 0, getMany: 0, query: 0, audit: 0 };
  rows: Record<Read, number> = { get: 0, getMany: 0, query: 0, audit: 0 };
  /** time inside the store's reads, JSON parsing included */
  readMs = 0;
  writes = 0;
  /** highest heapUsed seen after a read returned */
  peakHeap = 0;
  get total() {
    return {
      calls: READS.reduce((a, r) => a + this.calls[r], 0),
      rows: READS.reduce((a, r) => a + this.rows[r], 0),
    };
  }
  line() {
    const t = this.total;
    return `${t.calls} calls / ${t.rows} rows (${READS.filter((r) => this.calls[r] > 0)
      .map((r) => `${r} ${this.calls[r]}/${this.rows[r]}`)
      .join(', ')}), ${ms(this.readMs)} in the store`;
  }
}

function rowsOf(name: Read, result: unknown): number {
  if (name === 'get') return result === undefined ? 0 : 1;
  if (name === 'query') return (result as { items: unknown[] }).items.length;
  return (result as unknown[]).length;
}

/** A Store that counts reads (calls, rows, time) and anything else called, forwarding everything. */
function countingStore(inner: Store, counts: () => Counts): Store {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      const name = String(prop);
      if (!(READS as readonly string[]).includes(name)) {
        return (...args: unknown[]) => {
          counts().writes += 1;
          return fn.apply(target, args);
        };
      }
      const read = name as Read;
      return async (...args: unknown[]) => {
        const c = counts();
        const started = performance.now();
        const result = await fn.apply(target, args);
        c.readMs += performance.now() - started;
        c.calls[read] += 1;
        c.rows[read] += rowsOf(read, result);
        c.peakHeap = Math.max(c.peakHeap, process.memoryUsage().heapUsed);
        return result;
      };
    },
  });
}

// ── the benchmark ─────────────────────────────────────────────────────────────────────────────────

export interface BulletinResult {
  cases: number;
  coldMs: number;
  warmMedianMs: number;
  reads: { calls: number; rows: number };
  readMs: number;
  /** the pure domain computation over the loaded cases, median of 5 */
  computeMs: number;
  departments: number;
  items: number;
  decidedItems: number;
  csvMs: number;
  csvBytes: number;
  htmlMs: number;
  htmlBytes: number;
  heapDeltaMb: number;
  rssMb: number;
  dispatch: { coldMs: number; warmMedianMs: number; reads: { calls: number; rows: number }; rows: number };
}

const mib = (bytes: number) => bytes / 2 ** 20;
/** A full collection before memory is measured (the flag only exposes `gc` to new contexts). */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

export async function bulletinBench(): Promise<BulletinResult> {
  const count = envInt('BENCH_BULLETIN_CASES', 10_000);
  const province = jiangsu;
  const cal = WorkingCalendar.fromChineseDays();
  const builder = caseBuilder(province, cal);
  const dir = tempDir('gc-bench-bulletin-');
  const real = SqliteStore.open(join(dir.path, 'store.db'));
  let counts = new Counts();
  const store = countingStore(real, () => counts);
  let services: Services | undefined;
  const workflow = new LocalWorkflowEngine({
    tasks: { handle: (r) => services!.workflowTasks.handle(r) },
    onError: (caseId, err) => console.error(`workflow ${caseId} failed`, err),
  });
  try {
    // ── populate (untimed setup)
    const expected: Expected = {
      kinds: { closed: 0, underReview: 0, closedNextMonth: 0, acceptedBefore: 0 },
      caseItems: 0,
      decidedInMonth: 0,
      lateInMonth: 0,
      rated: 0,
      indexEntries: 0,
    };
    const populateStarted = performance.now();
    let changes: Change[] = [];
    let jsonBytes = 0;
    for (let n = 0; n < count; n++) {
      const value = builder.build(n, expected);
      const indexes = caseIndexes(cal, value, REPORT_DAY, province.lamps);
      expected.indexEntries += indexes.length;
      if (n < 1000) jsonBytes += JSON.stringify(value).length;
      changes.push({ kind: 'stageCase', id: value.id, expectedVersion: 0, value, indexes, events: [] });
      if (changes.length >= BATCH || n === count - 1) {
        await real.commit(changes);
        changes = [];
      }
    }
    const populateMs = performance.now() - populateStarted;

    const signer = await loadOrCreateLocalSigner(join(dir.path, 'result-signing-key.pem'));
    services = createServices({
      province,
      store,
      workflow,
      events: new LocalEventBus(),
      clock: { now: () => new Date(`${REPORT_DAY}T04:00:00Z`) },
      ids: timeSortableIds,
      signer,
      blobs: new FileBlobStore(join(dir.path, 'blobs')),
      peers: new HttpPeerDirectory(province.code, signer, () => undefined),
    });

    // ── the bulletin: cold, then warm
    const gc = collector();
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = process.memoryUsage().rss;
    counts = new Counts();
    const cold = counts;
    let t = performance.now();
    const report = await services.reports.monthlyBulletin(supervisor, MONTH);
    const coldMs = performance.now() - t;
    const heapAfter = process.memoryUsage().heapUsed;
    const rssAfter = process.memoryUsage().rss;
    const peakHeap = Math.max(cold.peakHeap, heapAfter);
    gc();
    const heapRetained = process.memoryUsage().heapUsed;
    const warm: number[] = [];
    const warmCounts: Counts[] = [];
    for (let i = 0; i < 5; i++) {
      counts = new Counts();
      warmCounts.push(counts);
      t = performance.now();
      await services.reports.monthlyBulletin(supervisor, MONTH);
      warm.push(performance.now() - t);
    }
    const warmReadMs = stats(warmCounts.map((c) => c.readMs)).p50;

    // ── the pure computation over the same cases, loaded apart
    const ids: string[] = [];
    for (const key of [
      `stageCase:closedIn:${MONTH}`,
      'stageCase:closedIn:2026-11',
      'stageCase:underReview',
    ]) {
      let cursor: string | undefined;
      do {
        const page = await real.query('status', key, { limit: 1000, ...(cursor ? { cursor } : {}) });
        ids.push(...page.items.map((h) => h.id));
        cursor = page.cursor;
      } while (cursor);
    }
    const loaded: StageCase[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      loaded.push(...(await real.getMany<StageCase>('stageCase', ids.slice(i, i + 100))).map((v) => v.value));
    }
    const computeSamples: number[] = [];
    for (let i = 0; i < 5; i++) {
      t = performance.now();
      monthlyBulletin(loaded, MONTH, cal, province.departments, province.items);
      computeSamples.push(performance.now() - t);
    }
    const computeMs = stats(computeSamples).p50;
    // where it goes: finding the decided items, and the whole computation over half the cases
    const decidedSamples: number[] = [];
    const halfSamples: number[] = [];
    const half = loaded.slice(0, Math.ceil(loaded.length / 2));
    for (let i = 0; i < 5; i++) {
      t = performance.now();
      decidedItemsIn(loaded, MONTH, cal);
      decidedSamples.push(performance.now() - t);
      t = performance.now();
      monthlyBulletin(half, MONTH, cal, province.departments, province.items);
      halfSamples.push(performance.now() - t);
    }
    const decidedMs = stats(decidedSamples).p50;
    const halfMs = stats(halfSamples).p50;

    // ── rendering
    t = performance.now();
    const csv = renderReport(report, 'csv');
    const csvMs = performance.now() - t;
    t = performance.now();
    const html = renderReport(report, 'html');
    const htmlMs = performance.now() - t;
    const size = (body: unknown) =>
      typeof body === 'string' ? Buffer.byteLength(body) : (body as Uint8Array).byteLength;

    // ── the weekly dispatch list over the same store
    counts = new Counts();
    const dispatchCold = counts;
    t = performance.now();
    const dispatch = await services.reports.weeklyDispatch(supervisor, REPORT_DAY);
    const dispatchColdMs = performance.now() - t;
    const dispatchWarm: number[] = [];
    for (let i = 0; i < 5; i++) {
      counts = new Counts();
      t = performance.now();
      await services.reports.weeklyDispatch(supervisor, REPORT_DAY);
      dispatchWarm.push(performance.now() - t);
    }
    counts = new Counts();
    const peakRss = process.resourceUsage().maxRSS * 1024;

    const total = report.total;
    const result: BulletinResult = {
      cases: count,
      coldMs,
      warmMedianMs: stats(warm).p50,
      reads: cold.total,
      readMs: cold.readMs,
      computeMs,
      departments: report.byDepartment.length,
      items: report.byItem.length,
      decidedItems: total.decidedItems,
      csvMs,
      csvBytes: size(csv.body),
      htmlMs,
      htmlBytes: size(html.body),
      heapDeltaMb: mib(peakHeap - heapBefore),
      rssMb: mib(rssAfter),
      dispatch: {
        coldMs: dispatchColdMs,
        warmMedianMs: stats(dispatchWarm).p50,
        reads: dispatchCold.total,
        rows: dispatch.rows.length,
      },
    };

    const k = expected.kinds;
    const mismatch = (label: string, got: number, want: number) =>
      got === want ? `${got}` : `${got} — EXPECTED ${want} from what was written (${label})`;
    block(`6. 月通报 ${MONTH} over ${count} stage cases (${province.code}, asked on ${REPORT_DAY})`, [
      [
        'populated',
        `${count} cases: ${k.closed} closed in the month, ${k.underReview} under review, ${k.closedNextMonth} closed early next month, ${k.acceptedBefore} accepted the month before; ${expected.caseItems} case items, ${expected.indexEntries} index entries`,
      ],
      [
        '  setup',
        `${ms(populateMs)} (${num(count / (populateMs / 1000), 0)} cases/s, ~${num(jsonBytes / Math.min(count, 1000) / 1024, 1)} KiB JSON per case); untimed`,
      ],
      ['bulletin, cold', `${ms(coldMs)}`],
      ['  store reads', cold.line()],
      ['  store writes', `${cold.writes} (a report writes nothing)`],
      [
        'bulletin, warm',
        `median ${ms(result.warmMedianMs)} of 5 (min ${ms(Math.min(...warm))}, max ${ms(Math.max(...warm))}); store ${ms(warmReadMs)} of it`,
      ],
      [
        '  pure computation',
        `${ms(computeMs)} (domain monthlyBulletin over the ${loaded.length} loaded cases, median of 5); the rest of a warm run is the store`,
      ],
      [
        '    of which',
        `${ms(decidedMs)} finding the decided items, ${ms(computeMs - decidedMs)} grouping, rows and ranking; over half the cases ${ms(halfMs)} (${num(computeMs / halfMs, 2)}× for 2× the cases)`,
      ],
      [
        'memory',
        `heapUsed ${num(mib(heapBefore))} MiB before the cold run (after a GC), peak seen ${num(mib(peakHeap))} MiB (+${num(result.heapDeltaMb)}), ${num(mib(heapAfter))} MiB at its end, ${num(mib(heapRetained))} MiB retained after a GC; rss ${num(mib(rssBefore), 0)} → ${num(mib(rssAfter), 0)} MiB, process peak ${num(mib(peakRss), 0)} MiB (setup included)`,
      ],
      [
        'rows',
        `${result.departments} of ${province.departments.length} departments, ${result.items} of ${province.items.length} items`,
      ],
      ['  items decided', mismatch('decided in the month', total.decidedItems, expected.decidedInMonth)],
      ['  overdue', mismatch('late decisions in the month', total.overdue, expected.lateInMonth)],
      [
        '  on time / rated',
        `${num((total.onTimeRate ?? Number.NaN) * 100)}% on time, ${total.approved} approved, ${total.rejected} rejected; satisfaction ${num(total.satisfactionAvg ?? Number.NaN, 2)} over ${mismatch('rated cases', total.satisfactionCount, expected.rated)} cases; ${total.casesHandled} cases handled`,
      ],
      ['CSV', `${ms(csvMs)}, ${result.csvBytes} bytes`],
      ['printable HTML', `${ms(htmlMs)}, ${result.htmlBytes} bytes`],
      [
        'weekly dispatch',
        `cold ${ms(dispatchColdMs)}, warm median ${ms(result.dispatch.warmMedianMs)}; ${dispatch.rows.length} rows (${dispatch.red} red, ${dispatch.yellow} yellow)`,
      ],
      ['  store reads', dispatchCold.line()],
    ]);
    return result;
  } finally {
    await workflow.stop();
    await real.close();
    dir.remove();
  }
}

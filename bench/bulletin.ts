/**
 * 月通报 over a month with 10,000 decided stage cases: how long the bulletin takes to compute from
 * the store, what it reads, and how long CSV and printable HTML take to render. The cases are
 * built with the real domain transitions (submit, accept, decide, feedback) and written with their
 * real index entries, so the report reads exactly what the services would have written.
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
import type { IsoDate, MaterialRef, Project, StageCase } from '../shared/domain/model.js';
import {
  accept,
  createStageCase,
  decideItem,
  giveFeedback,
  preReview,
  selectItems,
} from '../shared/domain/stage-case.js';
import type { Change, Store } from '../shared/ports/store.js';
import { caseIndexes } from '../shared/services/case-indexes.js';
import type { Ctx } from '../shared/services/context.js';
import { createServices, type Services } from '../shared/services/index.js';
import { envInt, stats, tempDir } from './lib.js';

const MONTH = '2026-10';
const REPORT_DAY: IsoDate = '2026-11-05';
const ORG = { creditCode: '91320000134768398P', name: '江苏交通控股有限公司' };
const supervisor: Ctx = { actor: { id: 'bench-supervisor', name: '专项工作组', role: 'supervisor' } };
const hex = (s: string) => createHash('sha256').update(s).digest('hex');
const noonUtc = (d: IsoDate, minute = 0) => `${d}T04:${String(minute % 60).padStart(2, '0')}:00.000Z`;

const SHAPES = [
  { stage: 'projectApproval', optional: ['investmentApproval', 'eiaReportFormApproval'] },
  { stage: 'worksPermit', optional: ['waterAbstractionPermit'] },
  { stage: 'constructionPermit', optional: ['fireDesignReview'] },
  { stage: 'completionAcceptance', optional: ['fireAcceptance'] },
] as const;

/** Working days of the month (the 国庆 holiday excluded by the real calendar). */
function workingDaysOf(cal: WorkingCalendar, month: string): IsoDate[] {
  const days: IsoDate[] = [];
  for (let d = `${month}-01`; d.startsWith(month); d = addCalendarDays(d, 1))
    if (cal.isWorkingDay(d)) days.push(d);
  return days;
}

/** One case accepted early in the month, its items decided during it, some late, most rated. */
function buildCase(province: ProvinceConfig, cal: WorkingCalendar, days: IsoDate[], n: number): StageCase {
  const shape = SHAPES[n % SHAPES.length]!;
  const items = selectItems(province, shape.stage, [...shape.optional]);
  const acceptedOn = days[n % 5]!;
  const id = `C-bulletin${n.toString(36).padStart(6, '0')}`;
  const project: Project = {
    id: `P-bulletin${n}`,
    province: province.code,
    projectCode: `2026-320000-48-01-${String(n).padStart(6, '0')}`,
    name: `通报基准项目${n}`,
    owner: ORG,
    category: 'provincialKey',
    location: { city: '南京市' },
    investmentWan: 50_000,
    governmentInvested: true,
    partnerProvinces: [],
    admission: { status: 'admitted', priority: 1 },
    createdAt: noonUtc(acceptedOn),
    createdBy: 'bench',
  };
  const materials: MaterialRef[] = [...new Set(items.flatMap((i) => i.materials))].map((code) => ({
    code,
    sha256: hex(`${id}/${code}`),
    submittedAt: noonUtc(acceptedOn),
  }));
  let c = createStageCase({
    id,
    province,
    project,
    stage: shape.stage,
    items,
    materials,
    findings: preReview(province, items, materials),
    submittedBy: 'bench',
    now: noonUtc(acceptedOn),
    today: acceptedOn,
    cal,
  });
  c = accept(
    c,
    { outcome: 'accept' },
    {
      province,
      officer: { id: 'bench-window', name: '王敏', unit: province.windowUnit },
      now: noonUtc(acceptedOn, 30),
      today: acceptedOn,
      cal,
      applicantCreditMarks: 0,
    },
  );
  // a third of the cases keep their last item in review: decided items of open cases count too
  const undecided = n % 3 === 0 ? 1 : 0;
  c.items.slice(0, c.items.length - undecided).forEach((item, i) => {
    // mostly on time; every seventh decision lands a few days past its promised limit
    const used = (n + i) % 7 === 0 ? item.promisedDays + 3 : 1 + ((n + i) % Math.max(1, item.promisedDays));
    const decidedOn = cal.addWorkingDays(acceptedOn, used).date;
    const outcome = (n + i) % 23 === 0 ? 'reject' : 'approve';
    c = decideItem(c, item.code, {
      outcome,
      ...(outcome === 'reject' ? { reasons: '不符合规划条件' } : {}),
      by: `bench-reviewer-${item.department}`,
      now: noonUtc(decidedOn, i),
      resultNo: `JS2026-${id}-${i}`,
      resultHash: hex(`${id}/${item.code}`),
      deficiencyPolicy: province.deficiency.resultPolicy,
    });
  });
  if (c.closedAt && n % 10 < 7) {
    c = giveFeedback(c, { satisfaction: (3 + (n % 3)) as 3 | 4 | 5, by: 'bench', now: c.closedAt });
  }
  return c;
}

/** Counts store reads (calls and rows) without changing what they return. */
function countingStore(inner: Store, counts: { calls: number; rows: number }): Store {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (!['get', 'getMany', 'query', 'audit'].includes(String(prop))) return value.bind(target);
      return async (...args: unknown[]) => {
        const result = await value.apply(target, args);
        counts.calls += 1;
        counts.rows += Array.isArray(result)
          ? result.length
          : result && typeof result === 'object' && 'items' in result
            ? (result as { items: unknown[] }).items.length
            : result
              ? 1
              : 0;
        return result;
      };
    },
  });
}

export interface BulletinResult {
  cases: number;
  coldMs: number;
  warmMedianMs: number;
  reads: { calls: number; rows: number };
  departments: number;
  items: number;
  csvMs: number;
  csvBytes: number;
  htmlMs: number;
  htmlBytes: number;
  heapDeltaMb: number;
}

export async function bulletinBench(): Promise<BulletinResult> {
  const count = envInt('BENCH_BULLETIN_CASES', 10_000);
  const province = jiangsu;
  const cal = WorkingCalendar.fromChineseDays();
  const days = workingDaysOf(cal, MONTH);
  const dir = tempDir('gc-bench-bulletin-');
  const real = SqliteStore.open(join(dir.path, 'store.db'));
  try {
    const started = performance.now();
    let batch: Change[] = [];
    for (let n = 0; n < count; n++) {
      const value = buildCase(province, cal, days, n);
      batch.push({
        kind: 'stageCase',
        id: value.id,
        expectedVersion: 0,
        value,
        indexes: caseIndexes(cal, value, REPORT_DAY, province.lamps),
        events: [],
      });
      if (batch.length === 500 || n === count - 1) {
        await real.commit(batch);
        batch = [];
      }
    }
    const populateMs = performance.now() - started;

    const counts = { calls: 0, rows: 0 };
    const store = countingStore(real, counts);
    const signer = await loadOrCreateLocalSigner(join(dir.path, 'key.pem'));
    let services: Services | undefined;
    const workflow = new LocalWorkflowEngine({ tasks: { handle: (r) => services!.workflowTasks.handle(r) } });
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

    const heapBefore = process.memoryUsage().heapUsed;
    let t = performance.now();
    const report = await services.reports.monthlyBulletin(supervisor, MONTH);
    const coldMs = performance.now() - t;
    const heapDeltaMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    const reads = { ...counts };
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) {
      t = performance.now();
      await services.reports.monthlyBulletin(supervisor, MONTH);
      warm.push(performance.now() - t);
    }
    t = performance.now();
    const csv = services.reports.render(report, 'csv');
    const csvMs = performance.now() - t;
    t = performance.now();
    const html = services.reports.render(report, 'html');
    const htmlMs = performance.now() - t;
    await workflow.stop();

    const result: BulletinResult = {
      cases: count,
      coldMs,
      warmMedianMs: stats(warm).p50,
      reads,
      departments: report.byDepartment.length,
      items: report.byItem.length,
      csvMs,
      csvBytes: Buffer.byteLength(String(csv.body)),
      htmlMs,
      htmlBytes: Buffer.byteLength(String(html.body)),
      heapDeltaMb,
    };
    console.log(`\n── 月通报 over ${count} cases decided in ${MONTH} ${'─'.repeat(50)}`);
    console.log(
      `  populated                 ${count} cases in ${(populateMs / 1000).toFixed(1)} s (untimed setup)`,
    );
    console.log(
      `  bulletin, cold            ${coldMs.toFixed(1)} ms, ${reads.calls} store reads, ${reads.rows} rows`,
    );
    console.log(`  bulletin, warm (median)   ${result.warmMedianMs.toFixed(1)} ms over 5 runs`);
    console.log(`  rows                      ${result.departments} departments, ${result.items} items`);
    console.log(`  heap grown by             ${heapDeltaMb.toFixed(1)} MiB during the cold run`);
    console.log(`  CSV                       ${csvMs.toFixed(1)} ms, ${result.csvBytes} bytes`);
    console.log(`  printable HTML            ${htmlMs.toFixed(1)} ms, ${result.htmlBytes} bytes`);
    return result;
  } finally {
    await real.close();
    dir.remove();
  }
}

/**
 * 工作台 over BENCH_DASHBOARD_PROJECTS (default 500) admitted projects with BENCH_DASHBOARD_CASES
 * (default 10,000) stage cases among them: how long the dashboard (`services.dashboard.dashboard`)
 * takes from the store, cold and the median of 5 warm runs, and what it reads (calls and rows,
 * through a counting wrapper around the store); beside it, in the same run and interleaved round by
 * round, the baselines 周调度 alone (`services.reports.weeklyDispatch`) and 风险预警 alone
 * (`services.analytics.forecast`). Nothing printed is anything but what this run measured.
 *
 * The store is filled as in bench/map.ts (same builder): projects across 江苏's counties, cases built
 * with the real domain transitions and written with the real index entries; one case in ten is still
 * under review, accepted 1–40 working days before the report day (so some are late), the rest approved.
 */
import { join } from 'node:path';
import { FileBlobStore } from '../shared/adapters/blobs/file-blob-store.js';
import { LocalEventBus } from '../shared/adapters/local-bus/local-event-bus.js';
import { LocalWorkflowEngine } from '../shared/adapters/local-workflow/local-workflow.js';
import { HttpPeerDirectory } from '../shared/adapters/peers/http-peer-directory.js';
import { loadOrCreateLocalSigner } from '../shared/adapters/signing/local-signer.js';
import { SqliteStore } from '../shared/adapters/sqlite/sqlite-store.js';
import { timeSortableIds } from '../shared/adapters/system/system-clock.js';
import { divisionsOf } from '../shared/config/divisions.js';
import { jiangsu } from '../shared/config/provinces/jiangsu.js';
import { WorkingCalendar } from '../shared/domain/calendar.js';
import {
  type IsoDate,
  PROJECT_CATEGORIES,
  type Project,
  STAGES,
  type StageCase,
} from '../shared/domain/model.js';
import { accept, createStageCase, decideItem, preReview, selectItems } from '../shared/domain/stage-case.js';
import type { Change, Store } from '../shared/ports/store.js';
import { caseIndexes } from '../shared/services/case-indexes.js';
import type { Ctx } from '../shared/services/context.js';
import { createServices, type Services } from '../shared/services/index.js';
import { projectIndexes } from '../shared/services/projects.js';
import { block, envInt, ms, ORG, stats, tempDir } from './lib.js';

const REPORT_DAY: IsoDate = '2026-11-05';
const BATCH = 500;
const supervisor: Ctx = { actor: { id: 'bench-supervisor', name: '专项工作组', role: 'supervisor' } };
const at = (d: IsoDate, minute = 0) =>
  `${d}T${String(1 + Math.floor((minute % 420) / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00.000Z`;

class Counts {
  calls = 0;
  rows = 0;
  /** time inside the store's reads, JSON parsing included */
  readMs = 0;
  byOp: Record<string, number> = {};
  line() {
    const ops = Object.entries(this.byOp)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    return `${this.calls} calls / ${this.rows} rows (${ops}), ${ms(this.readMs)} in the store`;
  }
}

/** A Store that counts every read (calls and rows returned), forwarding everything. */
function countingStore(inner: Store, counts: () => Counts): Store {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      const name = String(prop);
      if (!['get', 'getMany', 'query', 'audit'].includes(name)) return fn.bind(target);
      return async (...args: unknown[]) => {
        const started = performance.now();
        const result = await fn.apply(target, args);
        const c = counts();
        c.readMs += performance.now() - started;
        c.calls += 1;
        c.byOp[name] = (c.byOp[name] ?? 0) + 1;
        c.rows +=
          name === 'get'
            ? result === undefined
              ? 0
              : 1
            : name === 'query'
              ? (result as { items: unknown[] }).items.length
              : (result as unknown[]).length;
        return result;
      };
    },
  });
}

export interface DashboardBenchResult {
  projects: number;
  cases: number;
  coldMs: number;
  warmMs: number;
  reads: Counts;
  dispatchColdMs: number;
  dispatchWarmMs: number;
  dispatchReads: Counts;
  forecastWarmMs: number;
  forecastReads: Counts;
}

export async function dashboardBench(): Promise<DashboardBenchResult> {
  const projectCount = envInt('BENCH_DASHBOARD_PROJECTS', 500);
  const caseCount = envInt('BENCH_DASHBOARD_CASES', 10_000);
  console.log(`\n── 工作台: dashboard over ${projectCount} projects and ${caseCount} cases ──`);
  const province = jiangsu;
  const cal = WorkingCalendar.fromChineseDays();
  const counties = divisionsOf(province.regionPrefix).filter((d) => d.level === 'county');
  const dir = tempDir('gc-bench-dashboard-');
  const real = SqliteStore.open(join(dir.path, 'store.db'));
  let counts = new Counts();
  const store = countingStore(real, () => counts);
  let services: Services | undefined;
  const workflow = new LocalWorkflowEngine({
    tasks: { handle: (r) => services!.workflowTasks.handle(r) },
    onError: (caseId, err) => console.error(`workflow ${caseId} failed`, err),
  });
  try {
    // ── populate (untimed)
    const projects: Project[] = [];
    let changes: Change[] = [];
    const flush = async (force = false) => {
      if (changes.length >= BATCH || (force && changes.length > 0)) {
        await real.commit(changes);
        changes = [];
      }
    };
    for (let p = 0; p < projectCount; p++) {
      const no = String(p).padStart(6, '0');
      const project: Project = {
        id: `2026-320000-48-01-${no}`,
        province: province.code,
        projectCode: `2026-320000-48-01-${no}`,
        name: `工作台基准项目${no}`,
        owner: ORG,
        category: PROJECT_CATEGORIES[p % PROJECT_CATEGORIES.length]!,
        location: { city: '江苏', divisionCode: counties[(p * 7) % counties.length]!.code },
        investmentWan: 5_000 + ((p * 7919) % 997) * 500,
        governmentInvested: p % 2 === 0,
        partnerProvinces: [],
        admission: { status: 'admitted', priority: 1 + (p % 3) },
        createdAt: at('2026-01-05'),
        createdBy: 'bench-applicant',
      };
      projects.push(project);
      changes.push({
        kind: 'project',
        id: project.id,
        expectedVersion: 0,
        value: project,
        indexes: projectIndexes(project),
        events: [],
      });
      await flush();
    }
    for (let n = 0; n < caseCount; n++) {
      const project = projects[n % projectCount]!;
      const round = Math.floor(n / projectCount);
      // project p has reached stage p % 4: its cases cycle through the stages up to that one
      const stage = STAGES[round % (((n % projectCount) % STAGES.length) + 1)]!;
      const items = selectItems(province, stage, []);
      const open = n % 10 === 0;
      const start = open
        ? cal.addWorkingDays('2026-09-01', 45 - (1 + (n % 40))).date
        : cal.addWorkingDays('2026-03-02', round * 3).date;
      const materials = [...new Set(items.flatMap((i) => i.materials))].map((code) => ({
        code,
        fileName: `${code}.pdf`,
        submittedAt: at(start),
      }));
      const id = `C-dash-${String(n).padStart(6, '0')}`;
      let c: StageCase = createStageCase({
        id,
        province,
        project,
        stage,
        items,
        materials,
        findings: preReview(province, items, materials),
        submittedBy: 'bench-applicant',
        now: at(start),
        today: start,
        cal,
      });
      c = accept(
        c,
        { outcome: 'accept' },
        {
          province,
          officer: { id: 'bench-window-1', name: '王敏', unit: province.windowUnit },
          now: at(start, 30),
          today: start,
          cal,
          applicantCreditMarks: 0,
        },
      );
      const decideOn = cal.addWorkingDays(start, 5).date;
      for (const [i, item] of c.items.entries()) {
        if (open && i === c.items.length - 1) break;
        c = decideItem(c, item.code, {
          outcome: 'approve',
          by: `bench-reviewer-${item.department}`,
          now: at(decideOn, 60 + i),
          resultNo: `苏审〔2026〕${n}-${i}`,
          resultHash: 'a'.repeat(64),
          deficiencyPolicy: province.deficiency.resultPolicy,
        });
      }
      changes.push({
        kind: 'stageCase',
        id,
        expectedVersion: 0,
        value: c,
        indexes: caseIndexes(cal, c, REPORT_DAY, province.lamps),
        events: [],
      });
      await flush();
    }
    await flush(true);

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
    const s = services;

    // ── cold: each read path once on a fresh service graph's first call, dashboard first
    const timed = async <T>(into: Counts, fn: () => Promise<T>): Promise<[T, number]> => {
      counts = into;
      const t = performance.now();
      const value = await fn();
      return [value, performance.now() - t];
    };
    const reads = new Counts();
    const [cold, coldMs] = await timed(reads, () => s.dashboard.dashboard(supervisor));
    const dispatchReads = new Counts();
    const [, dispatchColdMs] = await timed(dispatchReads, () => s.reports.weeklyDispatch(supervisor));
    const forecastReads = new Counts();
    await timed(forecastReads, () => s.analytics.forecast(supervisor));

    // ── warm, interleaved round by round so drift hits all three alike
    const warm: number[] = [];
    const dispatchWarm: number[] = [];
    const forecastWarm: number[] = [];
    for (let i = 0; i < 5; i++) {
      warm.push((await timed(new Counts(), () => s.dashboard.dashboard(supervisor)))[1]);
      dispatchWarm.push((await timed(new Counts(), () => s.reports.weeklyDispatch(supervisor)))[1]);
      forecastWarm.push((await timed(new Counts(), () => s.analytics.forecast(supervisor)))[1]);
    }

    const result: DashboardBenchResult = {
      projects: cold.projects.total,
      cases: caseCount,
      coldMs,
      warmMs: stats(warm).p50,
      reads,
      dispatchColdMs,
      dispatchWarmMs: stats(dispatchWarm).p50,
      dispatchReads,
      forecastWarmMs: stats(forecastWarm).p50,
      forecastReads,
    };
    const open = cold.departments.reduce((n, d) => n + d.open, 0);
    block('工作台 (dashboard)', [
      [
        'projects',
        `${result.projects} admitted: red ${cold.projects.red}, yellow ${cold.projects.yellow}, green ${cold.projects.green}`,
      ],
      ['cases', `${result.cases}, ${open} open items`],
      [
        'figures',
        `overdue ${cold.counts.overdueItems}, at risk ${cold.counts.atRiskItems}, forecast late ${cold.counts.forecastLate}, dispatch ${cold.dispatch.total} rows`,
      ],
      ['cold', ms(result.coldMs)],
      ['warm p50', `${ms(result.warmMs)} (5 runs)`],
      ['reads', reads.line()],
      [
        '周调度 alone',
        `cold ${ms(dispatchColdMs)}, warm p50 ${ms(result.dispatchWarmMs)}; ${dispatchReads.line()}`,
      ],
      ['风险预警 alone', `warm p50 ${ms(result.forecastWarmMs)}; ${forecastReads.line()}`],
    ]);
    return result;
  } finally {
    await workflow.stop();
    await real.close();
    dir.remove();
  }
}

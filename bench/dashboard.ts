/**
 * 工作台 over BENCH_DASHBOARD_PROJECTS (default 500) admitted projects with BENCH_DASHBOARD_CASES
 * (default 10,000) stage cases among them: how long the dashboard (`services.dashboard.dashboard`)
 * takes from the store, cold and the median of 5 warm runs, and what it reads (calls and rows,
 * through a counting wrapper around the store); beside it, in the same run and interleaved round by
 * round, the baselines 周调度 alone (`services.reports.weeklyDispatch`) and 风险预警 alone
 * (`services.analytics.forecast`). Nothing printed is anything but what this run measured.
 *
 * The store is the one bench/approval-fixture.ts fills (shared with 一张图): projects across 江苏's counties, cases built
 * with the real domain transitions and written with the real index entries; one case in ten is still
 * under review, accepted 1–40 working days before the report day (so some are late), the rest approved.
 */
import { approvalFixture, Counts, supervisor } from './approval-fixture.js';
import { block, envInt, ms, stats } from './lib.js';

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
  const f = await approvalFixture({ projectCount, caseCount, tag: 'dash', nameZh: '工作台基准项目' });
  const s = f.services;
  const _projects = f.projects;
  try {
    // ── cold: each read path once on a fresh service graph's first call, dashboard first
    const timed = async <T>(into: Counts, fn: () => Promise<T>): Promise<[T, number]> => {
      f.count(into);
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
    await f.close();
  }
}

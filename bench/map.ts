/**
 * 一张图 over BENCH_MAP_PROJECTS (default 500) admitted projects with BENCH_MAP_CASES (default
 * 10,000) stage cases among them: how long the province view (`services.approvalMap.provinceMap`)
 * takes from the store, cold and the median of 5 warm runs, unfiltered and filtered by stage, and
 * what it reads (calls and rows, through a counting wrapper around the store); the project view of
 * one project likewise. Nothing printed is anything but what this run measured.
 *
 * The store is the one bench/approval-fixture.ts fills (shared with the 工作台 benchmark).
 */
import { approvalFixture, Counts, supervisor } from './approval-fixture.js';
import { block, envInt, ms, num, stats } from './lib.js';

export interface MapBenchResult {
  projects: number;
  cases: number;
  placed: number;
  coldMs: number;
  warmMs: number;
  reads: Counts;
  filteredWarmMs: number;
  filteredRows: number;
  filteredReads: Counts;
  projectViewWarmMs: number;
  projectViewReads: Counts;
}

export async function mapBench(): Promise<MapBenchResult> {
  const projectCount = envInt('BENCH_MAP_PROJECTS', 500);
  const caseCount = envInt('BENCH_MAP_CASES', 10_000);
  console.log(`\n── 一张图: province view over ${projectCount} projects and ${caseCount} cases ──`);
  const f = await approvalFixture({ projectCount, caseCount, tag: 'map', nameZh: '一张图基准项目' });
  const s = f.services;
  const projects = f.projects;
  try {
    // ── the province view: cold, then 5 warm
    const reads = new Counts();
    f.count(reads);
    let t = performance.now();
    const cold = await s.approvalMap.provinceMap(supervisor, {});
    const coldMs = performance.now() - t;
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) {
      f.count(new Counts());
      t = performance.now();
      await s.approvalMap.provinceMap(supervisor, {});
      warm.push(performance.now() - t);
    }
    const filtered: number[] = [];
    let filteredRows = 0;
    const filteredReads = new Counts();
    for (let i = 0; i < 5; i++) {
      f.count(i === 0 ? filteredReads : new Counts());
      t = performance.now();
      filteredRows = (await s.approvalMap.provinceMap(supervisor, { stage: 'constructionPermit' })).projects
        .length;
      filtered.push(performance.now() - t);
    }
    const projectView: number[] = [];
    const projectViewReads = new Counts();
    for (let i = 0; i < 6; i++) {
      f.count(i === 0 ? projectViewReads : new Counts());
      t = performance.now();
      await s.approvalMap.projectMap(supervisor, projects[0]!.id);
      if (i > 0) projectView.push(performance.now() - t);
    }

    const result: MapBenchResult = {
      projects: cold.admitted,
      cases: caseCount,
      placed: cold.projects.filter((p) => p.tile).length,
      coldMs,
      warmMs: stats(warm).p50,
      reads,
      filteredWarmMs: stats(filtered).p50,
      filteredRows,
      filteredReads,
      projectViewWarmMs: stats(projectView).p50,
      projectViewReads,
    };
    const lamps = { green: 0, yellow: 0, red: 0 };
    for (const p of cold.projects) lamps[p.lamp] += 1;
    block('一张图 (province view)', [
      ['projects', `${result.projects} admitted, ${result.placed} placed on ${cold.grid.tiles.length} tiles`],
      ['cases', `${result.cases}`],
      ['lamps', `red ${lamps.red}, yellow ${lamps.yellow}, green ${lamps.green}`],
      ['cold', ms(result.coldMs)],
      ['warm p50', `${ms(result.warmMs)} (5 runs)`],
      ['reads', reads.line()],
      ['stage filter', `${ms(result.filteredWarmMs)} p50, ${filteredRows} projects, ${filteredReads.line()}`],
      ['project view', `${ms(result.projectViewWarmMs)} p50 (5 warm runs), ${projectViewReads.line()}`],
      ['per project', `${num(reads.calls / Math.max(1, result.projects), 2)} read calls`],
    ]);
    return result;
  } finally {
    await f.close();
  }
}

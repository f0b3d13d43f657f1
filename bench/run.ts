/**
 * `npm run bench` runs every benchmark; `npm run bench -- latency` (or `full`, `store`, `cross`, `sweep`, `bulletin`)
 * runs some.
 * Sizes come from environment variables (see README "Benchmarks" and each module); the benchmarks
 * print figures and never assert on time.
 */
import { type BulletinResult, bulletinBench } from './bulletin.js';
import { type BundlesResult, bundlesBench } from './bundles.js';
import { type ConsoleResult, consoleBench } from './console.js';
import { type CrossResult, crossPerApproval, crossProvince } from './cross-province.js';
import { type DashboardBenchResult, dashboardBench } from './dashboard.js';
import { type FullCasesResult, fullCases } from './full-cases.js';
import { type LatencyResult, latency } from './latency.js';
import { block, machineFacts, ms, num, table } from './lib.js';
import { type MapBenchResult, mapBench } from './map.js';
import { type PublicStatusResult, publicStatusBench } from './public-status.js';
import { type StoreWritesResult, storeWrites } from './store-writes.js';
import { type SweepResult, sweepBench } from './sweep.js';

const ALIASES: Record<
  string,
  | 'full'
  | 'latency'
  | 'store'
  | 'cross'
  | 'sweep'
  | 'bulletin'
  | 'console'
  | 'public'
  | 'map'
  | 'dashboard'
  | 'bundles'
> = {
  dashboard: 'dashboard',
  bundles: 'bundles',
  lambda: 'bundles',
  工作台: 'dashboard',
  public: 'public',
  map: 'map',
  一张图: 'map',
  'public-status': 'public',
  bulletin: 'bulletin',
  console: 'console',
  web: 'console',
  ui: 'console',
  report: 'bulletin',
  cross: 'cross',
  'cross-province': 'cross',
  recognition: 'cross',
  full: 'full',
  'full-cases': 'full',
  cases: 'full',
  latency: 'latency',
  store: 'store',
  'store-writes': 'store',
  writes: 'store',
  sweep: 'sweep',
  sweeper: 'sweep',
};

const USAGE = `usage: npm run bench [-- full|latency|store|cross|sweep|bulletin|console|public|map|dashboard|bundles ...]
env: BENCH_CASES=40 BENCH_CASE_CONCURRENCY=8 BENCH_POLL_MS=5 BENCH_ITEMS=15
     BENCH_CONCURRENCY=16 BENCH_READS=2000 BENCH_DECISIONS=600 BENCH_WARMUP_READS=200
     BENCH_WARMUP_DECISIONS=30 BENCH_LOADGEN=worker|inline BENCH_STORE_CASES=3
     BENCH_FULL_ROUNDS=4 BENCH_LATENCY_ROUNDS=3 BENCH_STORE_DYNAMODB=0|1 BENCH_WRU_YUAN_PER_MILLION=11.1538
     BENCH_CROSS=100 BENCH_CROSS_CONCURRENCY=8 BENCH_CROSS_WARMUP=5
     BENCH_SWEEP_OPEN=100000 BENCH_SWEEP_SMALL=10000 BENCH_SWEEP_DUE_SHARE=0.01 BENCH_SWEEP_BATCH=500
     BENCH_BULLETIN_CASES=10000 BENCH_CONSOLE_RUNS=15 BENCH_MAP_PROJECTS=500 BENCH_MAP_CASES=10000
     BENCH_DASHBOARD_PROJECTS=500 BENCH_DASHBOARD_CASES=10000
     BENCH_PUBLIC_CONCURRENCY=16 BENCH_PUBLIC_REQUESTS=1000 BENCH_PUBLIC_ROUNDS=3 BENCH_PUBLIC_PROJECTS=20
     BENCH_BUNDLE_RUNS=9 BENCH_BUNDLES_BEFORE=<dir of older <function>.mjs>`;

async function main() {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args.includes('-h') || args.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const unknown = args.filter((a) => !(a in ALIASES));
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.join(', ')}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const chosen = new Set(
    args.length > 0
      ? args.map((a) => ALIASES[a]!)
      : [
          'full',
          'latency',
          'store',
          'cross',
          'sweep',
          'bulletin',
          'console',
          'public',
          'map',
          'dashboard',
          'bundles',
        ],
  );

  block(
    'Machine',
    machineFacts().map((line): [string, string] => [line.slice(0, 12).trim(), line.slice(12)]),
  );
  const started = performance.now();
  let full: FullCasesResult | undefined;
  let lat: LatencyResult | undefined;
  let store: StoreWritesResult | undefined;
  let cross: CrossResult | undefined;
  let sweep: SweepResult | undefined;
  let bulletin: BulletinResult | undefined;
  let web: ConsoleResult | undefined;
  let pub: PublicStatusResult | undefined;
  if (chosen.has('full')) full = await fullCases();
  if (chosen.has('latency')) lat = await latency();
  if (chosen.has('store')) store = await storeWrites();
  if (chosen.has('cross')) cross = await crossProvince();
  if (chosen.has('sweep')) sweep = await sweepBench();
  if (chosen.has('bulletin')) bulletin = await bulletinBench();
  if (chosen.has('console')) web = await consoleBench();
  if (chosen.has('public')) pub = await publicStatusBench();
  let map: MapBenchResult | undefined;
  if (chosen.has('map')) map = await mapBench();
  let bundles: BundlesResult | undefined;
  if (chosen.has('bundles')) bundles = await bundlesBench();
  let dash: DashboardBenchResult | undefined;
  if (chosen.has('dashboard')) dash = await dashboardBench();

  console.log(`\n── Summary ${'─'.repeat(82)}`);
  const rows: string[][] = [];
  if (full) {
    rows.push([
      `full ${full.items}-item cases, HTTP, ${full.concurrency} in flight`,
      `${num(full.http.casesPerSecond, 1)} cases/s`,
      `${full.cases} cases in ${ms(full.http.wallMs)}, ${full.http.requests} requests`,
    ]);
    rows.push([
      `full ${full.items}-item cases, engine-only, same run`,
      `${num(full.engine.casesPerSecond, 1)} cases/s`,
      `HTTP ${num(full.ratio * 100, 0)}% of engine-only; ${full.rounds} interleaved rounds`,
    ]);
  }
  if (lat) {
    const b = lat.baseline.stats;
    for (const s of [lat.progress, lat.decision]) {
      rows.push([
        `${s.name} @${lat.concurrency}`,
        `p50 ${ms(s.stats.p50)}, p99 ${ms(s.stats.p99)}`,
        `${num(s.stats.p50 / b.p50)}× / ${num(s.stats.p99 / b.p99)}× baseline p50/p99`,
      ]);
    }
    rows.push([`${lat.baseline.name} @${lat.concurrency}`, `p50 ${ms(b.p50)}, p99 ${ms(b.p99)}`, 'baseline']);
  }
  if (store) {
    rows.push([
      `store per ${store.items}-item case`,
      `${num(store.writes, 0)} writes, ${num(store.reads, 0)} reads`,
      `${num(store.commits, 0)} commits, ${num(store.auditEvents, 0)} audit events, ${num(store.indexEntries, 0)} index entries`,
    ]);
    rows.push([`workflow per ${store.items}-item case`, `${num(store.statesEntered, 0)} states entered`, '']);
    const d = store.dynamo?.dynamo;
    rows.push(
      d
        ? [
            `DynamoDB per ${store.items}-item case`,
            `${num(d.calls, 0)} write calls, ${num(d.units, 0)} WCU`,
            `${num(d.unitsPerDecision, 1)} WCU per decision; ¥${d.yuanPerCase.toFixed(4)} of writes per case`,
          ]
        : ['DynamoDB per case', 'skipped', store.dynamoSkipped ?? ''],
    );
  }
  if (cross) {
    for (const p of [cross.sequential, cross.concurrent]) {
      rows.push([
        `cross JS→ZJ approval→recognised @${p.concurrency}`,
        `p50 ${ms(p.recognition.p50)}, p99 ${ms(p.recognition.p99)}`,
        `p90 ${ms(p.recognition.p90)}, max ${ms(p.recognition.max)}, ${num(p.perSecond, 1)} approvals/s`,
      ]);
    }
    const per = crossPerApproval(cross);
    rows.push([
      'cross JS→ZJ traffic per approval',
      `${num(per.events, 2)} events, ${num(per.bytes, 0)} B`,
      `ResultIssued + one-off ProjectShared (${num(per.oneOff, 0)} B), POST /partner/events bodies`,
    ]);
  }
  if (sweep) {
    for (const run of [sweep.small, sweep.control, sweep.large]) {
      if (!run) continue;
      const f = run.first;
      rows.push([
        `sweep ${run.populated.open} open, ${run.populated.due} due`,
        `${ms(f.wallMs)}, ${num(f.counts.readCalls, 0)} reads`,
        `${num(f.counts.readRows, 0)} rows, ${num(f.counts.commits, 0)} commits; second sweep ${num(run.second.examined, 0)} examined, ${num(run.second.counts.readCalls, 0)} reads`,
      ]);
    }
    const ratio = (a: number, b: number) => `${num(a / b, 2)}×`;
    rows.push([
      `sweep ${sweep.large.populated.open} vs ${sweep.small.populated.open} open`,
      `wall ${ratio(sweep.large.first.wallMs, sweep.small.first.wallMs)}, reads ${ratio(sweep.large.first.counts.readCalls, sweep.small.first.counts.readCalls)}`,
      `due ${ratio(sweep.large.populated.due, sweep.small.populated.due)}${
        sweep.control
          ? `; vs ${sweep.control.populated.due} due of ${sweep.control.populated.open} (same due): wall ${ratio(sweep.large.first.wallMs, sweep.control.first.wallMs)}, reads ${ratio(sweep.large.first.counts.readCalls, sweep.control.first.counts.readCalls)}`
          : ''
      }`,
    ]);
  }
  if (bulletin) {
    rows.push([
      `monthly bulletin over ${bulletin.cases} cases`,
      `cold ${ms(bulletin.coldMs)}, warm ${ms(bulletin.warmMedianMs)}`,
      `${num(bulletin.reads.calls, 0)} reads, ${num(bulletin.reads.rows, 0)} rows (${ms(bulletin.readMs)} in the store); computation alone ${ms(bulletin.computeMs)}`,
    ]);
    rows.push([
      `bulletin output (${bulletin.decidedItems} items decided)`,
      `${bulletin.departments} departments, ${bulletin.items} items`,
      `CSV ${ms(bulletin.csvMs)} / ${num(bulletin.csvBytes / 1024, 1)} KiB, HTML ${ms(bulletin.htmlMs)} / ${num(bulletin.htmlBytes / 1024, 1)} KiB; heap +${num(bulletin.heapDeltaMb)} MiB, rss ${num(bulletin.rssMb, 0)} MiB`,
    ]);
    rows.push([
      `weekly dispatch over the same store`,
      `cold ${ms(bulletin.dispatch.coldMs)}, warm ${ms(bulletin.dispatch.warmMedianMs)}`,
      `${num(bulletin.dispatch.reads.calls, 0)} reads, ${num(bulletin.dispatch.reads.rows, 0)} rows; ${bulletin.dispatch.rows} dispatch rows`,
    ]);
  }
  if (map) {
    rows.push([
      `一张图 over ${map.projects} projects, ${map.cases} cases`,
      `cold ${ms(map.coldMs)}, warm ${ms(map.warmMs)}`,
      `${map.reads.calls} reads, ${map.reads.rows} rows; project view ${ms(map.projectViewWarmMs)}, ${map.projectViewReads.calls} reads`,
    ]);
  }
  if (dash) {
    rows.push([
      `工作台 over ${dash.projects} projects, ${dash.cases} cases`,
      `cold ${ms(dash.coldMs)}, warm ${ms(dash.warmMs)}`,
      `${dash.reads.calls} reads, ${dash.reads.rows} rows; 周调度 alone warm ${ms(dash.dispatchWarmMs)}, ${dash.dispatchReads.calls} reads; 风险预警 alone warm ${ms(dash.forecastWarmMs)}, ${dash.forecastReads.calls} reads`,
    ]);
  }
  if (web) {
    const kb = (b: number) => `${num(b / 1024, 1)} KiB`;
    for (const [label, size] of [
      ['console first page (sign-in) bundles', web.firstPage],
      ['console applicant first page bundles', web.applicantPage],
      ['console whole build', web.build],
    ] as const) {
      rows.push([
        label,
        `JS ${kb(size.jsGzip)} gzip, CSS ${kb(size.cssGzip)} gzip`,
        `raw JS ${kb(size.js)}, CSS ${kb(size.css)}; ${size.files} files`,
      ]);
    }
    const t = (s: ConsoleResult['signInUsable']) => `p50 ${ms(s.p50)}, max ${ms(s.max)}`;
    rows.push([
      'console sign-in page usable (fresh visit)',
      t(web.signInUsable),
      `${web.runs} runs, demo data`,
    ]);
    rows.push([
      'console applicant projects usable after click',
      t(web.applicantUsable),
      'sign-in click → table',
    ]);
    rows.push([
      'reference: /docs usable (same server, interleaved)',
      t(web.docsUsable),
      'self-contained page',
    ]);
  }
  if (pub) {
    for (const s of [pub.cached, pub.uncached, pub.health]) {
      rows.push([
        `${s.name} @${pub.concurrency}`,
        `${num(s.perSecond, 0)} req/s, p50 ${ms(s.stats.p50)}, p99 ${ms(s.stats.p99)}`,
        `${num(s.readsPerRequest, 3)} store reads/request, ${pub.projects} projects, ${pub.rounds} interleaved rounds`,
      ]);
    }
  }
  if (bundles) {
    for (const b of [...bundles.bundles, ...bundles.before]) {
      rows.push([
        `Lambda bundle ${b.name}`,
        `${num(b.coldKb, 0)} KB, cold import ${ms(b.importMs)}`,
        `process ${ms(b.processMs)} vs empty module ${ms(bundles.baseline.processMs)}; ${num(b.lazyKb, 0)} KB on demand`,
      ]);
    }
  }
  table(['benchmark', 'figure', 'detail'], rows);
  console.log(`\n  total bench time ${ms(performance.now() - started)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

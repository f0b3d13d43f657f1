/**
 * 2. Latency at concurrency 16 of GET /cases/{id}/progress and of POST item decisions (each on a
 * fresh, open item), beside a baseline: a second `createApp` over the same services (so the same
 * middleware: request id, secure headers, bearer-token verification with the revocation check,
 * body limit, and the same router) with one extra route doing one `store.get('stageCase', id)` on
 * the same SQLite store, served by @hono/node-server the same way. The three series alternate in
 * BENCH_LATENCY_ROUNDS rounds (the order rotating each round), so they share the machine's load.
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from '../functions/http/app.js';
import { startProvince } from '../functions/local/province-runtime.js';
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
  ms,
  num,
  quietTelemetry,
  type Stats,
  signTokens,
  sleep,
  stats,
  table,
  tempDir,
} from './lib.js';
import { generateLoad, type LoadRequest, type LoadResult, loadMode } from './load.js';

export interface LatencySeries {
  name: string;
  stats: Stats;
  perSecond: number;
  statuses: Record<string, number>;
}

export interface LatencyResult {
  concurrency: number;
  rounds: number;
  mode: string;
  progress: LatencySeries;
  decision: LatencySeries;
  baseline: LatencySeries;
}

function series(name: string, r: LoadResult): LatencySeries {
  if (r.firstError) console.error(`  ! ${name}: first error ${r.firstError}`);
  return {
    name,
    stats: stats(r.latencies),
    perSecond: r.latencies.length / (r.wallMs / 1000),
    statuses: r.statuses,
  };
}

export async function latency(): Promise<LatencyResult> {
  const concurrency = Math.max(1, envInt('BENCH_CONCURRENCY', 16));
  const reads = envInt('BENCH_READS', 2000);
  const decisions = envInt('BENCH_DECISIONS', 600);
  const warmupReads = envInt('BENCH_WARMUP_READS', 200);
  const warmupDecisions = envInt('BENCH_WARMUP_DECISIONS', 30);
  const mode = loadMode();

  const province = benchProvince();
  const items = benchItems(province);
  const materials = benchMaterials(province);
  const caseCount = Math.max(1, Math.ceil((decisions + warmupDecisions) / items.length));
  const dir = tempDir('gc-bench-latency-');
  const runtime = await startProvince({
    province,
    telemetry: quietTelemetry(province),
    dataDir: dir.path,
    peersDir: join(dir.path, 'peers'),
    port: 0,
    sweepEveryMs: 0,
  });
  const rounds = Math.max(1, envInt('BENCH_LATENCY_ROUNDS', 3));
  // the subject's middleware: request id, access log, body limit, auth
  const baselineApp = createApp(runtime.services, {
    verifier: runtime.tokens.verifier(),
    logger: quietTelemetry(province).logger,
  });
  baselineApp.get('/bench/baseline/:id', async (c) => {
    const found = await runtime.store.get('stageCase', c.req.param('id'));
    return found ? c.json(found.value as object) : c.notFound();
  });
  const baselineServer = serve({ fetch: baselineApp.fetch, port: 0, hostname: '127.0.0.1' });
  try {
    await new Promise<void>((resolve, reject) => {
      if (baselineServer.listening) resolve();
      baselineServer.once('listening', () => resolve());
      baselineServer.once('error', reject);
    });
    const baselineUrl = `http://127.0.0.1:${(baselineServer.address() as AddressInfo).port}`;

    // Prepare open items: submitted and accepted cases, every item's workflow step waiting.
    const tokens = await signTokens(runtime.tokens, province);
    const projects = await admittedProjects(runtime.services, caseCount);
    const caseIds: string[] = [];
    for (const projectId of projects) {
      const c = await runtime.services.cases.submit(ctxOf(actors.applicant), {
        projectId,
        stage: BENCH_STAGE,
        materials,
      });
      await runtime.services.cases.actOnAcceptance(ctxOf(actors.window), c.value.id, c.version, {
        outcome: 'accept',
      });
      caseIds.push(c.value.id);
    }
    const waiting = caseCount * items.length;
    const deadline = Date.now() + 60_000;
    while (runtime.workflow.waitingCount() < waiting) {
      if (Date.now() > deadline) {
        throw new Error(`only ${runtime.workflow.waitingCount()} of ${waiting} item steps are waiting`);
      }
      await sleep(10);
    }

    const read = (base: string, path: (id: string) => string, token: string) => (i: number) =>
      ({
        method: 'GET',
        url: base + path(caseIds[i % caseIds.length]!),
        headers: { authorization: `Bearer ${token}` },
      }) satisfies LoadRequest;
    const progressReq = read(runtime.url, (id) => `/cases/${id}/progress`, tokens.applicant);
    const baselineReq = read(baselineUrl, (id) => `/bench/baseline/${id}`, tokens.applicant);
    // Item-major order: consecutive decisions fall on different cases, as independent departments'
    // decisions would; each (case, item) is decided exactly once.
    const decisionReqs: LoadRequest[] = [];
    for (const item of items) {
      for (const [c, caseId] of caseIds.entries()) {
        decisionReqs.push({
          method: 'POST',
          url: `${runtime.url}/cases/${caseId}/items/${item.code}/decision`,
          headers: {
            authorization: `Bearer ${tokens.reviewer.get(item.department)!}`,
            'content-type': 'application/json',
            'idempotency-key': `bench-lat-${c}-${item.code}`,
          },
          body: JSON.stringify({ outcome: 'approve' }),
        });
      }
    }
    const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => i + from);

    // Warm-up once per series, then `rounds` interleaved rounds of each series' share.
    const share = (n: number, r: number) => [
      Math.floor((n * r) / rounds),
      Math.floor((n * (r + 1)) / rounds),
    ];
    const specs = {
      baseline: (r: number) => {
        const [a, b] = share(reads, r);
        return range(b! - a!, a).map(baselineReq);
      },
      progress: (r: number) => {
        const [a, b] = share(reads, r);
        return range(b! - a!, a).map(progressReq);
      },
      decision: (r: number) => {
        const [a, b] = share(decisions, r);
        return decisionReqs.slice(warmupDecisions + a!, warmupDecisions + b!);
      },
    };
    const warm = {
      baseline: range(warmupReads).map(baselineReq),
      progress: range(warmupReads).map(progressReq),
      decision: decisionReqs.slice(0, warmupDecisions),
    };
    const runs: Record<keyof typeof specs, LoadResult[]> = { baseline: [], progress: [], decision: [] };
    const names = ['baseline', 'progress', 'decision'] as const;
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(k + r) % names.length]!;
        runs[name].push(
          await generateLoad(
            { concurrency, warmup: r === 0 ? warm[name] : [], requests: specs[name](r) },
            mode,
          ),
        );
      }
    }
    const merged = (list: LoadResult[]): LoadResult => {
      const statuses: Record<string, number> = {};
      for (const l of list)
        for (const [k, v] of Object.entries(l.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
      const firstError = list.find((l) => l.firstError)?.firstError;
      return {
        latencies: list.flatMap((l) => l.latencies),
        statuses,
        wallMs: list.reduce((a, l) => a + l.wallMs, 0),
        ...(firstError ? { firstError } : {}),
      };
    };
    const baseline = series('baseline GET (same middleware, 1 store.get)', merged(runs.baseline));
    const progress = series('GET /cases/{id}/progress', merged(runs.progress));
    const decision = series('POST /cases/{id}/items/{code}/decision', merged(runs.decision));
    await runtime.workflow.whenIdle();

    const result: LatencyResult = { concurrency, rounds, mode, progress, decision, baseline };
    block(`2. Latency at concurrency ${concurrency}`, [
      [
        'load generator',
        mode === 'worker'
          ? 'Node fetch (undici keep-alive) in a worker thread of the same process'
          : 'Node fetch (undici keep-alive) in the server thread (inline)',
      ],
      [
        'prepared',
        `${caseCount} accepted cases × ${items.length} items, ${waiting} item steps waiting; warm-up ${warmupReads} reads / ${warmupDecisions} decisions`,
      ],
      ['decisions', 'approve, Idempotency-Key sent, no If-Match; item-major order (fresh item each)'],
      [
        'baseline',
        'createApp over the same services + one route: request id, secure headers, token verification, body limit',
      ],
      ['rounds', `${rounds}, baseline / progress / decision interleaved, order rotating`],
    ]);
    table(
      ['series', 'n', 'mean', 'p50', 'p99', 'max', 'req/s', 'statuses'],
      [baseline, progress, decision].map((s) => [
        s.name,
        String(s.stats.n),
        ms(s.stats.mean),
        ms(s.stats.p50),
        ms(s.stats.p99),
        ms(s.stats.max),
        num(s.perSecond, 0),
        Object.entries(s.statuses)
          .map(([k, v]) => `${k}×${v}`)
          .join(' '),
      ]),
    );
    console.log('');
    table(
      ['ratio ours / baseline', 'p50', 'p99'],
      [progress, decision].map((s) => [
        s.name,
        `${num(s.stats.p50 / baseline.stats.p50, 1)}×`,
        `${num(s.stats.p99 / baseline.stats.p99, 1)}×`,
      ]),
    );
    return result;
  } finally {
    await new Promise<void>((resolve) => baselineServer.close(() => resolve()));
    await runtime.stop();
    dir.remove();
  }
}

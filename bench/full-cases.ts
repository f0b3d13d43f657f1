/**
 * 1. Full 15-item cases through the local runtime, over HTTP and engine-only, measured in the same
 * run on the same runtime (one SQLite file, the one ASL definition run by the local workflow runner).
 * Each case: applicant submits, window accepts, each item's department approves, the stage closes,
 * the applicant gives feedback.
 * - HTTP: real server on port 0, signed tokens, Idempotency-Key on submit/decisions/feedback; the
 *   applicant polls GET /cases/{id} every BENCH_POLL_MS until `stageClosedAt` is set. The clients
 *   run in a worker thread by default (http-cases.ts; BENCH_LOADGEN=inline: the server's thread).
 * - engine-only: the same steps as in-process service calls carrying the same idempotency intents
 *   (no HTTP, no token verification); the close is awaited on the workflow (no polling).
 * The two alternate round by round (BENCH_FULL_ROUNDS, the first mode swapping each round) so both
 * see the same machine load and store size; cases run with bounded concurrency, decisions
 * sequential within a case.
 */
import { join } from 'node:path';
import { startProvince } from '../functions/local/province-runtime.js';
import { type HttpCaseDriver, startHttpCaseDriver } from './http-cases.js';
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
  ms,
  num,
  pool,
  quietTelemetry,
  signTokens,
  stats,
  table,
  tempDir,
} from './lib.js';
import { loadMode } from './load.js';

export interface FullCasesMode {
  cases: number;
  wallMs: number;
  casesPerSecond: number;
  caseMs: ReturnType<typeof stats>;
}

export interface FullCasesResult {
  cases: number;
  items: number;
  concurrency: number;
  rounds: number;
  http: FullCasesMode & { requests: number; polls: number };
  engine: FullCasesMode;
  /** HTTP cases/s ÷ engine-only cases/s */
  ratio: number;
}

export async function fullCases(): Promise<FullCasesResult> {
  const count = envInt('BENCH_CASES', 40);
  const rounds = Math.max(1, envInt('BENCH_FULL_ROUNDS', 4));
  const concurrency = Math.max(1, envInt('BENCH_CASE_CONCURRENCY', 8));
  const pollMs = envInt('BENCH_POLL_MS', 5);
  const province = benchProvince();
  const items = benchItems(province);
  const materials = benchMaterials(province);
  const dir = tempDir('gc-bench-full-');
  const runtime = await startProvince({
    province,
    telemetry: quietTelemetry(province),
    dataDir: dir.path,
    peersDir: join(dir.path, 'peers'),
    port: 0,
    sweepEveryMs: 0,
  });
  let driver: HttpCaseDriver | undefined;
  try {
    const tokens = await signTokens(runtime.tokens, province);
    const perRound = Math.max(1, Math.ceil(count / rounds));
    const total = perRound * rounds;
    const projects = await admittedProjects(runtime.services, total * 2);
    const { services, workflow } = runtime;
    const httpDriver = await startHttpCaseDriver(
      {
        base: runtime.url,
        tokens: { ...tokens, reviewer: Object.fromEntries(tokens.reviewer) },
        items: items.map((i) => ({ code: i.code, department: i.department })),
        stage: BENCH_STAGE,
        materials,
        pollMs,
      },
      loadMode(),
    );
    driver = httpDriver;
    let polls = 0;
    let requests = 0;
    const httpCaseMs: number[] = [];
    const engineCaseMs: number[] = [];
    let httpWall = 0;
    let engineWall = 0;

    const engineCase = async (i: number) => {
      const started = performance.now();
      const submitBody = { projectId: projects[i]!, stage: BENCH_STAGE, materials };
      const submitted = await services.cases.submit(
        idemCtx(actors.applicant, 'POST', '/cases', `bench-submit-${i}`, submitBody),
        submitBody,
      );
      const caseId = submitted.value.id;
      await services.cases.actOnAcceptance(ctxOf(actors.window), caseId, submitted.version, {
        outcome: 'accept',
      });
      await approveEveryItem(services, caseId, items, `bench-decide-${i}`);
      await workflow.whenIdle(caseId);
      const closed = await services.cases.get(ctxOf(actors.applicant), caseId);
      if (closed.value.stageClosedAt === undefined || closed.value.status !== 'approved') {
        throw new Error(`case ${caseId} not closed as approved (${closed.value.status})`);
      }
      const feedbackBody = { satisfaction: 5 as const };
      await services.cases.feedback(
        idemCtx(actors.applicant, 'POST', `/cases/${caseId}/feedback`, `bench-feedback-${i}`, feedbackBody),
        caseId,
        feedbackBody,
      );
      engineCaseMs.push(performance.now() - started);
    };

    const runRound = async (mode: 'http' | 'engine', round: number) => {
      // projects [0, total) go to HTTP, [total, 2·total) to the engine
      const base = (mode === 'http' ? 0 : total) + round * perRound;
      const t0 = performance.now();
      if (mode === 'http') {
        const cases = Array.from({ length: perRound }, (_, j) => ({
          n: base + j,
          projectId: projects[base + j]!,
        }));
        const done = await httpDriver.run({ cases, concurrency });
        httpCaseMs.push(...done.caseMs);
        requests += done.requests;
        polls += done.polls;
      } else await pool(perRound, concurrency, (j) => engineCase(base + j));
      await workflow.whenIdle();
      const wall = performance.now() - t0;
      if (mode === 'http') httpWall += wall;
      else engineWall += wall;
    };

    // One untimed warm-up case each way (JIT, prepared statements, connection).
    const warmProjects = await admittedProjects(runtime.services, 2);
    projects.push(...warmProjects);
    await httpDriver.run({ cases: [{ n: total * 2, projectId: projects[total * 2]! }], concurrency: 1 });
    await engineCase(total * 2 + 1);
    engineCaseMs.length = 0;

    for (let r = 0; r < rounds; r++) {
      const order: ('http' | 'engine')[] = r % 2 === 0 ? ['http', 'engine'] : ['engine', 'http'];
      for (const mode of order) await runRound(mode, r);
    }

    const http = {
      cases: total,
      wallMs: httpWall,
      casesPerSecond: total / (httpWall / 1000),
      caseMs: stats(httpCaseMs),
      requests,
      polls,
    };
    const engine = {
      cases: total,
      wallMs: engineWall,
      casesPerSecond: total / (engineWall / 1000),
      caseMs: stats(engineCaseMs),
    };
    const result: FullCasesResult = {
      cases: total,
      items: items.length,
      concurrency,
      rounds,
      http,
      engine,
      ratio: http.casesPerSecond / engine.casesPerSecond,
    };
    block(`1. Full ${items.length}-item cases: HTTP and engine-only, same runtime, interleaved`, [
      [
        'cases',
        `${total} each way in ${rounds} alternating rounds of ${perRound} (${concurrency} in flight, decisions sequential within a case)`,
      ],
      ['store / workflow', 'one SQLite file; the one ASL definition on the local workflow runner'],
      [
        'HTTP',
        `local server, signed tokens, clients ${httpDriver.mode === 'worker' ? 'in a worker thread' : "in the server's thread"}; ${requests} requests, ${num(requests / total)} per case (${polls} polls of GET /cases/{id} every ${pollMs} ms)`,
      ],
      ['engine-only', 'the same steps as in-process service calls, same idempotency intents; close awaited'],
    ]);
    table(
      ['path', 'cases/s', 'cases/min', 'wall', 'per-case p50', 'p99', 'max'],
      [
        ['HTTP', http],
        ['engine-only', engine],
      ].map(([name, m]) => {
        const mode = m as FullCasesMode;
        return [
          name as string,
          num(mode.casesPerSecond, 1),
          num(mode.casesPerSecond * 60, 0),
          ms(mode.wallMs),
          ms(mode.caseMs.p50),
          ms(mode.caseMs.p99),
          ms(mode.caseMs.max),
        ];
      }),
    );
    console.log(`\n  ratio HTTP / engine-only  ${num(result.ratio * 100, 0)}% of the engine-only cases/s`);
    return result;
  } finally {
    await driver?.close();
    await runtime.stop();
    dir.remove();
  }
}

import { join } from 'node:path';
/**
 * 1. Full 15-item cases per minute through the local runtime: real SQLite file, local ASL runner,
 * real HTTP server on port 0, signed tokens. Each case: applicant submits, window accepts, each
 * item's department approves, the applicant polls until `stageClosedAt` is set, then gives feedback.
 * Cases run with bounded concurrency; decisions within one case are sequential.
 */
import { startProvince } from '../functions/local/province-runtime.js';
import {
  admittedProjects,
  BENCH_STAGE,
  benchItems,
  benchMaterials,
  benchProvince,
  block,
  Client,
  envInt,
  ms,
  num,
  pool,
  signTokens,
  sleep,
  stats,
  tempDir,
} from './lib.js';

export interface FullCasesResult {
  cases: number;
  items: number;
  concurrency: number;
  wallMs: number;
  casesPerMinute: number;
  requests: number;
  polls: number;
  caseMs: ReturnType<typeof stats>;
}

interface CaseBody {
  id: string;
  version: number;
  stageClosedAt?: string;
  status: string;
}

export async function fullCases(): Promise<FullCasesResult> {
  const count = envInt('BENCH_CASES', 40);
  const concurrency = Math.max(1, envInt('BENCH_CASE_CONCURRENCY', 8));
  const pollMs = envInt('BENCH_POLL_MS', 5);
  const province = benchProvince();
  const items = benchItems(province);
  const materials = benchMaterials(province);
  const dir = tempDir('gc-bench-full-');
  const runtime = await startProvince({
    province,
    dataDir: dir.path,
    peersDir: join(dir.path, 'peers'),
    port: 0,
    sweepEveryMs: 0,
  });
  try {
    const tokens = await signTokens(runtime.tokens, province);
    const projects = await admittedProjects(runtime.services, count);
    const client = new Client(runtime.url);
    let polls = 0;
    const perCase: number[] = [];

    const runCase = async (i: number) => {
      const started = performance.now();
      const submitted = await client.call<CaseBody>('POST', '/cases', tokens.applicant, {
        body: { projectId: projects[i], stage: BENCH_STAGE, materials },
        headers: { 'idempotency-key': `bench-submit-${i}` },
        expect: 201,
      });
      const caseId = submitted.body.id;
      await client.call('POST', `/cases/${caseId}/acceptance`, tokens.window, {
        body: { outcome: 'accept' },
        headers: { 'if-match': submitted.etag ?? `"${submitted.body.version}"` },
      });
      for (const item of items) {
        await client.call(
          'POST',
          `/cases/${caseId}/items/${item.code}/decision`,
          tokens.reviewer.get(item.department)!,
          {
            body: { outcome: 'approve' },
            headers: { 'idempotency-key': `bench-decide-${i}-${item.code}` },
          },
        );
      }
      for (;;) {
        polls += 1;
        const got = await client.call<CaseBody>('GET', `/cases/${caseId}`, tokens.applicant);
        if (got.body.stageClosedAt) {
          if (got.body.status !== 'approved') throw new Error(`case ${caseId} closed as ${got.body.status}`);
          break;
        }
        await sleep(pollMs);
      }
      await client.call('POST', `/cases/${caseId}/feedback`, tokens.applicant, {
        body: { satisfaction: 5 },
        headers: { 'idempotency-key': `bench-feedback-${i}` },
      });
      perCase.push(performance.now() - started);
    };

    const t0 = performance.now();
    await pool(count, concurrency, runCase);
    const wallMs = performance.now() - t0;
    await runtime.workflow.whenIdle();

    const result: FullCasesResult = {
      cases: count,
      items: items.length,
      concurrency,
      wallMs,
      casesPerMinute: count / (wallMs / 60_000),
      requests: client.requests,
      polls,
      caseMs: stats(perCase),
    };
    block(`1. Full ${items.length}-item cases through the local runtime (HTTP, SQLite file, local ASL)`, [
      ['cases', `${count} (${concurrency} in flight, decisions sequential within a case)`],
      ['wall time', ms(wallMs)],
      ['cases / minute', num(result.casesPerMinute, 0)],
      [
        'HTTP requests',
        `${result.requests} total, ${num(result.requests / count)} per case (of which ${polls} polls of GET /cases/{id}, every ${pollMs} ms)`,
      ],
      ['requests / second', num(result.requests / (wallMs / 1000), 0)],
      [
        'per-case time',
        `p50 ${ms(result.caseMs.p50)}, p99 ${ms(result.caseMs.p99)}, max ${ms(result.caseMs.max)}`,
      ],
      [
        'for comparison',
        'DESIGN.md ceiling: ~200 cases in 1.1 s without HTTP ≈ 10,900 cases/min (engine + SQLite only)',
      ],
    ]);
    return result;
  } finally {
    await runtime.stop();
    dir.remove();
  }
}

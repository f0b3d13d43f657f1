/**
 * The HTTP side of the full-case benchmark: the applicant's, the window's and the reviewers'
 * clients driving whole cases over HTTP. By default (BENCH_LOADGEN=worker) they run in a worker
 * thread, as the people they stand for sit at other machines: the server's event loop then carries
 * only the server's work, as the engine-only path carries only the engine's. BENCH_LOADGEN=inline
 * runs them in the server's thread instead, where their fetch and JSON work competes with it.
 * The worker lives for the whole benchmark and runs one round per message.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { LoadMode } from './load.js';
import { tsWorker } from './ts-worker.js';

export interface HttpCasesSpec {
  base: string;
  tokens: { applicant: string; window: string; reviewer: Record<string, string> };
  items: { code: string; department: string }[];
  stage: string;
  materials: unknown[];
  pollMs: number;
}

export interface HttpRound {
  /** case numbers (for idempotency keys) and their projects, run with `concurrency` in flight */
  cases: { n: number; projectId: string }[];
  concurrency: number;
}

export interface HttpRoundResult {
  caseMs: number[];
  requests: number;
  polls: number;
  wallMs: number;
}

interface CaseBody {
  id: string;
  version: number;
  stageClosedAt?: string;
  status: string;
}

class HttpCaseError extends Error {}

async function call<T>(
  spec: HttpCasesSpec,
  counter: { requests: number },
  method: 'GET' | 'POST',
  path: string,
  token: string,
  options: { body?: unknown; headers?: Record<string, string>; expect?: number } = {},
): Promise<{ body: T; etag: string | null }> {
  counter.requests += 1;
  const res = await fetch(spec.base + path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  const expected = options.expect ?? (method === 'POST' ? [200, 201] : [200]);
  if (!(Array.isArray(expected) ? expected : [expected]).includes(res.status)) {
    throw new HttpCaseError(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
  }
  return { body: JSON.parse(text) as T, etag: res.headers.get('etag') };
}

/** One case: submit, accept, every item approved, poll until closed, feedback. */
async function httpCase(
  spec: HttpCasesSpec,
  counter: { requests: number; polls: number },
  n: number,
  projectId: string,
) {
  const { tokens } = spec;
  const submitted = await call<CaseBody>(spec, counter, 'POST', '/cases', tokens.applicant, {
    body: { projectId, stage: spec.stage, materials: spec.materials },
    headers: { 'idempotency-key': `bench-submit-${n}` },
    expect: 201,
  });
  const caseId = submitted.body.id;
  await call(spec, counter, 'POST', `/cases/${caseId}/acceptance`, tokens.window, {
    body: { outcome: 'accept' },
    headers: { 'if-match': submitted.etag ?? `"${submitted.body.version}"` },
  });
  for (const item of spec.items) {
    const token = tokens.reviewer[item.department];
    if (!token) throw new HttpCaseError(`no reviewer token for ${item.department}`);
    await call(spec, counter, 'POST', `/cases/${caseId}/items/${item.code}/decision`, token, {
      body: { outcome: 'approve' },
      headers: { 'idempotency-key': `bench-decide-${n}-${item.code}` },
    });
  }
  for (;;) {
    counter.polls += 1;
    const got = await call<CaseBody>(spec, counter, 'GET', `/cases/${caseId}`, tokens.applicant);
    if (got.body.stageClosedAt) {
      if (got.body.status !== 'approved')
        throw new HttpCaseError(`case ${caseId} closed as ${got.body.status}`);
      break;
    }
    await new Promise((r) => setTimeout(r, spec.pollMs));
  }
  await call(spec, counter, 'POST', `/cases/${caseId}/feedback`, tokens.applicant, {
    body: { satisfaction: 5 },
    headers: { 'idempotency-key': `bench-feedback-${n}` },
  });
}

export async function runHttpRound(spec: HttpCasesSpec, round: HttpRound): Promise<HttpRoundResult> {
  const counter = { requests: 0, polls: 0 };
  const caseMs: number[] = [];
  let next = 0;
  const t0 = performance.now();
  const lanes = Array.from({ length: Math.min(round.concurrency, round.cases.length) }, async () => {
    while (next < round.cases.length) {
      const c = round.cases[next++]!;
      const started = performance.now();
      await httpCase(spec, counter, c.n, c.projectId);
      caseMs.push(performance.now() - started);
    }
  });
  await Promise.all(lanes);
  return { caseMs, requests: counter.requests, polls: counter.polls, wallMs: performance.now() - t0 };
}

export interface HttpCaseDriver {
  mode: LoadMode;
  run(round: HttpRound): Promise<HttpRoundResult>;
  close(): Promise<void>;
}

type Reply = { ok: true; result: HttpRoundResult } | { ok: false; error: string };

/** Starts the driver: a worker thread (this module, loaded through tsx) or the calling thread. */
export async function startHttpCaseDriver(spec: HttpCasesSpec, mode: LoadMode): Promise<HttpCaseDriver> {
  if (mode === 'inline') return { mode, run: (round) => runHttpRound(spec, round), close: async () => {} };
  const worker = tsWorker(import.meta.url, spec);
  let failed: Error | undefined;
  worker.on('error', (err: Error) => {
    failed = err;
  });
  return {
    mode,
    run: (round) =>
      new Promise<HttpRoundResult>((resolve, reject) => {
        if (failed) return reject(failed);
        const onExit = (code: number) => reject(new Error(`HTTP case worker exited with ${code}`));
        worker.once('exit', onExit);
        worker.once('message', (m: Reply) => {
          worker.off('exit', onExit);
          if (m.ok) resolve(m.result);
          else reject(new Error(m.error));
        });
        worker.postMessage(round);
      }),
    close: async () => {
      await worker.terminate();
    },
  };
}

if (!isMainThread && parentPort && workerData) {
  const port = parentPort;
  const spec = workerData as HttpCasesSpec;
  port.on('message', (round: HttpRound) => {
    runHttpRound(spec, round).then(
      (result) => port.postMessage({ ok: true, result } satisfies Reply),
      (err: unknown) =>
        port.postMessage({ ok: false, error: String((err as Error)?.stack ?? err) } satisfies Reply),
    );
  });
}

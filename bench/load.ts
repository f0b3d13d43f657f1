/**
 * The load generator of the latency benchmark: `concurrency` clients, each taking the next request
 * from a shared list and timing it from fetch() to the end of the body. Runs in a worker thread by
 * default (BENCH_LOADGEN=worker), so the client's own JSON and socket work does not share the
 * server's event loop; BENCH_LOADGEN=inline runs it in the server's thread instead.
 * Node's fetch (undici) keeps connections alive by default.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { tsWorker } from './ts-worker.js';

export interface LoadRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadSpec {
  concurrency: number;
  /** sent first and not measured */
  warmup: LoadRequest[];
  requests: LoadRequest[];
}

export interface LoadResult {
  /** per measured request, in completion order, milliseconds */
  latencies: number[];
  /** HTTP status → count, measured requests only */
  statuses: Record<string, number>;
  wallMs: number;
  firstError?: string;
}

async function fire(
  list: LoadRequest[],
  concurrency: number,
  record?: (latency: number, status: number, body: string) => void,
) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, list.length) }, async () => {
    while (next < list.length) {
      const r = list[next++]!;
      const t = performance.now();
      const res = await fetch(r.url, {
        method: r.method,
        headers: r.headers,
        ...(r.body !== undefined ? { body: r.body } : {}),
      });
      const text = await res.text();
      record?.(performance.now() - t, res.status, text);
    }
  });
  await Promise.all(lanes);
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  await fire(spec.warmup, spec.concurrency);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let firstError: string | undefined;
  const t0 = performance.now();
  await fire(spec.requests, spec.concurrency, (latency, status, body) => {
    latencies.push(latency);
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status >= 400 && firstError === undefined) firstError = `${status} ${body.slice(0, 300)}`;
  });
  const wallMs = performance.now() - t0;
  return { latencies, statuses, wallMs, ...(firstError ? { firstError } : {}) };
}

export type LoadMode = 'worker' | 'inline';

export function loadMode(): LoadMode {
  const mode = process.env.BENCH_LOADGEN ?? 'worker';
  if (mode !== 'worker' && mode !== 'inline') throw new Error(`BENCH_LOADGEN must be worker or inline`);
  return mode;
}

/** Runs the load in a worker thread (this same module, loaded through tsx) or inline. */
export async function generateLoad(spec: LoadSpec, mode: LoadMode = loadMode()): Promise<LoadResult> {
  if (mode === 'inline') return runLoad(spec);
  const worker = tsWorker(import.meta.url, spec);
  try {
    return await new Promise<LoadResult>((resolve, reject) => {
      worker.once('message', (m: { ok: true; result: LoadResult } | { ok: false; error: string }) =>
        m.ok ? resolve(m.result) : reject(new Error(m.error)),
      );
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`load worker exited with ${code}`)));
    });
  } finally {
    await worker.terminate();
  }
}

if (!isMainThread && parentPort && workerData) {
  const port = parentPort;
  runLoad(workerData as LoadSpec).then(
    (result) => port.postMessage({ ok: true, result }),
    (err: unknown) => port.postMessage({ ok: false, error: String((err as Error)?.stack ?? err) }),
  );
}

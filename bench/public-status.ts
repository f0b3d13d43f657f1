/**
 * 信息公开 under load: GET /public/projects/{code} (no token) with its in-process cache, beside two
 * baselines measured in the same run on the same store, in interleaved rounds: the same route with
 * the cache off (every request reads the store and computes the view) and GET /health. The public
 * rate limit still takes a token on every request, with a capacity raised so a single load
 * generator's address is never refused (the limit is measured apart by test/api/public.test.ts).
 * Store reads per request are counted by wrapping the store's read methods.
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from '../functions/http/app.js';
import { startProvince } from '../functions/local/province-runtime.js';
import { DomainError } from '../shared/domain/errors.js';
import {
  actors,
  admittedProjects,
  BENCH_STAGE,
  benchMaterials,
  benchProvince,
  block,
  ctxOf,
  envInt,
  ms,
  num,
  quietTelemetry,
  type Stats,
  stats,
  tempDir,
} from './lib.js';
import { generateLoad, type LoadRequest, loadMode } from './load.js';

export interface PublicSeries {
  name: string;
  stats: Stats;
  perSecond: number;
  statuses: Record<string, number>;
  /** store reads (get, getMany, query calls) per measured request */
  readsPerRequest: number;
}

export interface PublicStatusResult {
  concurrency: number;
  projects: number;
  rounds: number;
  mode: string;
  cached: PublicSeries;
  uncached: PublicSeries;
  health: PublicSeries;
}

export async function publicStatusBench(): Promise<PublicStatusResult> {
  const concurrency = Math.max(1, envInt('BENCH_PUBLIC_CONCURRENCY', 16));
  const perRound = envInt('BENCH_PUBLIC_REQUESTS', 1000);
  const rounds = Math.max(1, envInt('BENCH_PUBLIC_ROUNDS', 3));
  const projectCount = Math.max(1, envInt('BENCH_PUBLIC_PROJECTS', 20));
  const mode = loadMode();

  const province = benchProvince(envInt('BENCH_ITEMS', 15));
  const dir = tempDir('gc-bench-public-');
  const runtime = await startProvince({
    province,
    telemetry: quietTelemetry(province),
    dataDir: dir.path,
    peersDir: join(dir.path, 'peers'),
    port: 0,
    sweepEveryMs: 0,
  });
  // count the store's reads, whoever makes them
  const counts = { reads: 0 };
  const store = runtime.store as unknown as Record<'get' | 'getMany' | 'query', (...a: unknown[]) => unknown>;
  for (const m of ['get', 'getMany', 'query'] as const) {
    const original = store[m]!.bind(runtime.store);
    store[m] = (...a: unknown[]) => {
      counts.reads += 1;
      return original(...a);
    };
  }
  const noTokens = {
    verify: async () => {
      throw new DomainError('unauthenticated', 'UNAUTHENTICATED', '请先登录');
    },
  };
  const unlimited = { capacity: 1e9, perSecond: 1e9 };
  const cachedApp = createApp(runtime.services, { verifier: noTokens, limits: { publicRate: unlimited } });
  const uncachedApp = createApp(runtime.services, {
    verifier: noTokens,
    limits: { publicRate: unlimited, publicCacheSeconds: 0 },
  });
  const servers = [cachedApp, uncachedApp].map((app) =>
    serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }),
  );
  try {
    await Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve, reject) => {
            if (s.listening) resolve();
            s.once('listening', () => resolve());
            s.once('error', reject);
          }),
      ),
    );
    const [cachedUrl, uncachedUrl] = servers.map(
      (s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    );

    // consented projects, each with its first stage accepted (never timed)
    const materials = benchMaterials(province);
    const codes: string[] = [];
    for (const projectId of await admittedProjects(runtime.services, projectCount)) {
      const c = await runtime.services.cases.submit(ctxOf(actors.applicant), {
        projectId,
        stage: BENCH_STAGE,
        materials,
      });
      await runtime.services.cases.actOnAcceptance(ctxOf(actors.window), c.value.id, c.version, {
        outcome: 'accept',
      });
      const p = await runtime.services.projects.get(ctxOf(actors.applicant), projectId);
      await runtime.services.publicDisclosure.setConsent(ctxOf(actors.applicant), projectId, true, p.version);
      codes.push(p.value.projectCode);
    }

    const list = (base: string, path: (i: number) => string): LoadRequest[] =>
      Array.from({ length: perRound }, (_, i) => ({ method: 'GET', url: base + path(i), headers: {} }));
    const publicPath = (i: number) => `/public/projects/${codes[i % codes.length]!}`;
    const plans = {
      cached: () => list(cachedUrl!, publicPath),
      uncached: () => list(uncachedUrl!, publicPath),
      health: () => list(cachedUrl!, () => '/health'),
    };
    const acc = {
      cached: {
        latencies: [] as number[],
        wallMs: 0,
        reads: 0,
        statuses: {} as Record<string, number>,
        n: 0,
      },
      uncached: {
        latencies: [] as number[],
        wallMs: 0,
        reads: 0,
        statuses: {} as Record<string, number>,
        n: 0,
      },
      health: {
        latencies: [] as number[],
        wallMs: 0,
        reads: 0,
        statuses: {} as Record<string, number>,
        n: 0,
      },
    };
    for (let round = 0; round < rounds; round += 1) {
      for (const name of ['cached', 'uncached', 'health'] as const) {
        const requests = plans[name]();
        const warmup = requests.slice(0, Math.min(50, requests.length));
        // warm-up outside the count: the cache's first fill per code belongs here on round one
        await generateLoad({ concurrency, warmup, requests: [] }, mode);
        const before = counts.reads;
        const r = await generateLoad({ concurrency, warmup: [], requests }, mode);
        if (r.firstError) console.error(`  ! ${name}: first error ${r.firstError}`);
        const a = acc[name];
        a.latencies.push(...r.latencies);
        a.wallMs += r.wallMs;
        a.reads += counts.reads - before;
        a.n += r.latencies.length;
        for (const [k, v] of Object.entries(r.statuses)) a.statuses[k] = (a.statuses[k] ?? 0) + v;
      }
    }
    const series = (name: string, a: (typeof acc)['cached']): PublicSeries => ({
      name,
      stats: stats(a.latencies),
      perSecond: a.n / (a.wallMs / 1000),
      statuses: a.statuses,
      readsPerRequest: a.n === 0 ? Number.NaN : a.reads / a.n,
    });
    const result: PublicStatusResult = {
      concurrency,
      projects: codes.length,
      rounds,
      mode,
      cached: series('GET /public/projects/{code} (cache on)', acc.cached),
      uncached: series('GET /public/projects/{code} (cache off)', acc.uncached),
      health: series('GET /health', acc.health),
    };
    const rows: [string, string][] = [
      [
        'setup',
        `${codes.length} consented projects, stage 1 accepted, ${rounds} interleaved rounds of ${perRound} requests each, concurrency ${concurrency}, load ${mode}`,
      ],
    ];
    for (const s of [result.cached, result.uncached, result.health]) {
      rows.push([
        s.name,
        `${num(s.perSecond, 0)} req/s, p50 ${ms(s.stats.p50)}, p99 ${ms(s.stats.p99)}, max ${ms(s.stats.max)}; ${num(s.readsPerRequest, 3)} store reads/request; statuses ${JSON.stringify(s.statuses)}`,
      ]);
    }
    block('Public project status (信息公开) under load', rows);
    return result;
  } finally {
    await Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            (s as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      ),
    );
    await runtime.stop();
    dir.remove();
  }
}

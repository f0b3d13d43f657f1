import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { handle } from 'hono/aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as Compose from '../../functions/aws/compose.js';
import { lambdaTelemetry, SERVICE, traced, tracingOn } from '../../functions/aws/observability.js';
import { createApp } from '../../functions/http/app.js';
import { createLocalSigner } from '../../functions/http/auth.js';
import { APP_METRICS } from '../../infra/constructs/alarms.js';
import { SqliteStore } from '../../shared/adapters/sqlite/sqlite-store.js';
import { jsonTelemetry, METRICS_NAMESPACE } from '../../shared/adapters/system/json-logger.js';
import type { DomainEvent } from '../../shared/ports/runtime.js';
import { METRICS } from '../../shared/ports/telemetry.js';
import type { Deps } from '../../shared/services/deps.js';
import { createServices } from '../../shared/services/index.js';
import { AUDIENCE, actors, ISSUER, projectBody } from '../support/api-client.js';
import { AWS_ENV } from '../support/aws-env.js';
import { applicant, MemoryBlobStore, newSigner, supervisor, TestClock } from '../support/province-harness.js';

/**
 * Observability on Lambda (functions/aws/observability.ts): the entries' JSON log lines carry the
 * request, province, case and correlation ids, their metrics are EMF blobs CloudWatch turns into
 * the metrics the alarms watch, and the local runtime writes the same shapes.
 */

// The relay entry builds its ports at import: it gets these instead of DynamoDB and EventBridge.
const wiring = vi.hoisted(() => ({ deps: undefined as unknown }));
vi.mock('../../functions/aws/compose.js', async (importActual) => ({
  ...(await importActual<typeof Compose>()),
  awsDeps: () => wiring.deps,
  createAwsDeps: () => wiring.deps,
}));

/** Every JSON line written to stdout while `run` runs (Powertools writes through process.stdout). */
async function stdoutLines<T>(
  run: () => Promise<T>,
): Promise<{ result: T; lines: Record<string, unknown>[] }> {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  try {
    const result = await run();
    const lines = written
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    return { result, lines };
  } finally {
    spy.mockRestore();
  }
}

type Emf = {
  _aws: {
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
} & Record<string, unknown>;
const emfBlobs = (lines: Record<string, unknown>[]) => lines.filter((l) => '_aws' in l) as Emf[];
const metricNames = (blob: Emf) => blob._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map((x) => x.Name));

const stores: SqliteStore[] = [];
beforeEach(() => {
  for (const [k, v] of Object.entries(AWS_ENV)) vi.stubEnv(k, v);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

/** The AWS composition with only what would reach AWS replaced (as nothing-after-response does). */
async function awsLikeDeps() {
  const { createAwsDeps } = await vi.importActual<typeof Compose>('../../functions/aws/compose.js');
  const store = SqliteStore.open(':memory:');
  stores.push(store);
  const published: DomainEvent[] = [];
  const clock = new TestClock('2026-03-02');
  const deps: Deps = {
    ...createAwsDeps(AWS_ENV),
    store,
    events: { publish: async (events) => void published.push(...events) },
    signer: newSigner(),
    blobs: new MemoryBlobStore(),
    clock,
  };
  return { deps, clock, published };
}

describe('Lambda observability (Powertools)', () => {
  it('the API Lambda writes one JSON line per request with request, province, case and correlation ids', async () => {
    const { deps } = await awsLikeDeps();
    const tokens = await createLocalSigner({ issuer: ISSUER, audience: AUDIENCE });
    const api = handle(
      createApp(createServices(deps), { verifier: tokens.verifier(), logger: lambdaTelemetry('JS').logger }),
    ) as unknown as (
      event: unknown,
      context: unknown,
    ) => Promise<{ statusCode: number; headers: Record<string, string> }>;
    const token = await tokens.sign(actors.supervisor);
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: '/cases/C-20260302-0042',
      rawQueryString: '',
      headers: { authorization: `Bearer ${token}`, host: 'api.js.example', 'x-correlation-id': 'corr-api-1' },
      requestContext: {
        accountId: '111111111111',
        apiId: 'api',
        domainName: 'api.js.example',
        domainPrefix: 'api',
        http: {
          method: 'GET',
          path: '/cases/C-20260302-0042',
          protocol: 'HTTP/1.1',
          sourceIp: '203.0.113.7',
          userAgent: 'vitest',
        },
        requestId: 'Ab1CdEfGhIjKlM=',
        routeKey: '$default',
        stage: '$default',
        time: new Date().toISOString(),
        timeEpoch: Date.now(),
      },
      isBase64Encoded: false,
    };
    const { result, lines } = await stdoutLines(() => api(event, { awsRequestId: 'lambda-req-1' }));
    expect(result.statusCode).toBe(404);
    expect(result.headers['x-correlation-id']).toBe('corr-api-1');
    const line = lines.find((l) => l.message === 'request');
    expect(line).toMatchObject({
      level: 'INFO',
      service: SERVICE,
      // API Gateway's request id, so the line is found from the API's access log
      requestId: 'Ab1CdEfGhIjKlM=',
      province: 'JS',
      caseId: 'C-20260302-0042',
      correlationId: 'corr-api-1',
      method: 'GET',
      status: 404,
    });
    expect(Date.parse(String(line?.timestamp))).not.toBeNaN();
  });

  it('the outbox relay entry logs its run and emits relay lag, published and decisions as EMF', async () => {
    const { deps, clock, published } = await awsLikeDeps();
    const services = createServices(deps);
    const ctx = (base: typeof applicant extends () => infer C ? C : never) => ({
      ...base,
      correlationId: 'corr-9',
    });
    const p = await services.projects.register(
      ctx(applicant()),
      projectBody() as Parameters<typeof services.projects.register>[1],
    );
    const applied = await services.projects.applyAdmission(ctx(applicant()), p.value.id, p.version);
    await services.projects.decideAdmission(ctx(supervisor), p.value.id, applied.version, {
      admit: true,
      reasons: '省级重点项目，符合准入条件',
    });
    // the relay runs a day late: every event waited exactly a day
    clock.setDate('2026-03-03');
    wiring.deps = deps;
    const { handler } = await import('../../functions/lambda/outbox-relay.js');
    const { result, lines } = await stdoutLines(() =>
      handler({ Records: [{}, {}] }, { awsRequestId: 'relay-req-1' }),
    );
    expect(result).toEqual({ published: 3, failed: 0 });
    expect(published.map((e) => e.correlationId)).toEqual(['corr-9', 'corr-9', 'corr-9']);

    expect(lines.find((l) => l.message === 'outbox-relay')).toMatchObject({
      level: 'INFO',
      requestId: 'relay-req-1',
      province: 'JS',
      source: 'stream',
      records: 2,
    });
    const blobs = emfBlobs(lines);
    const relay = blobs.find((b) => metricNames(b).includes(METRICS.relayLag));
    expect(relay?._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'GreenChannel',
      Dimensions: [expect.arrayContaining(['service', 'province'])],
    });
    expect(relay).toMatchObject({
      province: 'JS',
      service: SERVICE,
      [METRICS.relayLag]: 86_400_000,
      [METRICS.relayPublished]: 3,
      [METRICS.relayFailures]: 0,
    });
    const decisions = blobs.find((b) => metricNames(b).includes(METRICS.decisions));
    expect(decisions).toMatchObject({ decision: 'admit', [METRICS.decisions]: 1, province: 'JS' });
    expect(decisions?._aws.CloudWatchMetrics[0]?.Dimensions[0]).toEqual(
      expect.arrayContaining(['service', 'province', 'decision']),
    );
  });

  it('the local runtime writes the same log keys and the same EMF shape', async () => {
    const lines: string[] = [];
    const local = jsonTelemetry({ service: SERVICE, province: 'JS', write: (l) => lines.push(l) });
    local.logger.child({ requestId: 'r-1' }).info('request', { caseId: 'C-1', correlationId: 'c-1' });
    local.metrics.add(METRICS.relayLag, 'Milliseconds', 1200);
    local.metrics.add(METRICS.decisions, 'Count', 2, { decision: 'approve' });
    local.metrics.flush();
    const [log, ...blobs] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);

    const onLambda = await stdoutLines(async () => {
      const t = lambdaTelemetry('JS');
      t.logger.child({ requestId: 'r-1' }).info('request', { caseId: 'C-1', correlationId: 'c-1' });
      t.metrics.add(METRICS.relayLag, 'Milliseconds', 1200);
      t.metrics.add(METRICS.decisions, 'Count', 2, { decision: 'approve' });
      t.metrics.flush();
    });
    const lambdaLog = onLambda.lines.find((l) => l.message === 'request')!;
    for (const key of ['level', 'message', 'service', 'province', 'requestId', 'caseId', 'correlationId']) {
      expect(lambdaLog, key).toHaveProperty(key);
      expect(log, key).toHaveProperty(key, lambdaLog[key]);
    }
    expect(Date.parse(String(log?.timestamp))).not.toBeNaN();
    const shape = (b: Record<string, unknown>) => {
      const [m] = (b as Emf)._aws.CloudWatchMetrics;
      return { ns: m!.Namespace, dims: [...m!.Dimensions[0]!].sort(), metrics: m!.Metrics };
    };
    const lambdaBlobs = emfBlobs(onLambda.lines).map(shape);
    for (const blob of blobs) expect(lambdaBlobs).toContainEqual(shape(blob));
  });

  it('the alarms read the namespace and service the functions write', () => {
    expect(APP_METRICS).toEqual({ namespace: METRICS_NAMESPACE, service: SERVICE });
  });
});

describe('X-Ray', () => {
  it('leaves clients untouched where tracing is off (no Tracer loaded)', () => {
    const client = { send: async () => 'sent' };
    const send = client.send;
    expect(tracingOn({ AWS_LAMBDA_FUNCTION_NAME: 'fn' })).toBe(false);
    expect(
      tracingOn({ AWS_LAMBDA_FUNCTION_NAME: 'fn', AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000' }),
    ).toBe(true);
    expect(
      tracingOn({
        AWS_LAMBDA_FUNCTION_NAME: 'fn',
        AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000',
        POWERTOOLS_TRACE_ENABLED: 'false',
      }),
    ).toBe(false);
    expect(traced(client, {}).send).toBe(send);
  });

  it('Powertools is imported by the AWS observability module only', () => {
    const root = resolve(import.meta.dirname, '../..');
    const files = (dir: string): string[] =>
      readdirSync(join(root, dir)).flatMap((n) => {
        const p = join(dir, n);
        return statSync(join(root, p)).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
      });
    const importers = ['shared', 'functions', 'infra']
      .flatMap(files)
      .filter((f) => readFileSync(join(root, f), 'utf8').includes('@aws-lambda-powertools/'))
      .map((f) => relative(root, join(root, f)));
    expect(importers).toEqual(['functions/aws/observability.ts']);
  });
});

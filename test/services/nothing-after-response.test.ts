import { AsyncResource, createHook, executionAsyncId } from 'node:async_hooks';
import { handle } from 'hono/aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsDeps } from '../../functions/aws/compose.js';
import { createApp } from '../../functions/http/app.js';
import { createLocalSigner } from '../../functions/http/auth.js';
import { SqliteStore } from '../../shared/adapters/sqlite/sqlite-store.js';
import type { DomainEvent, EventPublisher } from '../../shared/ports/runtime.js';
import type { Deps } from '../../shared/services/deps.js';
import { createServices } from '../../shared/services/index.js';
import { relayIdle } from '../../shared/services/unit-of-work.js';
import { AUDIENCE, actors, ISSUER, projectBody } from '../support/api-client.js';
import { AWS_ENV } from '../support/aws-env.js';
import { applicant, MemoryBlobStore, newSigner, TestClock } from '../support/province-harness.js';

/**
 * Nothing after the response (issue 11): Lambda freezes the execution environment once a handler's
 * promise resolves, so work still running then is cut off until (and unless) the environment is
 * thawed by a later invocation. The API Lambda's composition (createAwsDeps) must leave nothing
 * behind: the test tracks every async resource the invocation creates and fails if any of them
 * runs a callback after the handler has returned.
 */

/** A bus a network hop away: each PutEvents takes a few milliseconds. */
class SlowBus implements EventPublisher {
  readonly published: DomainEvent[] = [];
  async publish(events: DomainEvent[]) {
    await new Promise((r) => setTimeout(r, 5));
    this.published.push(...events);
  }
}

/**
 * Runs one invocation and reports the callbacks of its async resources (promises, timers,
 * immediates, ticks) that ran after it returned, and the timers it left armed.
 */
async function invokeAndWatch<T>(invoke: () => Promise<T>) {
  const mine = new Map<number, string>();
  const armed = new Set<number>();
  const ranAfter: string[] = [];
  let returned = false;
  const hook = createHook({
    init(id, type, trigger) {
      // Only what the invocation creates; resources created after it returned can only be run by
      // one of these (which is then reported), or belong to the test itself.
      if (returned || !(mine.has(trigger) || mine.has(executionAsyncId()))) return;
      mine.set(id, type);
      if (type === 'Timeout' || type === 'Immediate') armed.add(id);
    },
    before(id) {
      if (returned && mine.has(id)) ranAfter.push(mine.get(id)!);
    },
    destroy(id) {
      armed.delete(id);
    },
  });
  const root = new AsyncResource('LambdaInvocation');
  mine.set(root.asyncId(), 'LambdaInvocation');
  hook.enable();
  let result: T;
  try {
    result = await root.runInAsyncScope(invoke);
    returned = true;
    // The frozen environment's view: give anything detached every chance to show itself.
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 60));
  } finally {
    hook.disable();
  }
  return { result, ranAfter, armedTimers: armed.size };
}

function apiEvent(method: string, path: string, token: string, body: unknown, ifMatch: string) {
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'if-match': ifMatch,
      host: 'api.js.example',
    },
    requestContext: {
      accountId: '111111111111',
      apiId: 'api',
      domainName: 'api.js.example',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'vitest' },
      requestId: `req-${now.getTime()}`,
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    body: body === undefined ? null : JSON.stringify(body),
    isBase64Encoded: false,
  };
}

const stores: SqliteStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

/**
 * The API Lambda as functions/lambda/api.ts builds it, from createAwsDeps, with only the clients that
 * would reach AWS replaced: the embedded store for DynamoDB, a slow bus for EventBridge, a local key
 * for KMS. `relay` overrides the composition's choice (the old behaviour, to show the test bites).
 */
async function awsApi(relay?: Deps['relay']) {
  const store = SqliteStore.open(':memory:');
  stores.push(store);
  const bus = new SlowBus();
  const deps: Deps = {
    ...createAwsDeps(AWS_ENV),
    store,
    events: bus,
    signer: newSigner(),
    blobs: new MemoryBlobStore(),
    clock: new TestClock('2026-03-02'),
    ...(relay ? { relay } : {}),
  };
  const services = createServices(deps);
  const tokens = await createLocalSigner({ issuer: ISSUER, audience: AUDIENCE });
  type LambdaResult = { statusCode: number; body: string };
  const lambda = handle(createApp(services, { verifier: tokens.verifier() }));
  const handler = lambda as unknown as (event: unknown, context: unknown) => Promise<LambdaResult>;
  // A project waiting for its admission decision.
  const project = await services.projects.register(
    applicant(),
    projectBody() as Parameters<typeof services.projects.register>[1],
  );
  const applied = await services.projects.applyAdmission(applicant(), project.value.id, project.version);
  const decision = apiEvent(
    'POST',
    `/projects/${project.value.id}/admission/decision`,
    await tokens.sign(actors.supervisor),
    { admit: true, reasons: '省级重点项目，符合准入条件' },
    `"${applied.version}"`,
  );
  // A warm environment: one request first, so process-wide lazy loading (Node's fetch internals
  // compile their HTTP parser on first use) is not mistaken for work of the watched invocation.
  const health = await handler(apiEvent('GET', '/health', '', undefined, ''), {});
  expect(health.statusCode).toBe(200);
  // the events of registering and applying are relayed first, so only the decision's remain
  await relayIdle(deps);
  await services.relayOutbox();
  bus.published.length = 0;
  return { deps, services, store, bus, decide: () => handler(decision, {}) };
}

describe('nothing after the response (AWS composition)', () => {
  it('createAwsDeps starts no background relay after commits', () => {
    expect(createAwsDeps(AWS_ENV).relay).toBe('none');
  });

  it('the API Lambda decides, returns, and leaves no work running; the stream relay then publishes', async () => {
    const api = await awsApi();
    const { result, ranAfter, armedTimers } = await invokeAndWatch(api.decide);
    expect(result.statusCode, result.body).toBe(200);
    expect(ranAfter).toEqual([]);
    expect(armedTimers).toBe(0);
    // the decision's events wait in the outbox for the stream-triggered relay ...
    const waiting = await api.store.dueOutbox(new Date(Date.now() + 60_000).toISOString(), 100);
    expect(waiting.length).toBeGreaterThan(0);
    expect(api.bus.published).toEqual([]);
    // ... which publishes them when the stream invokes it
    const report = await api.services.relayOutbox();
    expect(report).toEqual({ published: waiting.length, failed: 0 });
  });

  it('the old behaviour (a background relay kicked by each commit) is caught running after the response', async () => {
    const api = await awsApi('background');
    const { result, ranAfter } = await invokeAndWatch(api.decide);
    expect(result.statusCode, result.body).toBe(200);
    expect(ranAfter.length).toBeGreaterThan(0);
    // on Lambda this is the work that would be frozen mid-flight
    expect(api.bus.published.length).toBeGreaterThan(0);
  });
});

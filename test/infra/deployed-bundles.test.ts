import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTableInput } from '../../shared/adapters/dynamodb/dynamodb-store.js';
import type { EventPattern } from '../../shared/domain/event-pattern.js';
import { matchesPattern } from '../../shared/domain/event-pattern.js';
import type { Actor } from '../../shared/domain/model.js';
import { signEnvelope, verifyEnvelope } from '../../shared/domain/signature.js';
import { projectBody } from '../support/api-client.js';
import {
  httpApiEvent,
  type RunningFunction,
  type SynthesizedStack,
  startFunction,
  synthesizeProvince,
} from '../support/deployed-stack.js';
import {
  type DynamoDbLocal,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startDynamoDbLocal,
} from '../support/dynamodb-local.js';
import { type FakeAws, startFakeAws } from '../support/fake-aws.js';
import { applicant, ORG_A, reviewer, supervisor, windowOfficer } from '../support/province-harness.js';

/**
 * The Lambda bundles as deployed: 江苏's stack synthesized with bundling on, each function's
 * index.mjs imported from its cdk.out asset folder in its own node process, with the environment
 * the template gives it. Its tokens are replaced by local stand-ins: the table by a table in
 * DynamoDB Local, Step Functions, EventBridge, KMS and S3 by a recording fake (test/support/
 * fake-aws.ts), the identity provider's JWKS by a local server. Then real-shaped events: API
 * Gateway HTTP API requests, Step Functions task inputs, a DynamoDB stream batch, EventBridge events
 * and the sweeper's schedule — a project registered and shared, a case applied, accepted and
 * decided, the outbox relayed, a partner's event recognised.
 */

const PROVINCE = 'JS';
const STAGE = 'projectApproval';
const CHOSEN = ['investmentApproval'];
const ZJ_KEY_ID = 'zj-deployed-bundles-test';

let outdir: string;
let stack: SynthesizedStack;
let dynamo: DynamoDbLocal | undefined;
let db: DynamoDBClient | undefined;
let fake: FakeAws | undefined;
let jwksServer: Server | undefined;
const tableName = `green-channel-deployed-${process.pid}`;
const running: Record<string, RunningFunction> = {};
let tokenFor: (actor: Actor) => Promise<string>;
const zj = generateKeyPairSync('ec', { namedCurve: 'P-256' });

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'gc-deployed-'));
  stack = synthesizeProvince(PROVINCE, outdir);

  dynamo = await startDynamoDbLocal();
  db = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  await db.send(new CreateTableCommand(createTableInput(tableName)));
  fake = await startFakeAws();

  // the identity provider: its JWKS served locally, tokens signed with its key
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig' };
  jwk.kid = await calculateJwkThumbprint(jwk);
  jwksServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwksServer!.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;

  const api = stack.fn(/HTTP API/);
  tokenFor = (actor) => {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, string | boolean> = { name: actor.name, role: actor.role };
    for (const k of ['creditCode', 'department', 'unit', 'province'] as const)
      if (actor[k]) claims[k] = actor[k];
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: jwk.kid!, typ: 'JWT' })
      .setSubject(actor.id)
      .setIssuer(api.environment.TOKEN_ISSUER!)
      .setAudience(api.environment.TOKEN_AUDIENCE!)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .setJti(randomUUID())
      .sign(privateKey);
  };

  // 浙江's signing key pinned the way an operator pins it: one more key in PARTNERS
  const partners = JSON.parse(api.environment.PARTNERS!) as Record<string, Record<string, unknown>>;
  partners.ZJ = {
    ...partners.ZJ,
    keys: [
      { keyId: ZJ_KEY_ID, publicKeyPem: zj.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    ],
  };

  const local = {
    TABLE_NAME: tableName,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    ...fake.env,
    PARTNERS: JSON.stringify(partners),
  };
  const roles = {
    api: [/HTTP API/, { ...local, JWKS_URL: jwksUrl }],
    workflowTask: [/workflow tasks/, local],
    relay: [/outbox relay/, local],
    partnerEvents: [/partner province events/, local],
    sweeper: [/deadline sweeper/, local],
  } as const;
  await Promise.all(
    Object.entries(roles).map(async ([role, [description, env]]) => {
      running[role] = await startFunction(stack.fn(description), stack.region, env);
    }),
  );
}, 300_000);

afterAll(async () => {
  await Promise.all(Object.values(running).map((f) => f.stop()));
  db?.destroy();
  await dynamo?.stop();
  await fake?.close();
  await new Promise((resolve) => (jwksServer ? jwksServer.close(resolve) : resolve(undefined)));
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

interface HttpResult {
  status: number;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are inspected loosely
  body: any;
}

async function http(
  who: Actor | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const auth: Record<string, string> = who ? { authorization: `Bearer ${await tokenFor(who)}` } : {};
  const event = httpApiEvent(method, path, {
    headers: { ...auth, ...headers },
    ...(body !== undefined ? { body } : {}),
  });
  const res = await running.api!.invoke(event);
  const text = res.isBase64Encoded ? Buffer.from(res.body, 'base64').toString('utf8') : (res.body ?? '');
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: res.statusCode, headers: res.headers ?? {}, body: parsed };
}

/** What an EventBridge schedule hands a function. */
const scheduledEvent = () => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '111111111111',
  time: new Date().toISOString(),
  region: stack.region,
  resources: [],
  detail: {},
});

const etag = (r: HttpResult) => r.headers.etag ?? r.headers.ETag ?? '';
const callsOf = (operation: string) => fake!.calls.filter((c) => c.operation === operation);

async function outboxKeys() {
  const out = await db!.send(
    new ScanCommand({
      TableName: tableName,
      FilterExpression: 'begins_with(pk, :p)',
      ExpressionAttributeValues: { ':p': { S: 'OUTBOX#' } },
      ProjectionExpression: 'pk, sk',
    }),
  );
  return out.Items ?? [];
}

/** A DynamoDB stream batch (KEYS_ONLY), as the event source mapping hands it to the function. */
function streamBatch(keys: Awaited<ReturnType<typeof outboxKeys>>) {
  const arn = `arn:aws-cn:dynamodb:${stack.region}:111111111111:table/${tableName}/stream/2026-01-01T00:00:00.000`;
  return keys.map((Keys, i) => ({
    eventID: randomUUID().replace(/-/g, ''),
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: stack.region,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys,
      SequenceNumber: String(1000 + i),
      SizeBytes: 60,
      StreamViewType: 'KEYS_ONLY',
    },
    eventSourceARN: arn,
  }));
}

/** The stream event source mapping's filters from the template: what reaches the relay. */
function streamFilters(): EventPattern[] {
  const mappings = Object.values(stack.template.Resources).filter(
    (r) => r.Type === 'AWS::Lambda::EventSourceMapping' && r.Properties.StartingPosition,
  );
  expect(mappings).toHaveLength(1);
  return (mappings[0]!.Properties.FilterCriteria?.Filters ?? []).map(
    (f: { Pattern: string }) => JSON.parse(f.Pattern) as EventPattern,
  );
}

const actors = {
  applicant: applicant(ORG_A).actor,
  supervisor: supervisor.actor,
  windowOfficer: windowOfficer.actor,
  reviewer: (department: string) => reviewer(department).actor,
};

describe('the deployed Lambda bundles (江苏, from cdk.out)', () => {
  const projectCode = '2026-320000-48-01-009901';
  let caseId = '';
  let items: { code: string; department: string }[] = [];

  it('each function is a bundle in its own asset folder, started with the template’s environment', () => {
    expect(stack.functions.map((f) => f.description).sort()).toEqual(
      [
        'green-channel JS: HTTP API',
        'green-channel JS: deadline sweeper',
        'green-channel JS: outbox relay',
        'green-channel JS: partner province events',
        'green-channel JS: stage-case workflow tasks',
      ].sort(),
    );
    for (const f of stack.functions) {
      expect(f.dir.startsWith(outdir), f.description).toBe(true);
      // the table is the one variable every function needs a local stand-in for
      expect(f.tokens, f.description).toContain('TABLE_NAME');
    }
    expect(Object.keys(running).sort()).toEqual(['api', 'partnerEvents', 'relay', 'sweeper', 'workflowTask']);
  });

  it('API: registers a project shared with 浙江, applies, is admitted and submits a case (Step Functions started)', async () => {
    const reg = await http(
      actors.applicant,
      'POST',
      '/projects',
      projectBody(projectCode, { partnerProvinces: ['ZJ'] }),
      {
        'idempotency-key': 'deployed-reg-1',
      },
    );
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    expect(reg.body).toMatchObject({ id: projectCode, admission: { status: 'notApplied' } });
    // stored in the table the template names (DynamoDB Local here)
    const scanned = await db!.send(new ScanCommand({ TableName: tableName, Select: 'COUNT' }));
    expect(scanned.Count).toBeGreaterThan(0);

    const anonymous = await http(undefined, 'GET', `/projects/${projectCode}`);
    expect(anonymous.status).toBe(401);

    const applied = await http(actors.applicant, 'POST', `/projects/${projectCode}/admission`, undefined, {
      'if-match': etag(reg),
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    const admitted = await http(
      actors.supervisor,
      'POST',
      `/projects/${projectCode}/admission/decision`,
      { admit: true, reasons: '省级重点项目，符合准入条件' },
      { 'if-match': etag(applied) },
    );
    expect(admitted.status, JSON.stringify(admitted.body)).toBe(200);
    expect(admitted.body.admission.status).toBe('admitted');

    const submitted = await http(actors.applicant, 'POST', '/cases', {
      projectId: projectCode,
      stage: STAGE,
      itemCodes: CHOSEN,
      materials: await materialsFor(),
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    caseId = submitted.body.id;
    items = submitted.body.items.map((i: { code: string; department: string }) => ({
      code: i.code,
      department: i.department,
    }));
    expect(items.map((i) => i.code)).toEqual(expect.arrayContaining(CHOSEN));

    const started = callsOf('StartExecution');
    expect(started).toHaveLength(1);
    expect(started[0]!.input.stateMachineArn).toBe(stack.fn(/HTTP API/).environment.STATE_MACHINE_ARN);
    expect(JSON.parse(started[0]!.input.input)).toMatchObject({ caseId, round: 1 });
  });

  it('workflow tasks and decisions: acceptance and each item wait on their task tokens; the API completes them', async () => {
    const wf = running.workflowTask!;
    expect(
      await wf.invoke({ action: 'awaitAcceptance', caseId, round: 1, token: 'token-acceptance' }),
    ).toEqual({
      waiting: true,
    });
    const current = await http(actors.applicant, 'GET', `/cases/${caseId}`);
    expect(current.status).toBe(200);
    const accepted = await http(
      actors.windowOfficer,
      'POST',
      `/cases/${caseId}/acceptance`,
      { outcome: 'accept' },
      { 'if-match': etag(current) },
    );
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(callsOf('SendTaskSuccess').map((c) => c.input.taskToken)).toEqual(['token-acceptance']);

    const listed = await wf.invoke({ action: 'listItems', caseId });
    expect(listed.items.map((i: { itemCode: string }) => i.itemCode).sort()).toEqual(
      items.map((i) => i.code).sort(),
    );
    for (const item of items) {
      expect(
        await wf.invoke({
          action: 'awaitItemDecision',
          caseId,
          itemCode: item.code,
          token: `token-${item.code}`,
        }),
      ).toEqual({ waiting: true });
    }
    let last: HttpResult | undefined;
    for (const item of items) {
      last = await http(
        actors.reviewer(item.department),
        'POST',
        `/cases/${caseId}/items/${item.code}/decision`,
        { outcome: 'approve', reasons: '符合审批条件' },
        { 'idempotency-key': `deployed-decide-${item.code}` },
      );
      expect(last.status, JSON.stringify(last.body)).toBe(200);
    }
    expect(last?.body.status).toBe('approved');
    expect(
      callsOf('SendTaskSuccess')
        .map((c) => c.input.taskToken)
        .sort(),
    ).toEqual(['token-acceptance', ...items.map((i) => `token-${i.code}`)].sort());
    expect(await wf.invoke({ action: 'consolidate', caseId })).toEqual({ outcome: 'approved' });
    expect(await wf.invoke({ action: 'closeStage', caseId })).toEqual({ closed: true });
  });

  it('outbox relay: the stream batch the filters let through drains the outbox to EventBridge, signed for 浙江 with KMS', async () => {
    const keys = await outboxKeys();
    expect(keys.length).toBeGreaterThan(0);
    const filters = streamFilters();
    const records = streamBatch(keys).filter((r) => filters.some((p) => matchesPattern(p, r)));
    expect(records).toHaveLength(keys.length);

    const report = await running.relay!.invoke({ Records: records });
    expect(report).toMatchObject({ failed: 0 });
    expect(report.published).toBeGreaterThanOrEqual(keys.length);
    expect(await outboxKeys()).toEqual([]);

    const entries = callsOf('PutEvents').flatMap((c) => c.input.Entries as Record<string, string>[]);
    const relay = stack.fn(/outbox relay/).environment;
    expect(
      entries.every((e) => e.EventBusName === relay.EVENT_BUS_NAME && e.Source === 'green-channel.JS'),
    ).toBe(true);
    const types = entries.map((e) => e.DetailType);
    expect(types).toEqual(expect.arrayContaining(['ProjectShared', 'ResultIssued']));

    // the envelope for 浙江 is signed by the province's KMS key and verifies with its public key
    const shared = JSON.parse(entries.find((e) => e.DetailType === 'ProjectShared')!.Detail!);
    expect(shared.data.partnerProvinces).toEqual(['ZJ']);
    const verified = verifyEnvelope(
      shared.data.envelope,
      [{ origin: 'JS', keyId: relay.SIGNING_KEY_ID!, publicKeyPem: fake!.kmsPublicKeyPem }],
      new Date(),
    );
    expect(verified.ok).toBe(true);
    expect(callsOf('Sign').length).toBeGreaterThan(0);

    // the schedule (safety net) finds nothing left
    const again = await running.relay!.invoke(scheduledEvent());
    expect(again).toMatchObject({ published: 0, failed: 0 });
  });

  it('partner events: 浙江’s signed ProjectShared is recognised once; a forged one is refused', async () => {
    // what 浙江's relay publishes, delivered by its rule to 江苏's bus and on to the function
    const zjProjectCode = '2026-330000-48-01-000042';
    const eventId = `ZJ-${randomUUID()}`;
    const payload = {
      kind: 'projectShared' as const,
      eventId,
      origin: 'ZJ',
      projectCode: zjProjectCode,
      partnerProvinces: ['JS'],
      name: '杭绍甬城际铁路配套工程',
      owner: { creditCode: '91330000MA27U0QX5P', name: '浙江交通投资集团有限公司' },
      category: 'provincialKey',
      city: '杭州市',
      investmentWan: 80_000,
      sharedAt: new Date().toISOString(),
    };
    const envelope = await signEnvelope(
      {
        keyId: ZJ_KEY_ID,
        sign: async (bytes) =>
          sign('sha256', bytes, { key: zj.privateKey, dsaEncoding: 'der' }).toString('base64'),
      },
      'ZJ',
      payload,
      new Date().toISOString(),
    );
    const event = (detailEnvelope: unknown) => ({
      version: '0',
      id: randomUUID(),
      'detail-type': 'ProjectShared',
      source: 'green-channel.ZJ',
      account: '222222222222',
      time: new Date().toISOString(),
      region: stack.region,
      resources: [],
      detail: {
        id: eventId,
        type: 'ProjectShared',
        version: 1,
        source: 'ZJ',
        time: new Date().toISOString(),
        subject: `project/${zjProjectCode}`,
        data: { partnerProvinces: ['JS'], envelope: detailEnvelope },
      },
    });

    const received = await running.partnerEvents!.invoke(event(envelope));
    expect(received).toMatchObject({ outcome: 'accepted' });
    expect(await running.partnerEvents!.invoke(event(envelope))).toMatchObject({ outcome: 'duplicate' });
    const forged = await running.partnerEvents!.invoke(
      event({ ...envelope, payload: { ...payload, investmentWan: 1 } }),
    );
    expect(forged).toMatchObject({ outcome: 'rejected' });
    expect(JSON.stringify(forged)).toMatch(/signature|hash/i);

    const listed = await http(actors.supervisor, 'GET', '/partner-projects');
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        origin: 'ZJ',
        projectCode: zjProjectCode,
        summary: expect.objectContaining({ investmentWan: 80_000 }),
      }),
    ]);
  });

  it('console: the page the API serves lets the browser reach the material bucket (CSP connect-src)', async () => {
    const env = stack.fn(/HTTP API/).environment;
    fake!.objects.set(
      `${env.CONSOLE_BUCKET}/index.html`,
      Buffer.from('<!doctype html><title>工程绿色通道</title>'),
    );
    const page = await http(undefined, 'GET', '/');
    expect(page.status).toBe(200);
    const csp = String(page.headers['content-security-policy'] ?? '');
    const connect = /connect-src ([^;]+)/.exec(csp)?.[1]?.split(' ');
    // the API, the identity provider, and the bucket the presigned URLs point at (here the stand-in)
    expect(connect).toEqual(["'self'", new URL(env.TOKEN_ISSUER!).origin, fake!.endpoint]);
  });

  it('sweeper: the schedule runs a sweep and anchors the audit trail with a checkpoint in the checkpoint bucket', async () => {
    const report = await running.sweeper!.invoke(scheduledEvent());
    expect(report).toEqual(expect.objectContaining({ lampChanges: expect.any(Array) }));
    const bucket = stack.fn(/deadline sweeper/).environment.CHECKPOINT_BUCKET!;
    const puts = callsOf('PutObject').filter((c) => c.input.Bucket === bucket);
    expect(puts.length).toBe(1);
    expect(fake!.objects.get(`${bucket}/${puts[0]!.input.Key}`)?.length).toBeGreaterThan(0);
    // the sweep saw the decided case: nothing of it is overdue
    expect(
      report.lampChanges.filter(
        (l: { caseId: string; lamp: string }) => l.caseId === caseId && l.lamp === 'red',
      ),
    ).toEqual([]);
  });
});

/** The materials the stage's required items and the chosen items need, from the API's catalogue. */
async function materialsFor(): Promise<{ code: string }[]> {
  const { loadProvince } = await import('../../shared/config/provinces/index.js');
  const province = loadProvince(PROVINCE);
  const cfg = province.stages.find((s) => s.stage === STAGE)!;
  const codes = new Set(
    cfg.items
      .filter((i) => i.required || CHOSEN.includes(i.code))
      .flatMap((i) => province.items.find((x) => x.code === i.code)!.materials),
  );
  return [...codes].map((code) => ({ code }));
}

/**
 * The AWS composition root: the same services as locally, wired to DynamoDB, Step Functions,
 * EventBridge, KMS (signing) and S3 (material content). Configuration comes from the environment
 * the CDK stack sets (infra/province-stack.ts).
 * Nothing here may import the embedded SQLite store: it is a native module the Lambda bundle lacks.
 *
 * Only DynamoDB is imported statically (every function reads the store). Every other client is a
 * lazy port: its adapter and SDK client sit in their own bundle chunk, loaded by the first call, so
 * a function loads only the clients it actually calls (test/infra/lambda-bundles.test.ts).
 * Every client is `traced` where it is built: X-Ray subsegments when the function's tracing is on.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { DynamoDbStore } from '../../shared/adapters/dynamodb/dynamodb-store.js';
import {
  configResolver,
  HttpPeerDirectory,
  type PeerAddress,
  pinKeys,
} from '../../shared/adapters/peers/http-peer-directory.js';
import { systemClock, timeSortableIds } from '../../shared/adapters/system/system-clock.js';
import { configuredPartnerKeys } from '../../shared/config/province-config.js';
import { loadProvince } from '../../shared/config/provinces/index.js';
import type { TrustedKey } from '../../shared/domain/signature.js';
import type { BlobStore } from '../../shared/ports/blobs.js';
import type { CheckpointLog } from '../../shared/ports/checkpoints.js';
import type { EventPublisher } from '../../shared/ports/runtime.js';
import type { Signer } from '../../shared/ports/signer.js';
import type { WorkflowEngine } from '../../shared/ports/workflow.js';
import type { Deps } from '../../shared/services/deps.js';
import {
  createCaseServices,
  createPartnerService,
  createServices,
  createSweep,
  type Services,
} from '../../shared/services/index.js';
import { ReportService } from '../../shared/services/reports.js';
import { parseIdempotencyTtlHours } from '../../shared/services/unit-of-work.js';
import { createWorkflowTasks } from '../../shared/services/workflow-tasks.js';
import { lazyPort } from './lazy.js';
import { traced } from './observability.js';
import { withWebhooks } from './webhooks.js';

type Env = Record<string, string | undefined>;

/** Reads required variables at once, so a misconfigured function names everything it lacks. */
export function requireEnv<K extends string>(env: Env, names: readonly K[]): Record<K, string> {
  const missing = names.filter((n) => !env[n]);
  if (missing.length > 0) throw new Error(`missing environment variable(s): ${missing.join(', ')}`);
  return Object.fromEntries(names.map((n) => [n, env[n]])) as Record<K, string>;
}

export const DEPS_ENV = [
  'PROVINCE',
  'TABLE_NAME',
  'STATE_MACHINE_ARN',
  'EVENT_BUS_NAME',
  'SIGNING_KEY_ID',
  'BLOB_BUCKET',
  'PARTNERS',
] as const;

const envKey = z.object({
  keyId: z.string().min(1).max(256),
  publicKeyPem: z.string(),
  validFrom: z.iso.datetime({ offset: true }).optional(),
  validUntil: z.iso.datetime({ offset: true }).optional(),
});

/**
 * PARTNERS as infra/config.ts partnersEnvironment writes it: code → { apiUrl, publicKeyPem?, keyId?,
 * keys? }. A partner signing with KMS names its KMS key id, so a bare publicKeyPem needs keyId too.
 */
const partnersEnvSchema = z.record(
  z.string().regex(/^[A-Z]{2}$/),
  z.object({
    apiUrl: z.url(),
    publicKeyPem: z.string().optional(),
    keyId: z.string().min(1).max(256).optional(),
    keys: z.array(envKey).optional(),
  }),
);

/** The partner keys the PARTNERS variable pins (in addition to the province configuration's). */
export function partnerKeysFromEnv(text: string): TrustedKey[] {
  const parsed = partnersEnvSchema.parse(JSON.parse(text));
  return Object.entries(parsed).flatMap(([origin, p]) => [
    ...(p.publicKeyPem && p.keyId ? [{ origin, publicKeyPem: p.publicKeyPem, keyId: p.keyId }] : []),
    ...(p.keys ?? []).map((k) => ({ origin, ...k })),
  ]);
}

export function parsePartnersEnv(text: string): Record<string, PeerAddress> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('PARTNERS is not valid JSON');
  }
  const parsed = partnersEnvSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`PARTNERS is malformed: ${parsed.error.message}`);
  return Object.fromEntries(
    Object.entries(parsed.data).map(([code, p]) => [
      code,
      // no trailing slash: the directory appends absolute paths
      { url: p.apiUrl.replace(/\/+$/, ''), ...(p.publicKeyPem ? { publicKeyPem: p.publicKeyPem } : {}) },
    ]),
  );
}

/** S3 material content, loaded on first use. */
export function lazyBlobs(bucket: string): BlobStore {
  return lazyPort(async () => {
    const [{ S3Client }, { S3BlobStore }] = await Promise.all([
      import('@aws-sdk/client-s3'),
      import('../../shared/adapters/blobs/s3-blob-store.js'),
    ]);
    return new S3BlobStore({ client: traced(new S3Client({})), bucket });
  });
}

function lazyCheckpoints(bucket: string): CheckpointLog {
  return lazyPort(async () => {
    const [{ S3Client }, { S3CheckpointLog }] = await Promise.all([
      import('@aws-sdk/client-s3'),
      import('../../shared/adapters/checkpoints/s3-checkpoint-log.js'),
    ]);
    return new S3CheckpointLog({ client: traced(new S3Client({})), bucket });
  });
}

/** The KMS signer; its key id (named in every envelope) is known without loading KMS. */
function lazySigner(keyId: string): Signer {
  return lazyPort<Signer>(
    async () => {
      const [{ KMSClient }, { KmsSigner }] = await Promise.all([
        import('@aws-sdk/client-kms'),
        import('../../shared/adapters/signing/kms-signer.js'),
      ]);
      return new KmsSigner({ client: traced(new KMSClient({})), keyId });
    },
    { keyId },
  );
}

function lazyWorkflow(stateMachineArn: string): WorkflowEngine {
  return lazyPort(async () => {
    const [{ SFNClient }, { StepFunctionsWorkflowEngine }] = await Promise.all([
      import('@aws-sdk/client-sfn'),
      import('../../shared/adapters/sfn/sfn-workflow.js'),
    ]);
    return new StepFunctionsWorkflowEngine({ client: traced(new SFNClient({})), stateMachineArn });
  });
}

function lazyEvents(busName: string): EventPublisher {
  return lazyPort(async () => {
    const [{ EventBridgeClient }, { EventBridgePublisher }] = await Promise.all([
      import('@aws-sdk/client-eventbridge'),
      import('../../shared/adapters/eventbridge/eventbridge-publisher.js'),
    ]);
    return new EventBridgePublisher({ client: traced(new EventBridgeClient({})), busName });
  });
}

export function createAwsDeps(env: Env = process.env): Deps {
  const vars = requireEnv(env, DEPS_ENV);
  // Region and credentials come from the Lambda environment (AWS_REGION and the role). The clients
  // connect lazily: a function whose role lacks KMS or S3 rights simply never calls them.
  const signer = lazySigner(vars.SIGNING_KEY_ID);
  const province = loadProvince(vars.PROVINCE);
  return {
    province,
    store: new DynamoDbStore({ client: traced(new DynamoDBClient({})), tableName: vars.TABLE_NAME }),
    workflow: lazyWorkflow(vars.STATE_MACHINE_ARN),
    // the relay's publisher also sends the configured webhooks (secret from Secrets Manager)
    events: withWebhooks(lazyEvents(vars.EVENT_BUS_NAME), env, vars.PROVINCE),
    clock: systemClock,
    ids: timeSortableIds,
    signer,
    ...parseIdempotencyTtlHours(env.GC_IDEMPOTENCY_TTL_HOURS),
    // Nothing after the response: Lambda freezes the environment once a handler returns, so commits
    // start no background relay; the table's stream invokes the relay function (and a schedule).
    relay: 'none',
    blobs: lazyBlobs(vars.BLOB_BUCKET),
    // only the functions that write or read checkpoints are given the bucket
    ...(env.CHECKPOINT_BUCKET ? { checkpoints: lazyCheckpoints(env.CHECKPOINT_BUCKET) } : {}),
    peers: new HttpPeerDirectory(
      vars.PROVINCE,
      signer,
      configResolver(parsePartnersEnv(vars.PARTNERS)),
      // pinned once per cold start, from configuration only
      pinKeys([...configuredPartnerKeys(province), ...partnerKeysFromEnv(vars.PARTNERS)]),
    ),
  };
}

let cachedDeps: Deps | undefined;
let cached: Services | undefined;

/**
 * Ports and services built once per execution environment (module scope outlives an invocation), so
 * SDK clients keep their connections and the province config is parsed once per cold start.
 */
export function awsDeps(): Deps {
  cachedDeps ??= createAwsDeps();
  return cachedDeps;
}

export function awsServices(): Services {
  cached ??= createServices(awsDeps());
  return cached;
}

/*
 * The functions other than the API call a few services each; composed from the same pieces as
 * createServices, their bundles leave out every service (and domain module) they never call
 * (test/infra/lambda-bundles.test.ts). The outbox relay calls relayOutbox on awsDeps() alone.
 */

/** The Step Functions task function's services. */
export function awsWorkflowServices() {
  const deps = awsDeps();
  return { deps, workflowTasks: createWorkflowTasks(deps, createCaseServices(deps).cases) };
}

/** The partner-events function's services. */
export function awsPartnerServices() {
  const deps = awsDeps();
  return { deps, partners: createPartnerService(deps, createCaseServices(deps).cases) };
}

/** The scheduled sweeper function's services. */
export function awsSweeperServices() {
  const deps = awsDeps();
  const { calendar, cases } = createCaseServices(deps);
  return { deps, sweep: createSweep(deps, cases, calendar, new ReportService(deps, calendar)) };
}

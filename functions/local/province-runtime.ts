import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { serve } from '@hono/node-server';
import { FileBlobStore } from '../../shared/adapters/blobs/file-blob-store.js';
import { FileCheckpointLog } from '../../shared/adapters/checkpoints/file-checkpoint-log.js';
import { FileConsoleAssets } from '../../shared/adapters/console/file-console-assets.js';
import { LocalEventBus } from '../../shared/adapters/local-bus/local-event-bus.js';
import { LocalWorkflowEngine } from '../../shared/adapters/local-workflow/local-workflow.js';
import {
  folderResolver,
  HttpPeerDirectory,
  type PeerResolver,
  pinKeys,
  readPublishedKey,
  registerInFolder,
} from '../../shared/adapters/peers/http-peer-directory.js';
import { loadOrCreateLocalSigner } from '../../shared/adapters/signing/local-signer.js';
import { SqliteStore } from '../../shared/adapters/sqlite/sqlite-store.js';
import { jsonTelemetry } from '../../shared/adapters/system/json-logger.js';
import { systemClock, timeSortableIds } from '../../shared/adapters/system/system-clock.js';
import { WEBHOOK_EVENT_TYPES, webhookTarget } from '../../shared/adapters/webhook/webhook-target.js';
import { configuredPartnerKeys, type ProvinceConfig } from '../../shared/config/province-config.js';
import { eventSource, forwardPattern } from '../../shared/domain/cross-province-rules.js';
import type { TrustedKey } from '../../shared/domain/signature.js';
import type { BlobStore } from '../../shared/ports/blobs.js';
import type { Clock } from '../../shared/ports/runtime.js';
import type { Signer } from '../../shared/ports/signer.js';
import type { Telemetry } from '../../shared/ports/telemetry.js';
import type { Deps } from '../../shared/services/deps.js';
import { createServices, type Services } from '../../shared/services/index.js';
import { recordSweep, watchPublishing } from '../../shared/services/operation-metrics.js';
import { kickRelay, parseIdempotencyTtlHours, relayIdle } from '../../shared/services/unit-of-work.js';
import { createApp } from '../http/app.js';
import { createLocalSigner } from '../http/auth.js';
import type { DemoUser } from '../http/console.js';
import { CONSOLE_DIST } from './console-build.js';
import { demoActors, demoOrganisations } from './demo-actors.js';
import { publishedKeyFile } from './key-files.js';

export interface ProvinceRuntimeOptions {
  province: ProvinceConfig;
  /** folder for this province's store, keys and material content */
  dataDir: string;
  /** folder where the local provinces publish their address and public key to each other */
  peersDir: string;
  /** 0 picks a free port */
  port: number;
  host?: string;
  clock?: Clock;
  /** how often the deadline sweeper runs; 0 disables the timer (it can still run on demand) */
  sweepEveryMs?: number;
  /** how often the outbox relay retries what could not be published at once */
  relayEveryMs?: number;
  /** on stop, how long requests in flight may take to finish (default 10 s) */
  drainMs?: number;
  /** the built console to serve at `/` (default web/dist) */
  consoleDir?: string;
  /** overrides how partners are found (tests); defaults to the peers folder (addresses only) */
  peerResolver?: PeerResolver;
  /**
   * The partner keys to pin (tests). Default: the configured keys, and for a partner without any,
   * the public key its signer published in its data folder, read once here at start.
   */
  partnerKeys?: TrustedKey[];
  /** structured logs and metrics (default: JSON lines on stdout, as on Lambda) */
  telemetry?: Telemetry;
  /** material content (tests: an S3 store against a stand-in bucket); default files under dataDir */
  blobs?: BlobStore;
}

export interface ProvinceRuntime {
  province: ProvinceConfig;
  url: string;
  services: Services;
  store: SqliteStore;
  workflow: LocalWorkflowEngine;
  bus: LocalEventBus;
  /** signs sign-in tokens (JWT) for the demo users */
  tokens: Awaited<ReturnType<typeof createLocalSigner>>;
  /** signs what the province sends to partners */
  resultSigner: Signer;
  /** the demo users with their sign-in tokens (the console's sign-in page lists the same) */
  demoUsers(): Promise<DemoUser[]>;
  /** re-enters the workflow of every case that has not finished it */
  resume(): Promise<number>;
  stop(): Promise<void>;
}

/** Configured keys first; a partner configured without keys gets the key it published locally. */
function localPartnerKeys(province: ProvinceConfig, dataRoot: string): TrustedKey[] {
  const configured = configuredPartnerKeys(province);
  const published = province.partners
    .filter((p) => !configured.some((k) => k.origin === p.code))
    .flatMap((p) => readPublishedKey(p.code, publishedKeyFile(dataRoot, p.code)) ?? []);
  return [...configured, ...published];
}

export const TOKEN_AUDIENCE = 'green-channel';

/** How long a stopping province waits for requests in flight before it cuts what is left. */
const DRAIN_MS = 10_000;

interface DrainableServer {
  close(callback: () => void): void;
  closeIdleConnections(): void;
  closeAllConnections(): void;
}

/**
 * Stops accepting connections and lets requests in flight finish: idle keep-alive connections are
 * closed at once (they would hold the port for seconds), busy ones when their response is sent, and
 * whatever is still open after `drainMs` is cut.
 */
export async function drainServer(server: DrainableServer, drainMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // a response that completes leaves its connection idle; close those as they appear
  const idle = setInterval(() => server.closeIdleConnections(), 50);
  const cut = setTimeout(() => server.closeAllConnections(), drainMs);
  try {
    await closed;
  } finally {
    clearInterval(idle);
    clearTimeout(cut);
  }
}
/**
 * Demo tokens last a day and are signed afresh at every start (each with its own jti), so a token
 * copied out of tokens.json or a screenshot is worthless by the next day. A demo left running
 * longer re-signs them once they are half used up.
 */
export const DEMO_TOKEN_TTL_SECONDS = 24 * 3600;
export const tokenIssuer = (code: string) => `green-channel-local-${code}`;

/**
 * One province on one machine: embedded store, in-process ASL runner, local bus whose rules
 * forward cross-province events to partners over HTTP, outbox relay, sweeper, HTTP API.
 */
export async function startProvince(options: ProvinceRuntimeOptions): Promise<ProvinceRuntime> {
  const { province } = options;
  mkdirSync(options.dataDir, { recursive: true });
  const store = SqliteStore.open(join(options.dataDir, 'store.db'));
  const resultSigner = await loadOrCreateLocalSigner(join(options.dataDir, 'result-signing-key.pem'));
  const peers = new HttpPeerDirectory(
    province.code,
    resultSigner,
    options.peerResolver ?? folderResolver(options.peersDir),
    pinKeys(options.partnerKeys ?? localPartnerKeys(province, dirname(options.dataDir))),
  );
  const bus = new LocalEventBus();
  for (const partner of province.partners) {
    bus.addRule(
      `forward-to-${partner.code}`,
      forwardPattern(province.code, partner.code),
      peers.forwardTo(partner.code),
    );
  }
  // Outbound webhook for notifications (e.g. a government messaging gateway), when configured.
  const hookUrl = process.env.GC_WEBHOOK_URL;
  const hookSecret = process.env.GC_WEBHOOK_SECRET;
  if (hookUrl && hookSecret) {
    bus.addRule(
      'webhook',
      { source: [eventSource(province.code)], 'detail-type': [...WEBHOOK_EVENT_TYPES] },
      webhookTarget({ url: hookUrl, secret: hookSecret }),
    );
  }
  const telemetry = options.telemetry ?? jsonTelemetry({ service: 'green-channel', province: province.code });
  // what the relay publishes gives the relay lag and the decisions, as on Lambda
  const watch = watchPublishing(bus, options.clock ?? systemClock);
  let services: Services | undefined;
  const workflow = new LocalWorkflowEngine({
    tasks: { handle: (request) => services!.workflowTasks.handle(request) },
    onError: (caseId, err) => console.error(`[${province.code}] workflow of ${caseId} failed`, err),
  });
  const deps: Deps = {
    province,
    store,
    workflow,
    events: watch.publisher,
    clock: options.clock ?? systemClock,
    ids: timeSortableIds,
    signer: resultSigner,
    blobs: options.blobs ?? new FileBlobStore(join(options.dataDir, 'blobs')),
    // a folder of its own, which the store never writes
    checkpoints: new FileCheckpointLog(join(options.dataDir, 'audit-checkpoints')),
    peers,
    ...parseIdempotencyTtlHours(process.env.GC_IDEMPOTENCY_TTL_HOURS),
    // the process lives on: each commit starts the relay at once (and a timer catches the rest)
    relay: 'background',
  };
  services = createServices(deps);
  const tokens = await createLocalSigner({
    keyFile: join(options.dataDir, 'signing-key.json'),
    issuer: tokenIssuer(province.code),
    audience: TOKEN_AUDIENCE,
  });
  const organisations = new Map(demoOrganisations(province).map((o) => [o.creditCode, o.name]));
  const organisationOf = (creditCode: string) => organisations.get(creditCode) ?? creditCode;
  let signed: Promise<DemoUser[]> | undefined;
  let signedAt = 0;
  const demoUsers = () => {
    if (Date.now() - signedAt > (DEMO_TOKEN_TTL_SECONDS * 1000) / 2) {
      signed = undefined;
      signedAt = Date.now();
    }
    signed ??= Promise.all(
      demoActors(province).map(async (a) => ({
        id: a.id,
        name: a.name,
        role: a.role,
        ...(a.unit ? { unit: a.unit } : {}),
        ...(a.department ? { department: a.department } : {}),
        ...(a.lead ? { lead: a.lead } : {}),
        ...(a.creditCode ? { creditCode: a.creditCode } : {}),
        ...(a.creditCode ? { organisation: organisationOf(a.creditCode) } : {}),
        token: await tokens.sign(a, DEMO_TOKEN_TTL_SECONDS),
      })),
    );
    return signed;
  };
  const app = createApp(services, {
    logger: telemetry.logger,
    verifier: tokens.verifier(),
    console: {
      assets: new FileConsoleAssets(options.consoleDir ?? CONSOLE_DIST),
      signIn: { mode: 'demo' },
      demoUsers,
    },
  });

  const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host ?? '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${address.port}`;
  registerInFolder(options.peersDir, province.code, {
    url,
    publicKeyPem: await resultSigner.publicKeyPem(),
    keyId: resultSigner.keyId,
    pid: process.pid,
  });

  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, what: string, run: () => Promise<unknown>) => {
    if (ms <= 0) return;
    const timer = setInterval(() => {
      run().catch((err) => console.error(`[${province.code}] ${what} failed`, err));
    }, ms);
    timer.unref();
    timers.push(timer);
  };
  every(options.sweepEveryMs ?? 60_000, 'sweep', async () => {
    const started = performance.now();
    const report = await services!.sweep();
    telemetry.logger.info('sweep', recordSweep(report, performance.now() - started, telemetry.metrics));
    telemetry.metrics.flush();
  });
  every(options.relayEveryMs ?? 1_000, 'outbox relay', async () => {
    kickRelay(deps);
    // what the relay published since the last tick (the relay runs after every commit as well)
    watch.emit(telemetry.metrics);
    telemetry.metrics.flush();
  });
  // expired idempotency records already answer nothing; this frees their space
  every(3_600_000, 'idempotency purge', () => store.purgeIdempotency(deps.clock.now().toISOString()));
  // task-token records outlive their waits; past their retention no execution can wait on them
  every(3_600_000, 'task-token purge', () => store.purgeTaskTokens(deps.clock.now().toISOString()));

  return {
    province,
    url,
    services,
    store,
    workflow,
    bus,
    tokens,
    resultSigner,
    demoUsers,
    resume: () => services!.resumeWorkflows(),
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await drainServer(server as DrainableServer, options.drainMs ?? DRAIN_MS);
      await workflow.stop();
      await relayIdle(deps);
      await store.close();
    },
  };
}

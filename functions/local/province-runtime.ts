import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { LocalEventBus } from '../../shared/adapters/local-bus/local-event-bus.js';
import { LocalWorkflowEngine } from '../../shared/adapters/local-workflow/local-workflow.js';
import { SqliteStore } from '../../shared/adapters/sqlite/sqlite-store.js';
import { systemClock, timeSortableIds } from '../../shared/adapters/system/system-clock.js';
import type { ProvinceConfig } from '../../shared/config/province-config.js';
import type { Clock } from '../../shared/ports/runtime.js';
import type { Deps } from '../../shared/services/deps.js';
import { createServices, type Services } from '../../shared/services/index.js';
import { createApp } from '../http/app.js';
import { createLocalSigner } from '../http/auth.js';

export interface ProvinceRuntimeOptions {
  province: ProvinceConfig;
  /** folder for this province's store and signing key */
  dataDir: string;
  /** 0 picks a free port */
  port: number;
  host?: string;
  clock?: Clock;
  /** how often the deadline sweeper runs; 0 disables the timer (it can still run on demand) */
  sweepEveryMs?: number;
}

export interface ProvinceRuntime {
  province: ProvinceConfig;
  url: string;
  services: Services;
  store: SqliteStore;
  workflow: LocalWorkflowEngine;
  bus: LocalEventBus;
  signer: Awaited<ReturnType<typeof createLocalSigner>>;
  /** re-enters the workflow of every case that has not finished it */
  resume(): Promise<number>;
  stop(): Promise<void>;
}

export const TOKEN_AUDIENCE = 'green-channel';
export const tokenIssuer = (code: string) => `green-channel-local-${code}`;

/** One province on one machine: embedded store, in-process ASL runner, local bus, sweeper, HTTP. */
export async function startProvince(options: ProvinceRuntimeOptions): Promise<ProvinceRuntime> {
  const { province } = options;
  mkdirSync(options.dataDir, { recursive: true });
  const store = SqliteStore.open(join(options.dataDir, 'store.db'));
  const bus = new LocalEventBus();
  let services: Services | undefined;
  const workflow = new LocalWorkflowEngine({
    tasks: { handle: (request) => services!.workflowTasks.handle(request) },
    onError: (caseId, err) => console.error(`[${province.code}] workflow of ${caseId} failed`, err),
  });
  const deps: Deps = {
    province,
    store,
    workflow,
    events: bus,
    clock: options.clock ?? systemClock,
    ids: timeSortableIds,
  };
  services = createServices(deps);
  const signer = await createLocalSigner({
    keyFile: join(options.dataDir, 'signing-key.json'),
    issuer: tokenIssuer(province.code),
    audience: TOKEN_AUDIENCE,
  });
  const app = createApp(services, { verifier: signer.verifier() });

  const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host ?? '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${address.port}`;

  const runtime: ProvinceRuntime = {
    province,
    url,
    services,
    store,
    workflow,
    bus,
    signer,
    resume: () => services!.resumeWorkflows(),
    async stop() {
      if (timer) clearInterval(timer);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await workflow.stop();
      await store.close();
    },
  };

  let timer: NodeJS.Timeout | undefined;
  const every = options.sweepEveryMs ?? 60_000;
  if (every > 0) {
    timer = setInterval(() => {
      services!.sweep().catch((err) => console.error(`[${province.code}] sweep failed`, err));
    }, every);
    timer.unref();
  }
  return runtime;
}

import { createHash, generateKeyPairSync } from 'node:crypto';
import '../../shared/adapters/local-workflow/promise-with-resolvers.js';
import { creditCode } from '../../functions/local/demo-actors.js';
import { LocalEventBus } from '../../shared/adapters/local-bus/local-event-bus.js';
import { LocalWorkflowEngine } from '../../shared/adapters/local-workflow/local-workflow.js';
import {
  HttpPeerDirectory,
  type PeerResolver,
  pinKeys,
} from '../../shared/adapters/peers/http-peer-directory.js';
import { localSignerFromPem } from '../../shared/adapters/signing/local-signer.js';
import { SqliteStore } from '../../shared/adapters/sqlite/sqlite-store.js';
import { timeSortableIds } from '../../shared/adapters/system/system-clock.js';
import type { ProvinceConfig } from '../../shared/config/province-config.js';
import { jiangsu } from '../../shared/config/provinces/jiangsu.js';
import type { Actor, Stage } from '../../shared/domain/model.js';
import { publicKeyFingerprint, type TrustedKey } from '../../shared/domain/signature.js';
import type { BlobStore } from '../../shared/ports/blobs.js';
import type { CheckpointLog } from '../../shared/ports/checkpoints.js';
import type { Clock } from '../../shared/ports/runtime.js';
import type { Signer } from '../../shared/ports/signer.js';
import type { Ctx } from '../../shared/services/context.js';
import { createServices, type Services } from '../../shared/services/index.js';
import { relayIdle } from '../../shared/services/unit-of-work.js';

/** A clock tests move by hand; dates are Shanghai noon so the calendar day is unambiguous. */
export class TestClock implements Clock {
  private current: Date;
  constructor(isoDate: string) {
    this.current = new Date(`${isoDate}T04:00:00Z`);
  }
  now() {
    return new Date(this.current);
  }
  setDate(isoDate: string) {
    this.current = new Date(`${isoDate}T04:00:00Z`);
  }
}

export const ORG_A = { creditCode: creditCode('91320000134768398'), name: '江苏交通控股有限公司' };
export const ORG_B = { creditCode: creditCode('91320500MA1MXX8A3'), name: '苏州城市建设发展集团有限公司' };

export const applicant = (org = ORG_A): Ctx => ({
  actor: { id: `applicant-${org.creditCode}`, name: '经办人', role: 'applicant', creditCode: org.creditCode },
});
export const windowOfficer: Ctx = {
  actor: { id: 'window-1', name: '王敏', role: 'windowOfficer', unit: '省政务服务中心绿色通道专窗' },
};
export const supervisor: Ctx = { actor: { id: 'sup-1', name: '赵刚', role: 'supervisor' } };
export const reviewer = (department: string): Ctx => ({
  actor: { id: `reviewer-${department}`, name: `${department}审查员`, role: 'reviewer', department },
});
/** 部门负责人: signs off the department's refusals (拒绝须上一级签发). */
export const departmentLead = (department: string): Ctx => ({
  actor: { id: `lead-${department}`, name: `${department}负责人`, role: 'reviewer', department, lead: true },
});
export const asActor = (actor: Actor): Ctx => ({ actor });

export interface Harness {
  services: Services;
  store: SqliteStore;
  workflow: LocalWorkflowEngine;
  bus: LocalEventBus;
  clock: TestClock;
  province: ProvinceConfig;
  signer: Signer;
  peers: HttpPeerDirectory;
  stop(): Promise<void>;
}

/** Material content in memory: the file and S3 stores pass the same contract suite. */
export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, { bytes: Uint8Array; contentType: string }>();
  async put(bytes: Uint8Array, contentType: string) {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (!this.blobs.has(sha256)) this.blobs.set(sha256, { bytes: new Uint8Array(bytes), contentType });
    return { sha256, size: bytes.length };
  }
  async get(sha256: string) {
    return this.blobs.get(sha256);
  }
  async has(sha256: string) {
    return this.blobs.has(sha256);
  }
  async stat(sha256: string) {
    const blob = this.blobs.get(sha256);
    return blob && { size: blob.bytes.length, contentType: blob.contentType };
  }
  async verify(sha256: string) {
    const blob = this.blobs.get(sha256);
    if (!blob) return undefined;
    const verifiedSha256 = createHash('sha256').update(blob.bytes).digest('hex');
    return { size: blob.bytes.length, contentType: blob.contentType, verifiedSha256 };
  }
  async directOrigin() {
    return undefined;
  }
  /** Presigned transfers need a store that can receive them: pass a FileBlobStore to the harness. */
  async presignUpload(): Promise<never> {
    throw new Error('MemoryBlobStore cannot presign; give the harness a FileBlobStore');
  }
  async presignDownload(): Promise<never> {
    throw new Error('MemoryBlobStore cannot presign; give the harness a FileBlobStore');
  }
}

export function newSigner(): Signer {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return localSignerFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
}

export interface HarnessOptions {
  path?: string;
  clock?: TestClock;
  province?: ProvinceConfig;
  signer?: Signer;
  /** how partners are found; defaults to none. Keys it gives are pinned at creation. */
  peers?: PeerResolver;
  /** the partner keys to pin instead (rotation tests) */
  partnerKeys?: TrustedKey[];
  /** where audit checkpoints go; none by default */
  checkpoints?: CheckpointLog;
  /** material content; in memory by default (presigned transfers need a FileBlobStore) */
  blobs?: BlobStore;
}

export function makeHarness(options: HarnessOptions = {}): Harness {
  const store = SqliteStore.open(options.path ?? ':memory:');
  const clock = options.clock ?? new TestClock('2026-03-02');
  const bus = new LocalEventBus();
  const signer = options.signer ?? newSigner();
  const resolve = options.peers ?? (() => undefined);
  // Pinned once here, as the runtime pins them at start.
  const pinned = (options.province ?? jiangsu).partners.flatMap((p) => {
    const pem = resolve(p.code)?.publicKeyPem;
    return pem ? [{ origin: p.code, publicKeyPem: pem, keyId: publicKeyFingerprint(pem) }] : [];
  });
  const peers = new HttpPeerDirectory(
    (options.province ?? jiangsu).code,
    signer,
    resolve,
    pinKeys(options.partnerKeys ?? pinned),
  );
  let services: Services | undefined;
  const workflow = new LocalWorkflowEngine({
    tasks: { handle: (r) => services!.workflowTasks.handle(r) },
    onError: (caseId, err) => console.error(`workflow ${caseId}`, err),
  });
  const province = options.province ?? jiangsu;
  services = createServices({
    province,
    store,
    workflow,
    events: bus,
    clock,
    ids: timeSortableIds,
    signer,
    blobs: options.blobs ?? new MemoryBlobStore(),
    peers,
    ...(options.checkpoints ? { checkpoints: options.checkpoints } : {}),
  });
  return {
    services,
    store,
    workflow,
    bus,
    clock,
    province,
    signer,
    peers,
    async stop() {
      await workflow.stop();
      await relayIdle(services!.deps);
      await store.close();
    },
  };
}

/** Every required material of the stage's required items (optionally leaving some out). */
export function stageMaterials(province: ProvinceConfig, stage: Stage, omit: string[] = []) {
  const cfg = province.stages.find((s) => s.stage === stage)!;
  const codes = new Set(
    cfg.items
      .filter((i) => i.required)
      .flatMap((i) => province.items.find((x) => x.code === i.code)!.materials),
  );
  return [...codes].filter((c) => !omit.includes(c)).map((code) => ({ code }));
}

let serial = 100;
/** Registers and admits a project; returns its id. */
export async function admittedProject(h: Harness, org = ORG_A): Promise<string> {
  serial += 1;
  const project = await h.services.projects.register(applicant(org), {
    projectCode: `2026-320000-48-01-${String(serial).padStart(6, '0')}`,
    name: `测试重点项目${serial}`,
    ownerName: org.name,
    category: 'provincialKey',
    location: { city: '南京市' },
    investmentWan: 50_000,
    governmentInvested: true,
  });
  const applied = await h.services.projects.applyAdmission(applicant(org), project.value.id, project.version);
  await h.services.projects.decideAdmission(supervisor, project.value.id, applied.version, {
    admit: true,
    reasons: '符合准入条件',
  });
  return project.value.id;
}

/** An admitted project's 立项用地规划许可 stage case, submitted with every required material. */
export async function submittedCase(h: Harness) {
  const projectId = await admittedProject(h);
  return h.services.cases.submit(applicant(), {
    projectId,
    stage: 'projectApproval',
    materials: stageMaterials(h.province, 'projectApproval'),
  });
}

/** The same, accepted by the window: its items are under review. */
export async function acceptedCase(h: Harness) {
  const c = await submittedCase(h);
  return h.services.cases.actOnAcceptance(windowOfficer, c.value.id, c.version, { outcome: 'accept' });
}

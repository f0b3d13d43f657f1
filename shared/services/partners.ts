import { CHECKPOINT_EVENT_TYPE } from '../domain/audit-checkpoint.js';
import { authorize, can } from '../domain/authz.js';
import {
  applyPartnerPayload,
  type CrossProvincePayload,
  crossProvincePayloadSchema,
  EVENT_TYPE_OF_KIND,
  type PartnerProject,
  partnerProjectId,
  recognisedLocalItems,
  sha256OfBytes,
} from '../domain/cross-province.js';
import { DomainError, forbidden, invalid, notFound } from '../domain/errors.js';
import { busEventSchema } from '../domain/events.js';
import type { Project, StageCase } from '../domain/model.js';
import { keyValidAt, verifyEnvelope } from '../domain/signature.js';
import { verifySignedRequest } from '../domain/signed-request.js';
import type { Page } from '../ports/store.js';
import type { Ctx } from './context.js';
import { SYSTEM_ACTOR } from './context.js';
import type { Deps } from './deps.js';
import {
  confirmUploaded,
  DOWNLOAD_URL_SECONDS,
  type MaterialContent,
  materialContent,
  presignMaterialUpload,
  type UploadDeclaration,
} from './material-transfer.js';
import { receivePartnerCheckpoint } from './partner-checkpoints.js';
import { pageOpts, projectIndexes } from './projects.js';
import { signedEventDraft } from './signed-events.js';
import { commit, load, nowIso } from './unit-of-work.js';

/** One aggregated row of refused inbound events (per sender and reason). */
export interface RejectedEventRow {
  eventId?: string | undefined;
  source?: string | undefined;
  type?: string | undefined;
  reason: string;
  /** the claimed partner when configured, else 'unknown' */
  sender: string;
  /** how many events were refused for this sender and reason */
  count: number;
  firstAt: string;
  /** the latest refusal */
  at: string;
}

export type ReceiveOutcome = { outcome: 'accepted' | 'duplicate' } | { outcome: 'rejected'; reason: string };

/**
 * 区域协同: what crosses to partner provinces and what comes back. Outgoing payloads are signed
 * and travel as domain events through the outbox; incoming ones are verified against the partner's
 * key, checked for schema and permission, deduplicated by event id and folded into a read-only view
 * of the partner's project. Anything refused is recorded, never silently dropped.
 */
export class PartnerService {
  constructor(
    private readonly deps: Deps,
    private readonly onResultRecognised: (projectCode: string) => Promise<void>,
  ) {}

  private get self() {
    return this.deps.province.code;
  }

  async receive(raw: unknown): Promise<ReceiveOutcome> {
    const parsed = busEventSchema.safeParse(raw);
    if (!parsed.success) return this.reject(raw, 'malformed');
    const event = parsed.data;
    const origin = event.source.startsWith('green-channel.')
      ? event.source.slice('green-channel.'.length)
      : '';
    if (origin === this.self) return this.reject(event, 'loop');
    if (!this.deps.province.partners.some((p) => p.code === origin))
      return this.reject(event, 'unknownSender');
    // EventBridge gives the bus event its own id; the domain event id travels in the detail.
    if (event.detail.source !== origin) return this.reject(event, 'sourceMismatch');

    const keys = this.deps.peers.trustedKeys(origin);
    if (keys.length === 0) return this.reject(event, 'unknownKey');
    const verified = verifyEnvelope(event.detail.data.envelope, keys, this.deps.clock.now());
    if (!verified.ok) return this.reject(event, verified.reason);
    // 审计检查点 travel the same signed link but are not about a project: kept per origin.
    if (event['detail-type'] === CHECKPOINT_EVENT_TYPE) {
      const kept = await receivePartnerCheckpoint(this.deps, event, verified.envelope, origin);
      return 'rejected' in kept ? this.reject(event, kept.rejected) : kept;
    }
    const payload = crossProvincePayloadSchema.safeParse(verified.envelope.payload);
    if (!payload.success) return this.reject(event, 'schema');
    const p = payload.data;
    if (p.origin !== origin || p.eventId !== event.detail.id) return this.reject(event, 'envelopeMismatch');
    if (EVENT_TYPE_OF_KIND[p.kind] !== event['detail-type'] || event.detail.type !== event['detail-type']) {
      return this.reject(event, 'typeMismatch');
    }
    if (!p.partnerProvinces.includes(this.self)) return this.reject(event, 'notAddressed');

    const outcome = await this.apply(p, {
      contentHash: verified.envelope.contentHash,
      signature: verified.envelope.signature,
      keyId: verified.envelope.keyId,
    });
    // a result, its revocation and the sharing that names the owner all change what is recognised
    if (outcome.outcome === 'accepted' && p.kind !== 'materialShared')
      await this.onResultRecognised(p.projectCode);
    return outcome;
  }

  private async apply(
    payload: CrossProvincePayload,
    proof: { contentHash: string; signature: string; keyId: string },
  ): Promise<ReceiveOutcome> {
    const id = partnerProjectId(payload.origin, payload.projectCode);
    const scope = `inbound:${payload.origin}`;
    for (let attempt = 0; ; attempt++) {
      if (await this.deps.store.getIdempotency(scope, payload.eventId)) return { outcome: 'duplicate' };
      const current = await this.deps.store.get<PartnerProject>('partnerProject', id);
      const receivedAt = nowIso(this.deps);
      const localItems =
        payload.kind === 'resultIssued'
          ? recognisedLocalItems(this.deps.province.recognition, payload.origin, payload.itemCode)
          : [];
      const next = applyPartnerPayload(current?.value, payload, proof, localItems, receivedAt);
      const type = {
        projectShared: 'PartnerProjectShared',
        resultIssued: 'PartnerResultReceived',
        materialShared: 'PartnerMaterialShared',
        resultRevoked: 'PartnerResultRevoked',
      }[payload.kind];
      try {
        // The dedupe record lands in the same transaction as the change it guards.
        await commit(
          this.deps,
          {
            actor: SYSTEM_ACTOR,
            idempotency: { scope, key: payload.eventId, requestHash: proof.contentHash },
          },
          [
            {
              kind: 'partnerProject',
              id,
              expectedVersion: current?.version ?? 0,
              value: next,
              indexes: [
                { index: 'status', key: 'partnerProject', sort: `${payload.projectCode}#${payload.origin}` },
              ],
              events: [
                {
                  type,
                  actor: `partner:${payload.origin}`,
                  at: receivedAt,
                  data: {
                    eventId: payload.eventId,
                    contentHash: proof.contentHash,
                    ...(payload.kind === 'resultIssued'
                      ? { itemCode: payload.itemCode, resultNo: payload.resultNo, localItems }
                      : {}),
                    ...(payload.kind === 'materialShared' ? { sha256: payload.sha256 } : {}),
                    ...(payload.kind === 'resultRevoked'
                      ? { itemCode: payload.itemCode, resultNo: payload.resultNo, reason: payload.reasonZh }
                      : {}),
                  },
                },
              ],
            },
          ],
          { status: 202, body: { outcome: 'accepted' } },
        );
        return { outcome: 'accepted' };
      } catch (err) {
        if (err instanceof DomainError && err.code === 'IDEMPOTENCY_KEY_USED')
          return { outcome: 'duplicate' };
        if (err instanceof DomainError && err.code === 'VERSION_CONFLICT' && attempt < 5) continue;
        throw err;
      }
    }
  }

  /**
   * Refused events are kept with the reason, for supervisors and auditors to see, aggregated: one
   * row per (sender, reason) with a count, the first and the latest refusal. The sender is the
   * claimed partner when it is a configured one, otherwise 'unknown', so a flood of forged events,
   * whatever they claim, adds at most (partners + 1) × reasons rows. The audit trail records the
   * 1st, 2nd, 4th, 8th… refusal of each row (logarithmic), not every one.
   */
  private async reject(raw: unknown, reason: string): Promise<ReceiveOutcome> {
    const event = (raw ?? {}) as {
      id?: unknown;
      source?: unknown;
      'detail-type'?: unknown;
      detail?: { id?: unknown };
    };
    const rawId = event.detail?.id ?? event.id;
    const eventId = typeof rawId === 'string' ? rawId.slice(0, 200) : undefined;
    const source = typeof event.source === 'string' ? event.source.slice(0, 100) : undefined;
    const claimed = source?.startsWith('green-channel.') ? source.slice('green-channel.'.length) : '';
    const sender = this.deps.province.partners.some((p) => p.code === claimed) ? claimed : 'unknown';
    const id = `${sender}:${reason.slice(0, 64)}`;
    for (let attempt = 0; attempt < 8; attempt++) {
      const current = await this.deps.store.get<RejectedEventRow>('rejectedEvent', id);
      const at = nowIso(this.deps);
      const count = (current?.value.count ?? 0) + 1;
      const value: RejectedEventRow = {
        eventId,
        source,
        type: typeof event['detail-type'] === 'string' ? event['detail-type'].slice(0, 100) : undefined,
        reason,
        sender,
        count,
        firstAt: current?.value.firstAt ?? at,
        at,
      };
      try {
        await commit(this.deps, undefined, [
          {
            kind: 'rejectedEvent',
            id,
            expectedVersion: current?.version ?? 0,
            value,
            indexes: [{ index: 'status', key: 'rejectedEvent', sort: `${at}#${id}` }],
            events:
              (count & (count - 1)) === 0
                ? [
                    {
                      type: 'InboundEventRejected',
                      actor: 'system',
                      at,
                      data: { reason, sender, count, ...(eventId ? { eventId } : {}) },
                    },
                  ]
                : [],
          },
        ]);
        break;
      } catch (err) {
        // Concurrent refusals race for the same row: count again on the fresh version.
        if (!(err instanceof DomainError && err.code === 'VERSION_CONFLICT')) throw err;
      }
    }
    return { outcome: 'rejected', reason };
  }

  /** What partners told this province about one project code (one view per origin). */
  async viewsOf(ctx: Ctx, projectCode: string): Promise<PartnerProject[]> {
    const views = await this.views(projectCode);
    if (views.length === 0) throw notFound('PARTNER_PROJECT_NOT_FOUND', '没有合作省份共享该项目');
    const owners = views.map((v) => v.summary?.owner.creditCode).filter(Boolean);
    authorize(ctx.actor, 'partnerProject.read', { ownerCreditCode: owners[0] ?? '' });
    return views;
  }

  async views(projectCode: string): Promise<PartnerProject[]> {
    return partnerViewsOf(this.deps, projectCode);
  }

  async list(ctx: Ctx, options: { cursor?: string; limit?: number }): Promise<Page<PartnerProject>> {
    authorize(ctx.actor, 'partnerProject.read');
    const page = await this.deps.store.query('status', 'partnerProject', pageOpts(options));
    const items = await this.deps.store.getMany<PartnerProject>(
      'partnerProject',
      page.items.map((h) => h.id),
    );
    return { items: items.map((i) => i.value), ...(page.cursor ? { cursor: page.cursor } : {}) };
  }

  async rejected(ctx: Ctx, options: { cursor?: string; limit?: number }) {
    authorize(ctx.actor, 'partnerProject.read');
    const page = await this.deps.store.query('status', 'rejectedEvent', {
      descending: true,
      ...pageOpts(options),
    });
    const items = await this.deps.store.getMany<Record<string, unknown>>(
      'rejectedEvent',
      page.items.map((h) => h.id),
    );
    return { items: items.map((i) => i.value), ...(page.cursor ? { cursor: page.cursor } : {}) };
  }

  /**
   * 上传材料: content-addressed, so the same file uploaded twice is stored once; but each uploading
   * organisation gets its own ownership record, because only an owner may share the content later.
   */
  async uploadMaterial(ctx: Ctx, bytes: Uint8Array, contentType: string) {
    this.mayUpload(ctx);
    if (bytes.length === 0) throw invalid('EMPTY_CONTENT', '材料内容为空');
    const stored = await this.deps.blobs.put(bytes, contentType);
    if (ctx.actor.creditCode)
      await recordMaterialOwnership(this.deps, ctx, stored.sha256, ctx.actor.creditCode);
    return stored;
  }

  /**
   * 上传材料 of any size, step 1: a presigned URL for exactly the declared bytes (hash and size are
   * signed; the caller has refused a size over the limit). Nothing is recorded yet.
   */
  async issueUpload(ctx: Ctx, input: UploadDeclaration) {
    this.mayUpload(ctx);
    return presignMaterialUpload(this.deps, input);
  }

  /**
   * Step 2, after the client sent the bytes: the storage's own SHA-256 of what arrived must be the
   * declared one; only then is the upload recorded, as `uploadMaterial` records it.
   */
  async completeUpload(ctx: Ctx, sha256: string) {
    this.mayUpload(ctx);
    const stored = await confirmUploaded(this.deps, sha256);
    if (ctx.actor.creditCode)
      await recordMaterialOwnership(this.deps, ctx, stored.sha256, ctx.actor.creditCode);
    return stored;
  }

  private mayUpload(ctx: Ctx): void {
    // 专窗代办: the desk uploads what the enterprise handed it (the signed 授权委托书 first of all)
    const desk = can(ctx.actor, 'agency.file', { windowUnit: this.deps.province.windowUnit });
    if (ctx.actor.role !== 'applicant' && !desk) throw forbidden('FORBIDDEN', '仅申请单位可上传申请材料');
  }

  /**
   * 资源共享: the applicant shares a material of a cross-province project; partners receive its
   * signed metadata and hash and can fetch the content from here, once, instead of a resubmission.
   */
  async shareMaterial(ctx: Ctx, projectId: string, input: { materialCode: string; sha256: string }) {
    const { value: project, version } = await load<Project>(this.deps, 'project', projectId, '项目');
    authorize(ctx.actor, 'project.share', { ownerCreditCode: project.owner.creditCode });
    if (project.partnerProvinces.length === 0) {
      throw invalid('NOT_CROSS_PROVINCE', '该项目没有合作省份，无需共享材料');
    }
    const material = this.deps.province.materials.find((m) => m.code === input.materialCode);
    if (!material) throw invalid('UNKNOWN_MATERIAL', '材料代码不在本省材料目录中');
    const blob = await this.deps.blobs.get(input.sha256);
    if (!blob) throw invalid('CONTENT_NOT_UPLOADED', '请先上传该材料的文件内容');
    if (!(await ownsMaterial(this.deps, project.owner.creditCode, input.sha256))) {
      // A hash seen in a case or a partner view is no licence to share the bytes behind it.
      await recordRefusal(this.deps, ctx, {
        code: 'MATERIAL_NOT_OWNED',
        reasonZh: '该文件不是本单位上传的，也不是本单位办件的材料，不能共享',
        projectId: project.id,
        sha256: input.sha256,
        materialCode: input.materialCode,
      });
      throw forbidden('MATERIAL_NOT_OWNED', '只能共享本单位上传的文件或本单位办件中的材料');
    }
    const shared = project.sharedMaterials ?? [];
    if (shared.some((m) => m.sha256 === input.sha256 && m.materialCode === input.materialCode)) {
      throw new DomainError('conflict', 'MATERIAL_ALREADY_SHARED', '该材料已共享');
    }
    const sharedAt = nowIso(this.deps);
    const entry = {
      materialCode: input.materialCode,
      sha256: input.sha256,
      size: blob.bytes.length,
      contentType: blob.contentType,
      sharedAt,
    };
    const draft = await signedEventDraft(this.deps, ctx.actor.id, (eventId) => ({
      kind: 'materialShared',
      eventId,
      origin: this.self,
      projectCode: project.projectCode,
      partnerProvinces: project.partnerProvinces,
      materialCode: input.materialCode,
      materialName: material.name,
      sha256: input.sha256,
      size: entry.size,
      contentType: entry.contentType,
      sharedAt,
    }));
    const next: Project = { ...project, sharedMaterials: [...shared, entry] };
    await commit(this.deps, ctx, [
      {
        kind: 'project',
        id: project.id,
        expectedVersion: version,
        value: next,
        indexes: projectIndexes(next),
        events: [draft],
      },
    ]);
    return { value: next, version: version + 1 };
  }

  /**
   * The origin answers a partner's signed request for the content of a material it shared: the
   * bytes, or (larger than `inlineMaxBytes`) a presigned URL, issued only once the signature, the
   * partnership and the sharing have all been checked.
   */
  async serveToPartner(
    request: {
      requester: string;
      projectCode: string;
      sha256: string;
      method: string;
      path: string;
      timestamp: string;
      signature: string;
      keyId: string;
    },
    options: { inlineMaxBytes: number } = { inlineMaxBytes: Number.POSITIVE_INFINITY },
  ): Promise<MaterialContent> {
    const refuse = () => forbidden('PARTNER_REQUEST_REFUSED', '合作省份的请求未通过验证');
    if (!this.deps.province.partners.some((p) => p.code === request.requester)) throw refuse();
    // The request names its key; only that pinned key, within its rotation window, may verify it.
    const now = this.deps.clock.now();
    const key = this.deps.peers
      .trustedKeys(request.requester)
      .find((k) => k.keyId === request.keyId && keyValidAt(k, now));
    if (!key) throw refuse();
    const check = verifySignedRequest(request, key.publicKeyPem, now);
    if (!check.ok) throw refuse();
    const project = await this.deps.store.get<Project>('project', request.projectCode);
    const shared = project?.value.sharedMaterials?.some((m) => m.sha256 === request.sha256);
    if (!project?.value.partnerProvinces.includes(request.requester) || !shared) throw refuse();
    const content = await materialContent(this.deps, request.sha256, options);
    if (!content) throw notFound('CONTENT_NOT_FOUND', '材料内容不存在');
    return content;
  }

  /**
   * A partner reviewer reads shared content: fetched from the origin's storage, checked against
   * the hash the origin signed, and only for reviewers handling a local case of that project.
   */
  async fetchPartnerMaterial(
    ctx: Ctx,
    origin: string,
    projectCode: string,
    sha256: string,
    options: { inlineMaxBytes: number } = { inlineMaxBytes: Number.POSITIVE_INFINITY },
  ): Promise<{ content: MaterialContent; materialName: string }> {
    const view = (await this.views(projectCode)).find((v) => v.origin === origin);
    const material = view?.materials.find((m) => m.sha256 === sha256);
    if (!view || !material) throw notFound('SHARED_MATERIAL_NOT_FOUND', '合作省份未共享该材料');
    const cases = await this.deps.store.query('projectCases', projectCode);
    const local = await this.deps.store.getMany<StageCase>(
      'stageCase',
      cases.items.map((h) => h.id),
    );
    authorize(ctx.actor, 'partnerMaterial.read', {
      departments: local.flatMap((c) => c.value.items.map((i) => i.department)),
    });
    const materialName = material.materialName;
    // Content too large for this API to answer is kept in this province's storage (by its hash, so
    // it is the signed content) and handed out by presigned URL; a later read needs no fetch.
    const kept = await this.deps.blobs.stat(sha256);
    if (kept && kept.size > options.inlineMaxBytes) {
      const content = await materialContent(this.deps, sha256, { ...options, filename: materialName });
      if (content) return { content, materialName };
    }
    const content = await this.deps.peers.fetchSharedMaterial(origin, projectCode, sha256);
    if (!content) throw notFound('CONTENT_UNAVAILABLE', '暂时无法从合作省份取得材料内容，请稍后重试');
    if (sha256OfBytes(content.bytes) !== sha256) {
      throw new DomainError('conflict', 'CONTENT_HASH_MISMATCH', '取得的材料内容与签名的摘要不一致');
    }
    if (content.bytes.byteLength > options.inlineMaxBytes) {
      await this.deps.blobs.put(content.bytes, content.contentType);
      const link = await this.deps.blobs.presignDownload(sha256, {
        filename: materialName,
        contentType: content.contentType,
        expiresInSeconds: DOWNLOAD_URL_SECONDS,
      });
      return { content: { kind: 'redirect', ...link }, materialName };
    }
    return {
      content: { kind: 'inline', bytes: content.bytes, contentType: content.contentType },
      materialName,
    };
  }
}

/** What each configured partner told this province about one project code. */
export async function partnerViewsOf(deps: Deps, projectCode: string): Promise<PartnerProject[]> {
  const ids = deps.province.partners.map((p) => partnerProjectId(p.code, projectCode));
  if (ids.length === 0) return [];
  return (await deps.store.getMany<PartnerProject>('partnerProject', ids)).map((v) => v.value);
}

// ---------------------------------------------------------------------------------------------
// Trust of shared materials and recognitions (issue 8, items 1 and 5). Kept apart from the rest
// of the partner service on purpose.

const ownershipId = (sha256: string, creditCode: string) => `${sha256}:${creditCode}`;

/** Records that an organisation uploaded this content; a second upload by it changes nothing. */
async function recordMaterialOwnership(deps: Deps, ctx: Ctx, sha256: string, creditCode: string) {
  const id = ownershipId(sha256, creditCode);
  if (await deps.store.get('materialOwnership', id)) return;
  const at = nowIso(deps);
  try {
    await commit(deps, undefined, [
      {
        kind: 'materialOwnership',
        id,
        expectedVersion: 0,
        value: { sha256, creditCode, uploadedBy: ctx.actor.id, at },
        indexes: [],
        events: [{ type: 'MaterialUploaded', actor: ctx.actor.id, at, data: { sha256, creditCode } }],
      },
    ]);
  } catch (err) {
    // the same organisation uploading the same bytes at once: one record is enough
    if (!(err instanceof DomainError && err.code === 'VERSION_CONFLICT')) throw err;
  }
}

/** An organisation may share content it uploaded itself, or that is a material of one of its cases. */
export async function ownsMaterial(deps: Deps, creditCode: string, sha256: string): Promise<boolean> {
  if (await deps.store.get('materialOwnership', ownershipId(sha256, creditCode))) return true;
  let cursor: string | undefined;
  do {
    const page = await deps.store.query('applicant', `stageCase:${creditCode}`, {
      limit: 50,
      ...(cursor ? { cursor } : {}),
    });
    const cases = await deps.store.getMany<StageCase>(
      'stageCase',
      page.items.map((h) => h.id),
    );
    if (cases.some((c) => c.value.materials.some((m) => m.sha256 === sha256))) return true;
    cursor = page.cursor;
  } while (cursor);
  return false;
}

/** A refused request kept for audit: who tried what, and why it was refused. */
async function recordRefusal(
  deps: Deps,
  ctx: Ctx,
  detail: { code: string; reasonZh: string } & Record<string, string>,
) {
  const at = nowIso(deps);
  const id = deps.ids.next('F');
  await commit(deps, undefined, [
    {
      kind: 'refusal',
      id,
      expectedVersion: 0,
      value: { ...detail, actor: ctx.actor.id, creditCode: ctx.actor.creditCode ?? '', at },
      indexes: [{ index: 'status', key: 'refusal', sort: `${at}#${id}` }],
      events: [{ type: 'RequestRefused', actor: ctx.actor.id, at, data: { ...detail } }],
    },
  ]);
}

/**
 * 互认 refused for a local case (e.g. the origin shared the project under another owner): kept
 * with the refused partner events, once per case and result however often recognition runs.
 */
export async function recordRecognitionRefusal(
  deps: Deps,
  input: {
    caseId: string;
    origin: string;
    result: { eventId: string; itemCode: string; resultNo: string };
    reason: string;
  },
) {
  const id = `recognition:${input.caseId}:${input.result.eventId}`;
  if (await deps.store.get('rejectedEvent', id)) return;
  const at = nowIso(deps);
  try {
    await commit(deps, undefined, [
      {
        kind: 'rejectedEvent',
        id,
        expectedVersion: 0,
        value: {
          eventId: input.result.eventId,
          source: `green-channel.${input.origin}`,
          type: 'ResultIssued',
          reason: input.reason,
          caseId: input.caseId,
          at,
        },
        indexes: [{ index: 'status', key: 'rejectedEvent', sort: `${at}#${id}` }],
        events: [
          {
            type: 'RecognitionRefused',
            actor: 'system',
            at,
            data: {
              reason: input.reason,
              caseId: input.caseId,
              origin: input.origin,
              itemCode: input.result.itemCode,
              resultNo: input.result.resultNo,
            },
          },
        ],
      },
    ]);
  } catch (err) {
    if (!(err instanceof DomainError && err.code === 'VERSION_CONFLICT')) throw err;
  }
}

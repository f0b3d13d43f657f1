import type { StreamHead } from '../domain/audit-chain.js';
import {
  CHECKPOINT_EVENT_TYPE,
  type CheckpointPayload,
  checkpointPayloadSchema,
  type MerkleStep,
  merkleProof,
} from '../domain/audit-checkpoint.js';
import { authorize } from '../domain/authz.js';
import { DomainError, forbidden, notFound } from '../domain/errors.js';
import type { Project } from '../domain/model.js';
import { keyValidAt, type SignedEnvelope, verifyEnvelope } from '../domain/signature.js';
import { verifySignedRequest } from '../domain/signed-request.js';
import type { CheckpointSummary } from './audit.js';
import type { Ctx } from './context.js';
import { SYSTEM_ACTOR } from './context.js';
import type { Deps } from './deps.js';
import { commit, nowIso } from './unit-of-work.js';

/** A partner's audit checkpoint as kept here: the envelope exactly as signed, and when it came. */
export interface PartnerCheckpointRecord {
  origin: string;
  envelope: SignedEnvelope<CheckpointPayload>;
  receivedAt: string;
}

/** A checkpoint a partner sent, as the summary of one's own, with where and when it came from. */
export interface PartnerCheckpointView extends Omit<CheckpointSummary, 'problem'> {
  origin: string;
  receivedAt: string;
}

const padded = (n: number) => String(n).padStart(9, '0');

/**
 * A partner's signed checkpoint, arriving over the signed link (envelope already verified with
 * the partner's pinned key by the receiver). Kept per origin, once per checkpoint id: it is the
 * evidence this province holds of what the partner's audit trail looked like, which the partner
 * cannot take back. Returns the outcome, or the reason to record it as refused.
 */
export async function receivePartnerCheckpoint(
  deps: Deps,
  event: { 'detail-type': string; detail: { type: string } },
  envelope: SignedEnvelope<unknown>,
  origin: string,
): Promise<{ outcome: 'accepted' | 'duplicate' } | { rejected: string }> {
  if (event['detail-type'] !== CHECKPOINT_EVENT_TYPE || event.detail.type !== CHECKPOINT_EVENT_TYPE) {
    return { rejected: 'typeMismatch' };
  }
  const parsed = checkpointPayloadSchema.safeParse(envelope.payload);
  if (!parsed.success) return { rejected: 'schema' };
  const payload = parsed.data as CheckpointPayload;
  if (payload.province !== origin || envelope.origin !== origin) return { rejected: 'envelopeMismatch' };
  const id = `${origin}:${payload.id}`;
  if (await deps.store.get('partnerCheckpoint', id)) return { outcome: 'duplicate' };
  const receivedAt = nowIso(deps);
  const record: PartnerCheckpointRecord = {
    origin,
    envelope: envelope as SignedEnvelope<CheckpointPayload>,
    receivedAt,
  };
  try {
    await commit(deps, { actor: SYSTEM_ACTOR }, [
      {
        kind: 'partnerCheckpoint',
        id,
        expectedVersion: 0,
        value: record,
        indexes: [
          {
            index: 'status',
            key: `partnerCheckpoint:${origin}`,
            sort: `${padded(payload.number)}#${payload.id}`,
          },
        ],
        events: [
          {
            type: 'PartnerCheckpointReceived',
            actor: `partner:${origin}`,
            at: receivedAt,
            data: {
              checkpointId: payload.id,
              number: payload.number,
              root: payload.root,
              contentHash: envelope.contentHash,
            },
          },
        ],
      },
    ]);
  } catch (err) {
    // a concurrent delivery of the same checkpoint got there first
    if (err instanceof DomainError && err.code === 'VERSION_CONFLICT') return { outcome: 'duplicate' };
    throw err;
  }
  return { outcome: 'accepted' };
}

/** The checkpoints the partner provinces sent, newest first per partner, each checked again with its pinned key. */
export async function partnerCheckpoints(deps: Deps, ctx: Ctx): Promise<PartnerCheckpointView[]> {
  authorize(ctx.actor, 'audit.read');
  const out: PartnerCheckpointView[] = [];
  const now = deps.clock.now();
  for (const partner of deps.province.partners) {
    const hits = await deps.store.query('status', `partnerCheckpoint:${partner.code}`, {
      descending: true,
      limit: 100,
    });
    const rows = await deps.store.getMany<PartnerCheckpointRecord>(
      'partnerCheckpoint',
      hits.items.map((h) => h.id),
    );
    const keys = deps.peers.trustedKeys(partner.code);
    for (const { value } of rows) {
      const p = value.envelope.payload;
      out.push({
        origin: value.origin,
        id: p.id,
        number: p.number,
        at: p.at,
        root: p.root,
        count: p.count,
        previousId: p.previousId,
        keyId: value.envelope.keyId,
        receivedAt: value.receivedAt,
        signatureValid: verifyEnvelope(value.envelope, keys, now).ok,
      });
    }
  }
  return out;
}

/** What a partner gets of a checkpoint for one shared project: the signed payload and proven heads. */
export interface ProjectCheckpointExtract {
  envelope: SignedEnvelope<CheckpointPayload>;
  projectCode: string;
  /** the project's and its cases' heads, each with its inclusion proof against the signed root */
  heads: { head: StreamHead; proof: MerkleStep[] }[];
}

/**
 * A partner province reads one of this province's checkpoints for a project shared with it,
 * through a request signed with its pinned key. It gets only that project's streams (the project
 * and its cases), each proven against the signed root, so it learns nothing of other projects and
 * can check everything with this province's public key.
 */
export async function serveCheckpointToPartner(
  deps: Deps,
  request: {
    requester: string;
    checkpointId: string;
    projectCode: string;
    method: string;
    path: string;
    timestamp: string;
    signature: string;
    keyId: string;
  },
): Promise<ProjectCheckpointExtract> {
  const refuse = () => forbidden('PARTNER_REQUEST_REFUSED', '合作省份的请求未通过验证');
  if (!deps.province.partners.some((p) => p.code === request.requester)) throw refuse();
  const now = deps.clock.now();
  const key = deps.peers
    .trustedKeys(request.requester)
    .find((k) => k.keyId === request.keyId && keyValidAt(k, now));
  if (!key || !verifySignedRequest(request, key.publicKeyPem, now).ok) throw refuse();
  const project = await deps.store.get<Project>('project', request.projectCode);
  if (!project?.value.partnerProvinces.includes(request.requester)) throw refuse();
  const checkpoint = await deps.checkpoints?.get(request.checkpointId);
  if (!checkpoint) throw notFound('CHECKPOINT_NOT_FOUND', '审计检查点不存在');
  const cases = await deps.store.query('projectCases', request.projectCode);
  const streams = [`project/${request.projectCode}`, ...cases.items.map((h) => `stageCase/${h.id}`)];
  const heads = streams.flatMap((stream) => {
    const head = checkpoint.heads.find((h) => h.stream === stream);
    const proof = head && merkleProof(checkpoint.heads, stream);
    return head && proof ? [{ head, proof }] : [];
  });
  return { envelope: checkpoint.envelope, projectCode: request.projectCode, heads };
}

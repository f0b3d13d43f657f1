import {
  auditEventIssue,
  type ChainAnchors,
  type ChainBreak,
  type ChainVerification,
  GENESIS_HASH,
  type StreamHead,
  verifyChain,
} from '../domain/audit-chain.js';
import {
  type AuditCheckpoint,
  CHECKPOINT_EVENT_TYPE,
  type CheckpointCheck,
  type CheckpointPayload,
  nextCheckpoint,
  sortHeads,
  verifyCheckpoint,
} from '../domain/audit-checkpoint.js';
import { authorize } from '../domain/authz.js';
import { notFound } from '../domain/errors.js';
import type { Project, StageCase } from '../domain/model.js';
import type { TrustedKey } from '../domain/signature.js';
import { signEnvelope } from '../domain/signature.js';
import type { DomainEvent } from '../ports/runtime.js';
import type { AuditEvent, OutboxMessage } from '../ports/store.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';
import { type PartnerCheckpointView, partnerCheckpoints } from './partner-checkpoints.js';
import { afterOutboxCommit, load, nowIso } from './unit-of-work.js';

/** An event of the trail as served: either the event, or where a damaged one sits and why. */
export type AuditTrailEntry = AuditEvent | { stream: string; seq: number; unreadable: string };

/** What the province remembers of its last checkpoint, to number the next one and skip quiet periods. */
interface CheckpointState {
  id: string;
  number: number;
  root: string;
  at: string;
}
const STATE_ID = 'latest';

export interface CheckpointSummary {
  id: string;
  number: number;
  at: string;
  root: string;
  count: number;
  previousId: string | null;
  keyId: string;
  /** the signature and root check with the province's public key */
  signatureValid: boolean;
  problem?: Exclude<CheckpointCheck, { ok: true }>['reason'];
}

export interface CheckpointVerification {
  checkpointId: string;
  signatureValid: boolean;
  /** every stream the checkpoint covers still agrees with it */
  valid: boolean;
  streamsChecked: number;
  /** the first stream (in stream order) that disagrees, and its first event that does */
  firstBroken?: { stream: string; seq: number; reason: ChainBreak };
}

/** Reads and verifies the hash-chained audit trail of a case or a project, and the province's checkpoints. */
export class AuditService {
  constructor(private readonly deps: Deps) {}

  private async authorizeStream(ctx: Ctx, kind: 'stageCase' | 'project', id: string) {
    if (kind === 'stageCase') {
      const { value } = await load<StageCase>(this.deps, 'stageCase', id, '办件');
      authorize(ctx.actor, 'audit.read', { ownerCreditCode: value.applicant.creditCode });
    } else {
      const { value } = await load<Project>(this.deps, 'project', id, '项目');
      authorize(ctx.actor, 'audit.read', { ownerCreditCode: value.owner.creditCode });
    }
  }

  /** The events as stored; a damaged event is served as its position and the reason, never as a 500. */
  async trail(ctx: Ctx, kind: 'stageCase' | 'project', id: string): Promise<AuditTrailEntry[]> {
    await this.authorizeStream(ctx, kind, id);
    const stream = `${kind}/${id}`;
    const events = await this.deps.store.audit(stream);
    return events.map((event, i) => {
      const issue = auditEventIssue(event);
      if (issue === undefined) return event;
      const seq = Number.isSafeInteger(event.seq) && event.seq > 0 ? event.seq : i + 1;
      return { stream, seq, unreadable: issue };
    });
  }

  async verify(ctx: Ctx, kind: 'stageCase' | 'project', id: string): Promise<ChainVerification> {
    await this.authorizeStream(ctx, kind, id);
    const anchors = await checkpointAnchors(this.deps);
    return verifyStream(this.deps, `${kind}/${id}`, anchors);
  }

  /** The checkpoints, newest first, each checked with the province's public key. */
  async checkpoints(ctx: Ctx): Promise<CheckpointSummary[]> {
    authorize(ctx.actor, 'audit.read');
    const keys = await ownKeys(this.deps);
    return (await readLog(this.deps)).map((c) => summarise(c, keys)).reverse();
  }

  /** One checkpoint as kept: the signed envelope and the heads, for anyone to check offline. */
  async checkpoint(ctx: Ctx, id: string): Promise<AuditCheckpoint & { publicKeyPem: string }> {
    authorize(ctx.actor, 'audit.read');
    const found = await this.deps.checkpoints?.get(id);
    if (!found) throw notFound('CHECKPOINT_NOT_FOUND', '审计检查点不存在');
    return { ...found, publicKeyPem: await this.deps.signer.publicKeyPem() };
  }

  /** 伙伴省审计检查点: what the partner provinces signed and sent here. */
  partnerCheckpoints(ctx: Ctx): Promise<PartnerCheckpointView[]> {
    return partnerCheckpoints(this.deps, ctx);
  }

  /** Every stream a checkpoint signed, checked against the store now. */
  async verifyCheckpoint(ctx: Ctx, id: string): Promise<CheckpointVerification> {
    authorize(ctx.actor, 'audit.read');
    const found = await this.deps.checkpoints?.get(id);
    if (!found) throw notFound('CHECKPOINT_NOT_FOUND', '审计检查点不存在');
    const check = verifyCheckpoint(found, await ownKeys(this.deps));
    const result: CheckpointVerification = {
      checkpointId: id,
      signatureValid: check.ok,
      valid: check.ok,
      streamsChecked: 0,
    };
    if (!check.ok) return result;
    const anchors = await checkpointAnchors(this.deps);
    for (const head of sortHeads(found.heads)) {
      result.streamsChecked += 1;
      const v = await verifyStream(this.deps, head.stream, anchors);
      if (!v.valid) {
        result.valid = false;
        result.firstBroken = {
          stream: head.stream,
          seq: v.firstBrokenSeq ?? 0,
          reason: v.reason ?? 'hashMismatch',
        };
        return result;
      }
    }
    return result;
  }
}

/** The province's own public key, as partners and auditors would trust it. */
async function ownKeys(deps: Deps): Promise<TrustedKey[]> {
  return [
    { origin: deps.province.code, publicKeyPem: await deps.signer.publicKeyPem(), keyId: deps.signer.keyId },
  ];
}

async function readLog(deps: Deps): Promise<AuditCheckpoint[]> {
  return deps.checkpoints ? deps.checkpoints.list() : [];
}

function summarise(c: AuditCheckpoint, keys: readonly TrustedKey[]): CheckpointSummary {
  const check = verifyCheckpoint(c, keys);
  const p = c.envelope.payload;
  const summary: CheckpointSummary = {
    id: p.id,
    number: p.number,
    at: p.at,
    root: p.root,
    count: p.count,
    previousId: p.previousId,
    keyId: c.envelope.keyId,
    signatureValid: check.ok,
  };
  if (!check.ok) summary.problem = check.reason;
  return summary;
}

/**
 * Per stream, the positions the province signed, oldest first. Only checkpoints that verify with
 * the province's public key count: a checkpoint slipped into the log without the key anchors nothing.
 */
export async function checkpointAnchors(
  deps: Deps,
): Promise<Map<string, NonNullable<ChainAnchors['checkpoints']>>> {
  const keys = await ownKeys(deps);
  const anchors = new Map<string, { checkpointId: string; seq: number; hash: string }[]>();
  for (const c of await readLog(deps)) {
    const check = verifyCheckpoint(c, keys);
    if (!check.ok) continue;
    for (const head of c.heads) {
      const list = anchors.get(head.stream) ?? [];
      list.push({ checkpointId: check.payload.id, seq: head.seq, hash: head.hash });
      anchors.set(head.stream, list);
    }
  }
  return anchors;
}

/** One stream against its stored head and the signed checkpoints. */
export async function verifyStream(
  deps: Deps,
  stream: string,
  anchors: Map<string, NonNullable<ChainAnchors['checkpoints']>>,
): Promise<ChainVerification> {
  const [events, head] = await Promise.all([deps.store.audit(stream), deps.store.auditHead(stream)]);
  const a: ChainAnchors = {};
  const signed = anchors.get(stream);
  if (signed) a.checkpoints = signed;
  if (head) a.head = head;
  // Events without an aggregate: the head is gone, which is itself a rewrite.
  else if (events.length > 0) a.head = { stream, seq: 0, hash: GENESIS_HASH };
  return verifyChain(events, a);
}

/**
 * 审计检查点: signs the heads of every stream when any moved since the last checkpoint, and adds
 * it to the append-only log. The state (number, root) is claimed in the store first, so two runs
 * at once cannot both write number n; the state change carries no audit event, or every
 * checkpoint would move a head and call for the next.
 */
export async function writeCheckpoint(deps: Deps): Promise<CheckpointPayload | undefined> {
  const log = deps.checkpoints;
  if (!log) return undefined;
  const heads: StreamHead[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.auditHeads({ limit: 1000, ...(cursor ? { cursor } : {}) });
    heads.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  const state = await deps.store.get<CheckpointState>('auditCheckpoint', STATE_ID);
  const at = nowIso(deps);
  const payload = nextCheckpoint(deps.province.code, deps.ids.next('CP'), at, heads, state?.value);
  if (!payload) return undefined;
  const envelope = await signEnvelope(deps.signer, deps.province.code, payload, at);
  // Partners get the signed payload (root and count, small whatever the province's size) through
  // the outbox and the signed links, in the same commit that claims the number.
  const partners = deps.province.partners.map((p) => p.code);
  const outbox: OutboxMessage[] =
    partners.length === 0
      ? []
      : [
          {
            id: `${deps.province.code}:${payload.id}`,
            event: {
              id: `${deps.province.code}:${payload.id}`,
              type: CHECKPOINT_EVENT_TYPE,
              version: 1,
              source: deps.province.code,
              time: at,
              subject: `auditCheckpoint/${payload.id}`,
              data: { partnerProvinces: partners, envelope },
            } satisfies DomainEvent,
            createdAt: at,
            attempts: 0,
            nextAttemptAt: at,
          },
        ];
  await deps.store.commit(
    [
      {
        kind: 'auditCheckpoint',
        id: STATE_ID,
        expectedVersion: state?.version ?? 0,
        value: { id: payload.id, number: payload.number, root: payload.root, at } satisfies CheckpointState,
        indexes: [],
        events: [],
      },
    ],
    undefined,
    outbox,
  );
  await log.append({ envelope, heads: sortHeads(heads) });
  if (outbox.length > 0) afterOutboxCommit(deps);
  return payload;
}

import { z } from 'zod';
import { canonicalJson, GENESIS_HASH, type StreamHead, sha256Hex } from './audit-chain.js';
import {
  type EnvelopeVerification,
  type SignedEnvelope,
  type TrustedKey,
  verifyEnvelope,
} from './signature.js';

/**
 * 审计检查点: the province signs the heads (stream, seq, hash) of all its audit streams, as one
 * Merkle root. The signed payload is small (root, count, the previous checkpoint), so it fits any
 * message to a partner; the heads travel beside it and are bound to it by the root, so whoever
 * holds a checkpoint and the province's public key can check any head without trusting the store.
 *
 * Leaves are sorted by stream; a leaf is sha256("leaf:" + canonicalJson([stream, seq, hash])), an
 * inner node sha256("node:" + left + right), an odd node is carried up unchanged, and the root of
 * no leaves is GENESIS_HASH. The prefixes keep a leaf from ever passing for an inner node.
 */
export const CHECKPOINT_TYPE = 'auditCheckpoint.v1';
/** The domain event a checkpoint travels in to the partner provinces (over the signed links). */
export const CHECKPOINT_EVENT_TYPE = 'AuditCheckpointSigned';

export interface CheckpointPayload {
  type: typeof CHECKPOINT_TYPE;
  /** the signing province */
  province: string;
  id: string;
  /** 1, 2, 3… per province; a gap in the log shows a checkpoint went missing */
  number: number;
  at: string;
  /** the previous checkpoint, so the log is itself a chain */
  previousId: string | null;
  previousRoot: string | null;
  /** Merkle root over the sorted heads */
  root: string;
  /** how many heads the root covers */
  count: number;
}

/** A checkpoint as kept in the log and served to auditors: the signed payload and the heads it covers. */
export interface AuditCheckpoint {
  envelope: SignedEnvelope<CheckpointPayload>;
  heads: StreamHead[];
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
export const checkpointPayloadSchema = z.object({
  type: z.literal(CHECKPOINT_TYPE),
  province: z.string().min(1).max(64),
  id: z.string().min(1).max(128),
  number: z.number().int().positive(),
  at: z.string().min(1).max(64),
  previousId: z.string().max(128).nullable(),
  previousRoot: hex64.nullable(),
  root: hex64,
  count: z.number().int().nonnegative(),
});
export const streamHeadSchema = z.object({
  stream: z.string().min(1).max(300),
  seq: z.number().int().nonnegative(),
  hash: hex64,
});

export function sortHeads(heads: readonly StreamHead[]): StreamHead[] {
  return [...heads].sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
}

export function leafHash(head: StreamHead): string {
  return sha256Hex(`leaf:${canonicalJson([head.stream, head.seq, head.hash])}`);
}

/** The Merkle root over heads (sorted here, so callers may pass them in any order). */
export function merkleRoot(heads: readonly StreamHead[]): string {
  let level = sortHeads(heads).map(leafHash);
  if (level.length === 0) return GENESIS_HASH;
  while (level.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i] as string;
      const right = level[i + 1];
      next.push(right === undefined ? left : sha256Hex(`node:${left}${right}`));
    }
    level = next;
  }
  return level[0] as string;
}

/** The next checkpoint's payload, or undefined when no head moved since the previous one. */
export function nextCheckpoint(
  province: string,
  id: string,
  at: string,
  heads: readonly StreamHead[],
  previous: Pick<CheckpointPayload, 'id' | 'number' | 'root'> | undefined,
): CheckpointPayload | undefined {
  const root = merkleRoot(heads);
  if (previous && previous.root === root) return undefined;
  return {
    type: CHECKPOINT_TYPE,
    province,
    id,
    number: (previous?.number ?? 0) + 1,
    at,
    previousId: previous?.id ?? null,
    previousRoot: previous?.root ?? null,
    root,
    count: heads.length,
  };
}

export type CheckpointCheck =
  | { ok: true; payload: CheckpointPayload }
  | { ok: false; reason: Extract<EnvelopeVerification, { ok: false }>['reason'] | 'rootMismatch' };

/**
 * Checks a checkpoint with nothing but the province's public key: the signature covers the
 * payload, and the payload's root must be the root of the heads that come with it. Never throws.
 */
export function verifyCheckpoint(checkpoint: unknown, trusted: readonly TrustedKey[]): CheckpointCheck {
  try {
    if (checkpoint === null || typeof checkpoint !== 'object') return { ok: false, reason: 'malformed' };
    const { envelope, heads } = checkpoint as { envelope?: unknown; heads?: unknown };
    const signed = verifyEnvelope(envelope, trusted);
    if (!signed.ok) return { ok: false, reason: signed.reason };
    const payload = checkpointPayloadSchema.safeParse(signed.envelope.payload);
    const parsedHeads = z.array(streamHeadSchema).safeParse(heads);
    if (!payload.success || !parsedHeads.success) return { ok: false, reason: 'malformed' };
    if (payload.data.province !== signed.envelope.origin) return { ok: false, reason: 'malformed' };
    const p = payload.data as CheckpointPayload;
    if (parsedHeads.data.length !== p.count || merkleRoot(parsedHeads.data) !== p.root) {
      return { ok: false, reason: 'rootMismatch' };
    }
    return { ok: true, payload: p };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}

/** One step from a leaf up to the root: the sibling's hash and on which side it sits. */
export interface MerkleStep {
  side: 'left' | 'right';
  hash: string;
}

/**
 * The inclusion proof of one stream's head: lets a partner check the heads of a shared project
 * against the signed root without seeing any other stream of the province. Undefined when the
 * stream is not among the heads.
 */
export function merkleProof(heads: readonly StreamHead[], stream: string): MerkleStep[] | undefined {
  const sorted = sortHeads(heads);
  let index = sorted.findIndex((h) => h.stream === stream);
  if (index < 0) return undefined;
  let level = sorted.map(leafHash);
  const proof: MerkleStep[] = [];
  while (level.length > 1) {
    const sibling = index % 2 === 0 ? index + 1 : index - 1;
    const hash = level[sibling];
    if (hash !== undefined) proof.push({ side: index % 2 === 0 ? 'right' : 'left', hash });
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i] as string;
      const right = level[i + 1];
      next.push(right === undefined ? left : sha256Hex(`node:${left}${right}`));
    }
    level = next;
    index = Math.floor(index / 2);
  }
  return proof;
}

/** Whether a head with its proof leads to the root. Never throws. */
export function verifyMerkleProof(head: StreamHead, proof: readonly MerkleStep[], root: string): boolean {
  try {
    let hash = leafHash(head);
    for (const step of proof) {
      hash =
        step.side === 'right' ? sha256Hex(`node:${hash}${step.hash}`) : sha256Hex(`node:${step.hash}${hash}`);
    }
    return hash === root;
  } catch {
    return false;
  }
}

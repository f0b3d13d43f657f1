import { createHash } from 'node:crypto';
import type { AuditEvent, AuditEventDraft } from '../ports/store.js';

/** The hash every stream starts from. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Links a draft to its predecessor: the hash covers the stream, seq, previous hash and content. */
export function chainEvent(
  stream: string,
  seq: number,
  prevHash: string,
  draft: AuditEventDraft,
): AuditEvent {
  const body = {
    stream,
    seq,
    prevHash,
    type: draft.type,
    actor: draft.actor,
    at: draft.at,
    data: draft.data,
  };
  return { ...body, hash: sha256Hex(canonicalJson(body)) };
}

/** Why a chain does not verify. */
export type ChainBreak =
  /** the stored event cannot be read (unparseable JSON, a field of the wrong type) */
  | 'unreadable'
  | 'hashMismatch'
  | 'prevHashMismatch'
  | 'seqGap'
  /** the chain ends before the head kept beside the aggregate (events deleted at the tail) */
  | 'truncated'
  /** the chain's end disagrees with the stored head in some other way (head or events rewritten) */
  | 'headMismatch'
  /** a hash signed in an audit checkpoint is not the stored one (a consistent rewrite) */
  | 'checkpointMismatch';

/** Where one stream stands: its last seq and that event's hash (seq 0 and GENESIS_HASH when empty). */
export interface StreamHead {
  stream: string;
  seq: number;
  hash: string;
}

export interface ChainVerification {
  valid: boolean;
  length: number;
  /** seq of the first event whose link or content does not verify */
  firstBrokenSeq?: number;
  reason?: ChainBreak;
  headHash: string;
  /** the checkpoint the chain was checked against, when there was one covering this stream */
  checkpointId?: string;
}

export interface ChainAnchors {
  /** the head stored beside the aggregate, written in the same transaction as every append */
  head?: StreamHead;
  /**
   * signed positions of this stream from audit checkpoints, oldest first: each says "event `seq`
   * had hash `hash`" at the time the checkpoint was signed
   */
  checkpoints?: readonly { checkpointId: string; seq: number; hash: string }[];
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * What is wrong with a stored event's shape, or undefined when it is a well-formed event. Stores
 * hand back whatever they hold, so verification must not assume the types the port promises.
 */
export function auditEventIssue(event: unknown): string | undefined {
  if (event === null || typeof event !== 'object') return 'not an object';
  const e = event as Record<string, unknown>;
  if (typeof e.unreadable === 'string') return e.unreadable;
  if (typeof e.stream !== 'string') return 'stream is not a string';
  if (typeof e.seq !== 'number' || !Number.isSafeInteger(e.seq) || e.seq < 1)
    return 'seq is not a positive integer';
  for (const field of ['prevHash', 'hash'] as const) {
    if (typeof e[field] !== 'string' || !HEX64.test(e[field] as string))
      return `${field} is not a SHA-256 hex`;
  }
  for (const field of ['type', 'actor', 'at'] as const) {
    if (typeof e[field] !== 'string') return `${field} is not a string`;
  }
  if (e.data === null || typeof e.data !== 'object' || Array.isArray(e.data)) return 'data is not an object';
  if (e.eventId !== undefined && typeof e.eventId !== 'string') return 'eventId is not a string';
  return undefined;
}

/**
 * Recomputes every link of one stream, in seq order, and reports the first broken one; then checks
 * the end against the stored head (tail truncation) and every checkpointed position against the
 * chain (a consistent rewrite recomputes every later hash, but cannot re-sign a checkpoint). Never
 * throws, whatever the events hold.
 */
export function verifyChain(events: readonly unknown[], anchors: ChainAnchors = {}): ChainVerification {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  const length = events.length;
  const broken = (firstBrokenSeq: number, reason: ChainBreak, headHash: string, checkpointId?: string) => {
    const v: ChainVerification = { valid: false, length, firstBrokenSeq, reason, headHash };
    if (checkpointId !== undefined) v.checkpointId = checkpointId;
    return v;
  };
  const hashAt = new Map<number, string>();
  for (const raw of events) {
    const issue = auditEventIssue(raw);
    if (issue !== undefined) return broken(expectedSeq, 'unreadable', prev);
    const event = raw as AuditEvent;
    if (event.seq !== expectedSeq) return broken(expectedSeq, 'seqGap', prev);
    if (event.prevHash !== prev) return broken(event.seq, 'prevHashMismatch', prev);
    let recomputed: string;
    try {
      recomputed = chainEvent(event.stream, event.seq, event.prevHash, event).hash;
    } catch {
      return broken(event.seq, 'unreadable', prev);
    }
    if (recomputed !== event.hash) return broken(event.seq, 'hashMismatch', prev);
    prev = event.hash;
    hashAt.set(event.seq, event.hash);
    expectedSeq += 1;
  }
  const lastSeq = expectedSeq - 1;
  // Checkpoints before the head: a rewrite older than a checkpoint is what they are there to catch,
  // and the oldest disagreeing checkpoint names the earliest event known to be changed.
  for (const anchor of anchors.checkpoints ?? []) {
    if (anchor.seq === 0) continue;
    const stored = hashAt.get(anchor.seq);
    if (stored === undefined) return broken(lastSeq + 1, 'truncated', prev, anchor.checkpointId);
    if (stored !== anchor.hash) return broken(anchor.seq, 'checkpointMismatch', prev, anchor.checkpointId);
  }
  const latest = anchors.checkpoints?.at(-1)?.checkpointId;
  const head = anchors.head;
  if (head) {
    if (head.seq > lastSeq) return broken(lastSeq + 1, 'truncated', prev, latest);
    if (head.seq !== lastSeq || head.hash !== prev)
      return broken(Math.min(head.seq + 1, lastSeq), 'headMismatch', prev, latest);
  }
  const ok: ChainVerification = { valid: true, length, headHash: prev };
  if (latest !== undefined) ok.checkpointId = latest;
  return ok;
}

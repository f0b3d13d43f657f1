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

export interface ChainVerification {
  valid: boolean;
  length: number;
  /** seq of the first event whose link or content does not verify */
  firstBrokenSeq?: number;
  reason?: 'hashMismatch' | 'prevHashMismatch' | 'seqGap';
  headHash: string;
}

/** Recomputes every link of one stream, in seq order, and reports the first broken one. */
export function verifyChain(events: AuditEvent[]): ChainVerification {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const event of events) {
    if (event.seq !== expectedSeq) {
      return {
        valid: false,
        length: events.length,
        firstBrokenSeq: expectedSeq,
        reason: 'seqGap',
        headHash: prev,
      };
    }
    if (event.prevHash !== prev) {
      return {
        valid: false,
        length: events.length,
        firstBrokenSeq: event.seq,
        reason: 'prevHashMismatch',
        headHash: prev,
      };
    }
    const recomputed = chainEvent(event.stream, event.seq, event.prevHash, event);
    if (recomputed.hash !== event.hash) {
      return {
        valid: false,
        length: events.length,
        firstBrokenSeq: event.seq,
        reason: 'hashMismatch',
        headHash: prev,
      };
    }
    prev = event.hash;
    expectedSeq += 1;
  }
  return { valid: true, length: events.length, headHash: prev };
}

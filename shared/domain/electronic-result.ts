import { timingSafeEqual, verify } from 'node:crypto';
import { canonicalJson, sha256Hex } from './audit-chain.js';
import type { CaseItem, Instant, IsoDate } from './model.js';

/**
 * 电子批文 (electronic result): every approval this province issues, local or cross-province, is
 * signed with the province's result-signing key (the Signer port: ECDSA P-256 / SHA-256, DER,
 * with its key id). The holder prints it; a bank, a contractor or another department checks the
 * result number and hash on the province's public verification page, or the signature offline
 * with the province's public key.
 *
 * What is signed: the UTF-8 bytes of `green-channel.result.v1:<resultNo>:<resultHash>`. The prefix
 * keeps a result signature from ever being replayed as an envelope or a request signature (and
 * the other way round: those prefixes differ); the number is signed beside the hash so that a
 * signature cannot be moved to another number even by someone who never sees the hashed content.
 */
export const RESULT_SIGNATURE_CONTEXT = 'green-channel.result.v1';

/** The signed record kept beside the decision (store kind `electronicResult`, id = resultNo). */
export interface ElectronicResultRecord {
  resultNo: string;
  province: string;
  caseId: string;
  itemCode: string;
  resultHash: string;
  /** base64 DER ECDSA P-256 SHA-256 signature over resultSignatureBytes(resultNo, resultHash) */
  signature: string;
  keyId: string;
  signedAt: Instant;
}

/** What public verification answers: nothing but these three. */
export type ResultStatus = 'valid' | 'revoked' | 'unknown';

/** A key the province verifies its own results with (the current one, and older ones kept after a rotation). */
export interface ResultKey {
  keyId: string;
  publicKeyPem: string;
}

const RESULT_NO = /^[A-Za-z0-9-]{1,64}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The hash an approval's result carries: what was decided, by which province, on which materials
 * (their hashes), under which number and when. A result on commitment (告知承诺) adds the hash of
 * the signed pledge it rests on.
 */
export function resultHashOf(
  province: string,
  c: { id: string; projectCode: string; materials: readonly { code: string; sha256?: string }[] },
  decided: {
    itemCode: string;
    outcome: 'approve' | 'reject';
    resultNo: string;
    at: Instant;
    pledgeHash?: string;
  },
): string {
  return sha256Hex(
    canonicalJson({
      province,
      caseId: c.id,
      projectCode: c.projectCode,
      itemCode: decided.itemCode,
      outcome: decided.outcome,
      resultNo: decided.resultNo,
      at: decided.at,
      materials: c.materials.map((m) => ({ code: m.code, sha256: m.sha256 })),
      ...(decided.pledgeHash !== undefined ? { pledgeHash: decided.pledgeHash } : {}),
    }),
  );
}

export function resultSignatureBytes(resultNo: string, resultHash: string): Uint8Array {
  return new TextEncoder().encode(`${RESULT_SIGNATURE_CONTEXT}:${resultNo}:${resultHash}`);
}

/** Does this public key's signature cover this result number and hash? False on any malformed input. */
export function verifyResultSignature(
  resultNo: string,
  resultHash: string,
  signature: string,
  publicKeyPem: string,
): boolean {
  try {
    if (!RESULT_NO.test(resultNo) || !SHA256_HEX.test(resultHash)) return false;
    if (!/^[A-Za-z0-9+/]{4,256}={0,2}$/.test(signature)) return false;
    return verify(
      'sha256',
      resultSignatureBytes(resultNo, resultHash),
      { key: publicKeyPem, dsaEncoding: 'der' },
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
}

/** Equal hex digests, compared in constant time: the answer's timing must not leak a stored hash. */
function sameDigest(a: string, b: string): boolean {
  if (!SHA256_HEX.test(a) || !SHA256_HEX.test(b)) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

/**
 * The status of a result number and hash as the public may learn it. Every way of not matching
 * answers the same 'unknown', so the answer cannot tell "no such number" from "wrong hash" and
 * result numbers (which are sequential) cannot be enumerated:
 * - no record, or the record is of another number;
 * - the hash given is not the record's, or the decision on the item no longer carries this
 *   number and hash (the store's case and the signed record disagree);
 * - the decision is not an approval issued here (a recognised partner result is verified at its
 *   origin), or its result is still withheld (容缺: not issued yet);
 * - the record's signature does not verify under a key of this province with the record's key id
 *   (a row written into the store without the key is no result).
 * A verified approval answers 'revoked' once 撤销 and 'valid' otherwise.
 */
export function resultStatus(
  query: { resultNo: string; hash: string },
  record: ElectronicResultRecord | undefined,
  item: CaseItem | undefined,
  keys: readonly ResultKey[],
): ResultStatus {
  if (!record || !item || record.resultNo !== query.resultNo) return 'unknown';
  if (!sameDigest(query.hash.toLowerCase(), record.resultHash)) return 'unknown';
  const d = item.decision;
  if (d?.outcome !== 'approve' || d.recognition || d.resultWithheld) return 'unknown';
  if (d.resultNo !== record.resultNo || d.resultHash !== record.resultHash) return 'unknown';
  const key = keys.find((k) => k.keyId === record.keyId);
  if (!key || !verifyResultSignature(record.resultNo, record.resultHash, record.signature, key.publicKeyPem))
    return 'unknown';
  return d.revoked ? 'revoked' : 'valid';
}

/**
 * The public answer. Valid and revoked name only what is printed on the result the asker already
 * holds and needs to match it against: the project code (public on the investment project platform)
 * and the item, so a genuine result of another project or item cannot be passed off; the issuing
 * province; the decision date and, when revoked, the revocation date (a bank must know since
 * when). Never the applicant, the case, the reviewer, the reasons or the materials.
 */
export type PublicResultAnswer =
  | { status: 'unknown'; resultNo: string }
  | {
      status: 'valid' | 'revoked';
      resultNo: string;
      province: string;
      projectCode: string;
      itemName: string;
      decidedOn: IsoDate;
      revokedOn?: IsoDate;
    };

export function publicResultAnswer(
  status: ResultStatus,
  resultNo: string,
  found: { province: string; projectCode: string; item: CaseItem } | undefined,
  dateOf: (at: Instant) => IsoDate,
): PublicResultAnswer {
  const d = found?.item.decision;
  if (status === 'unknown' || !found || !d) return { status: 'unknown', resultNo };
  return {
    status,
    resultNo,
    province: found.province,
    projectCode: found.projectCode,
    itemName: found.item.name,
    decidedOn: dateOf(d.at),
    ...(status === 'revoked' && d.revoked ? { revokedOn: dateOf(d.revoked.at) } : {}),
  };
}

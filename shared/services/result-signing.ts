import type { ElectronicResultRecord } from '../domain/electronic-result.js';
import { resultSignatureBytes } from '../domain/electronic-result.js';
import type { Change } from '../ports/store.js';
import type { Deps } from './deps.js';
import { nowIso } from './unit-of-work.js';

/**
 * Signs an approval's result and returns the record to commit with the decision (the same
 * transaction: there is never an approval without its signed result, nor the other way round).
 */
/** A new result number: the province, the year, and an id unique in it (e.g. JS2026-R-…). */
export function newResultNo(deps: Deps, now: string): string {
  return `${deps.province.code}${now.slice(0, 4)}-${deps.ids.next('R')}`;
}

export async function signResult(
  deps: Deps,
  issued: { caseId: string; itemCode: string; resultNo: string; resultHash: string },
): Promise<ElectronicResultRecord> {
  const signature = await deps.signer.sign(resultSignatureBytes(issued.resultNo, issued.resultHash));
  return {
    ...issued,
    province: deps.province.code,
    signature,
    keyId: deps.signer.keyId,
    signedAt: nowIso(deps),
  };
}

/** The change that stores a new result record; version 0: a result number is issued once. */
export function resultRecordChange(record: ElectronicResultRecord): Change {
  return {
    kind: 'electronicResult',
    id: record.resultNo,
    expectedVersion: 0,
    value: record,
    indexes: [],
    events: [],
  };
}

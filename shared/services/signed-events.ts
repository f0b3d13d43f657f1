import { type CrossProvincePayload, EVENT_TYPE_OF_KIND } from '../domain/cross-province.js';
import type { StageCase } from '../domain/model.js';
import { signEnvelope } from '../domain/signature.js';
import type { AuditEventDraft } from '../ports/store.js';
import type { Deps } from './deps.js';
import { newEventId, nowIso } from './unit-of-work.js';

/**
 * The audit event that carries a signed payload to the partner provinces. The event id is chosen
 * first because the signed payload names it: a partner can then tell that the payload belongs to
 * the event it arrived in.
 */
export async function signedEventDraft(
  deps: Deps,
  actor: string,
  build: (eventId: string) => CrossProvincePayload,
): Promise<AuditEventDraft> {
  const eventId = newEventId(deps);
  const payload = build(eventId);
  const at = nowIso(deps);
  const envelope = await signEnvelope(deps.signer, deps.province.code, payload, at);
  return {
    eventId,
    type: EVENT_TYPE_OF_KIND[payload.kind],
    actor,
    at,
    data: { partnerProvinces: payload.partnerProvinces, envelope },
  };
}

/**
 * 互认: an approval's result as it travels to the partner provinces, signed, with the hashes of the
 * case's materials, whether it was decided outright or on a commitment (告知承诺).
 */
export function resultIssuedDraft(
  deps: Deps,
  actor: string,
  c: StageCase,
  item: { code: string; name: string; department: string },
  result: { resultNo: string; resultHash: string; decidedAt: string },
): Promise<AuditEventDraft> {
  return signedEventDraft(deps, actor, (eventId) => ({
    kind: 'resultIssued',
    eventId,
    origin: deps.province.code,
    projectCode: c.projectCode,
    partnerProvinces: c.partnerProvinces,
    caseId: c.id,
    stage: c.stage,
    itemCode: item.code,
    itemName: item.name,
    department: item.department,
    resultNo: result.resultNo,
    resultHash: result.resultHash,
    decidedAt: result.decidedAt,
    materials: c.materials.map((m) => ({ code: m.code, ...(m.sha256 ? { sha256: m.sha256 } : {}) })),
  }));
}

/** 撤销 travels like the result did: the partners that recognised it must withdraw it. */
export function resultRevokedDraft(
  deps: Deps,
  actor: string,
  c: StageCase,
  itemCode: string,
  revoked: { resultNo: string; resultHash: string; reasonZh: string; revokedAt: string },
): Promise<AuditEventDraft> {
  return signedEventDraft(deps, actor, (eventId) => ({
    kind: 'resultRevoked',
    eventId,
    origin: deps.province.code,
    projectCode: c.projectCode,
    partnerProvinces: c.partnerProvinces,
    caseId: c.id,
    itemCode,
    ...revoked,
  }));
}

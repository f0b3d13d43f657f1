import { type CrossProvincePayload, EVENT_TYPE_OF_KIND } from '../domain/cross-province.js';
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

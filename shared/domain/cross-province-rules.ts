/**
 * The event-bus rules that link provinces, defined once: CDK turns them into EventBridge rules and
 * the local bus evaluates the same patterns with shared/domain/event-pattern.ts.
 */

import type { DomainEvent } from '../ports/runtime.js';

/** The event source a province's events carry on the bus (EventBridge `source`). */
export const eventSource = (province: string) => `green-channel.${province}`;

/** The domain event types that leave a province: signed, addressed to the project's partners. */
export const CROSS_PROVINCE_EVENT_TYPES = [
  'ProjectShared',
  'ResultIssued',
  'MaterialShared',
  'ResultRevoked',
  /** 审计检查点: the origin's signed audit checkpoint, kept by each partner (shared/domain/audit-checkpoint.ts) */
  'AuditCheckpointSigned',
] as const;
export type CrossProvinceEventType = (typeof CROSS_PROVINCE_EVENT_TYPES)[number];

/**
 * Forward to `partner` only what this province itself emitted (never a partner's event: no loops)
 * and only what names `partner` among the project's partner provinces. The event detail is the
 * DomainEvent, so its data sits under `detail.data`.
 */
export function forwardPattern(self: string, partner: string) {
  return {
    source: [eventSource(self)],
    'detail-type': [...CROSS_PROVINCE_EVENT_TYPES],
    detail: { data: { partnerProvinces: [partner] } },
  };
}

/** On the receiving bus: cross-province events from configured partners go to the receiver. */
export function inboundPattern(partners: string[]) {
  return {
    source: partners.map(eventSource),
    'detail-type': [...CROSS_PROVINCE_EVENT_TYPES],
  };
}

/** The EventBridge event a DomainEvent becomes on the bus (PutEvents entry, as delivered). */
export interface BusEvent {
  id: string;
  source: string;
  'detail-type': string;
  time: string;
  detail: unknown;
}

/** Where a rule sends a matching event; throwing means "not delivered, try again later". */
export type BusTarget = (event: BusEvent) => Promise<void>;

/** The EventBridge entry a domain event becomes: source names the province, detail is the event. */
export function toBusEvent(event: DomainEvent): BusEvent {
  return {
    id: event.id,
    source: eventSource(event.source),
    'detail-type': event.type,
    time: event.time,
    detail: event,
  };
}

/**
 * Lambda entry of the inbound rule on the province's bus: a partner province's cross-province
 * event (forwarded by the partner's rule), verified and recognised or recorded as rejected.
 * A thrown error makes Lambda retry and finally dead-letter the event; the receiver deduplicates
 * by event id, so a redelivery is harmless.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { METRICS } from '../../shared/ports/telemetry.js';
import { awsPartnerServices } from '../aws/compose.js';
import { observed } from '../aws/observability.js';

const { partners } = awsPartnerServices();

/** What a partner's event says about itself, for the log line (it is not trusted for anything). */
function described(event: EventBridgeEvent<string, unknown>) {
  const detail = (event.detail ?? {}) as { id?: unknown; correlationId?: unknown; subject?: unknown };
  const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 200) : undefined);
  return {
    source: str(event.source),
    type: str(event['detail-type']),
    eventId: str(detail.id),
    correlationId: str(detail.correlationId),
    subject: str(detail.subject),
  };
}

export const handler = observed(
  'partner-events',
  async (event: EventBridgeEvent<string, unknown>, log, metrics) => {
    const outcome = await partners.receive(event);
    const about = described(event);
    if (outcome.outcome === 'rejected') {
      metrics.add(METRICS.partnerRefusals, 'Count', 1, { reason: outcome.reason });
      log.warn('partner event refused', { ...about, reason: outcome.reason });
    } else {
      log.info('partner event', { ...about, outcome: outcome.outcome });
    }
    return outcome;
  },
);

/**
 * Lambda entry of the outbox relay: publishes the domain events waiting in the transactional
 * outbox. Invoked by the table's stream when outbox items are inserted (filtered to `OUTBOX#…`
 * keys, infra/constructs/outbox-relay.ts) and by a one-minute schedule as a safety net. Either way
 * it drains whatever is due, so the records themselves are not read: a message the stream named
 * and another invocation already published is simply gone.
 */
import { recordRelay, watchPublishing } from '../../shared/services/operation-metrics.js';
import { relayOutbox } from '../../shared/services/unit-of-work.js';
import { awsDeps } from '../aws/compose.js';
import { observed } from '../aws/observability.js';

const deps = awsDeps();
// the bus as the relay sees it: what it publishes gives the relay lag and the decisions counted
const watch = watchPublishing(deps.events, deps.clock);
const relayDeps = { ...deps, events: watch.publisher };

/** A DynamoDB stream batch or an EventBridge scheduled event; only its kind is logged. */
export type RelayTrigger = { Records?: unknown[] } | { 'detail-type'?: string } | undefined;

export const handler = observed('outbox-relay', async (event: RelayTrigger, log, metrics) => {
  const trigger =
    event && 'Records' in event && Array.isArray(event.Records)
      ? { source: 'stream', records: event.Records.length }
      : { source: 'schedule' };
  const report = await relayOutbox(relayDeps);
  recordRelay(report, watch, metrics);
  (report.failed > 0 ? log.warn : log.info).call(log, 'outbox-relay', { ...trigger, report });
  return report;
});

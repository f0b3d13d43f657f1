/**
 * Lambda entry of the outbox relay: publishes the domain events waiting in the transactional
 * outbox. Invoked by the table's stream when outbox items are inserted (filtered to `OUTBOX#…`
 * keys, infra/constructs/outbox-relay.ts) and by a one-minute schedule as a safety net. Either way
 * it drains whatever is due, so the records themselves are not read: a message the stream named
 * and another invocation already published is simply gone.
 */
import { awsServices } from '../aws/compose.js';

const services = awsServices();

/** A DynamoDB stream batch or an EventBridge scheduled event; only its kind is logged. */
export type RelayTrigger = { Records?: unknown[] } | { 'detail-type'?: string } | undefined;

export async function handler(event?: RelayTrigger): Promise<unknown> {
  const trigger =
    event && 'Records' in event && Array.isArray(event.Records)
      ? { source: 'stream', records: event.Records.length }
      : { source: 'schedule' };
  const report = await services.relayOutbox();
  console.log(
    JSON.stringify({ msg: 'outbox-relay', province: services.deps.province.code, ...trigger, report }),
  );
  return report;
}

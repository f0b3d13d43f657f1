/**
 * Lambda entry of the inbound rule on the province's bus: a partner province's cross-province
 * event (forwarded by the partner's rule), verified and recognised or recorded as rejected.
 * A thrown error makes Lambda retry and finally dead-letter the event; the receiver deduplicates
 * by event id, so a redelivery is harmless.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { awsServices } from '../aws/compose.js';

const { partners } = awsServices();

export async function handler(event: EventBridgeEvent<string, unknown>): Promise<unknown> {
  return partners.receive(event);
}

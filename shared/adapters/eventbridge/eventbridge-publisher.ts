import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import type { DomainEvent, EventPublisher } from '../../ports/runtime.js';

/** PutEvents accepts at most 10 entries per call. */
export const PUT_EVENTS_BATCH = 10;

export interface EventBridgePublisherOptions {
  client: Pick<EventBridgeClient, 'send'>;
  busName: string;
  /** how many times entries that EventBridge rejected are sent again before giving up */
  maxRetries?: number;
  /** first backoff in ms; doubled per retry, with jitter */
  baseDelayMs?: number;
  /** injectable for tests */
  sleep?: (ms: number) => Promise<void>;
}

/** Raised when some events could not be published after every retry; lists what failed and why. */
export class EventPublishError extends Error {
  constructor(readonly failures: { eventId: string; code: string; message: string }[]) {
    super(
      `EventBridge rejected ${failures.length} event(s): ${failures
        .map((f) => `${f.eventId} ${f.code}${f.message ? ` (${f.message})` : ''}`)
        .join('; ')}`,
    );
    this.name = 'EventPublishError';
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Publishes domain events to the province's bus. The EventBridge `source` is
 * `green-channel.${event.source}` (the province), the detail type is the event type and the detail
 * is the whole event, so a receiver can verify and deduplicate it by id.
 *
 * PutEvents is not all-or-nothing: a call can succeed while some entries fail (throttling, internal
 * errors). Only those entries are retried, with backoff; SDK-level errors are already retried by
 * the client itself.
 */
export class EventBridgePublisher implements EventPublisher {
  private readonly client: Pick<EventBridgeClient, 'send'>;
  private readonly busName: string;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: EventBridgePublisherOptions) {
    this.client = options.client;
    this.busName = options.busName;
    this.maxRetries = options.maxRetries ?? 3;
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.sleep = options.sleep ?? defaultSleep;
  }

  async publish(events: DomainEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += PUT_EVENTS_BATCH) {
      await this.publishBatch(events.slice(i, i + PUT_EVENTS_BATCH));
    }
  }

  toEntry(event: DomainEvent): PutEventsRequestEntry {
    const time = new Date(event.time);
    return {
      EventBusName: this.busName,
      Source: `green-channel.${event.source}`,
      DetailType: event.type,
      Detail: JSON.stringify(event),
      ...(Number.isNaN(time.getTime()) ? {} : { Time: time }),
    };
  }

  private async publishBatch(batch: DomainEvent[]): Promise<void> {
    let pending = batch;
    let failures: { event: DomainEvent; result: PutEventsResultEntry | undefined }[] = [];
    for (let attempt = 0; ; attempt++) {
      const out = await this.client.send(
        new PutEventsCommand({ Entries: pending.map((e) => this.toEntry(e)) }),
      );
      if (!out.FailedEntryCount) return;
      // Result entries are in request order; a failed one carries an ErrorCode instead of an EventId.
      failures = pending
        .map((event, i) => ({ event, result: out.Entries?.[i] }))
        .filter(({ result }) => !result || result.ErrorCode !== undefined || !result.EventId);
      if (failures.length === 0) return;
      if (attempt >= this.maxRetries) break;
      pending = failures.map((f) => f.event);
      const backoff = this.baseDelayMs * 2 ** attempt;
      await this.sleep(backoff / 2 + Math.random() * (backoff / 2));
    }
    throw new EventPublishError(
      failures.map(({ event, result }) => ({
        eventId: event.id,
        code: result?.ErrorCode ?? 'Unknown',
        message: result?.ErrorMessage ?? '',
      })),
    );
  }
}

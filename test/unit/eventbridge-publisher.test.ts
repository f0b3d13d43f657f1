import type { PutEventsCommand, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import {
  EventBridgePublisher,
  EventPublishError,
} from '../../shared/adapters/eventbridge/eventbridge-publisher.js';
import type { DomainEvent } from '../../shared/ports/runtime.js';

const event = (n: number): DomainEvent => ({
  id: `E-${n}`,
  type: 'CaseAccepted',
  version: 1,
  source: 'JS',
  time: '2026-05-06T08:00:00.000Z',
  subject: `C-${n}`,
  data: { n },
});

type Entry = NonNullable<PutEventsCommand['input']['Entries']>[number];

/** A fake client: `respond` decides, per call, which entries fail. */
function fakeClient(respond: (entries: Entry[], call: number) => PutEventsResultEntry[]) {
  const calls: Entry[][] = [];
  return {
    calls,
    client: {
      async send(command: PutEventsCommand) {
        const entries = command.input.Entries ?? [];
        calls.push(entries);
        const results = respond(entries, calls.length - 1);
        return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
      },
    } as never,
  };
}

const ok = (entries: Entry[]) => entries.map((_, i) => ({ EventId: `eb-${i}` }));
const noSleep = async () => {};

describe('EventBridgePublisher', () => {
  it('maps a domain event to one PutEvents entry on the bus', async () => {
    const fake = fakeClient(ok);
    await new EventBridgePublisher({ client: fake.client, busName: 'green-channel-JS' }).publish([event(1)]);
    expect(fake.calls).toHaveLength(1);
    const [entry] = fake.calls[0]!;
    expect(entry).toMatchObject({
      EventBusName: 'green-channel-JS',
      Source: 'green-channel.JS',
      DetailType: 'CaseAccepted',
      Time: new Date('2026-05-06T08:00:00.000Z'),
    });
    expect(JSON.parse(entry!.Detail!)).toEqual(event(1));
  });

  it('sends at most 10 entries per call, in order', async () => {
    const fake = fakeClient(ok);
    const events = Array.from({ length: 23 }, (_, i) => event(i));
    await new EventBridgePublisher({ client: fake.client, busName: 'b' }).publish(events);
    expect(fake.calls.map((c) => c.length)).toEqual([10, 10, 3]);
    const ids = fake.calls.flat().map((e) => JSON.parse(e.Detail!).id);
    expect(ids).toEqual(events.map((e) => e.id));
  });

  it('does not call EventBridge for no events', async () => {
    const fake = fakeClient(ok);
    await new EventBridgePublisher({ client: fake.client, busName: 'b' }).publish([]);
    expect(fake.calls).toHaveLength(0);
  });

  it('retries only the failed entries, with growing backoff', async () => {
    const sleeps: number[] = [];
    const fake = fakeClient((entries, call) =>
      entries.map((e, i) =>
        // E-1 fails twice, E-3 once; the rest pass at once.
        (JSON.parse(e.Detail!).id === 'E-1' && call < 2) || (JSON.parse(e.Detail!).id === 'E-3' && call < 1)
          ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }
          : { EventId: `eb-${call}-${i}` },
      ),
    );
    const publisher = new EventBridgePublisher({
      client: fake.client,
      busName: 'b',
      baseDelayMs: 100,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    await publisher.publish([event(0), event(1), event(2), event(3)]);
    expect(fake.calls.map((c) => c.map((e) => JSON.parse(e.Detail!).id))).toEqual([
      ['E-0', 'E-1', 'E-2', 'E-3'],
      ['E-1', 'E-3'],
      ['E-1'],
    ]);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(50);
    expect(sleeps[0]).toBeLessThanOrEqual(100);
    expect(sleeps[1]).toBeGreaterThanOrEqual(100);
    expect(sleeps[1]).toBeLessThanOrEqual(200);
  });

  it('throws naming the events that still fail after every retry', async () => {
    const fake = fakeClient((entries) =>
      entries.map((e) =>
        JSON.parse(e.Detail!).id === 'E-2'
          ? { ErrorCode: 'InternalFailure', ErrorMessage: 'boom' }
          : { EventId: 'x' },
      ),
    );
    const publisher = new EventBridgePublisher({
      client: fake.client,
      busName: 'b',
      maxRetries: 2,
      sleep: noSleep,
    });
    const error = await publisher.publish([event(1), event(2)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventPublishError);
    expect((error as EventPublishError).failures).toEqual([
      { eventId: 'E-2', code: 'InternalFailure', message: 'boom' },
    ]);
    expect(fake.calls).toHaveLength(3);
  });

  it('propagates an error of the call itself (the SDK has retried already)', async () => {
    const client = {
      async send() {
        throw new Error('AccessDeniedException');
      },
    } as never;
    await expect(
      new EventBridgePublisher({ client, busName: 'b', sleep: noSleep }).publish([event(1)]),
    ).rejects.toThrow('AccessDeniedException');
  });
});

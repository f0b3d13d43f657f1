import { afterEach, describe, expect, it } from 'vitest';
import { toBusEvent } from '../../shared/adapters/local-bus/local-event-bus.js';
import {
  verifyWebhookSignature,
  WEBHOOK_EVENT_TYPES,
  webhookSignature,
  webhookTarget,
} from '../../shared/adapters/webhook/webhook-target.js';
import { eventSource } from '../../shared/domain/cross-province-rules.js';
import { newNotification, notificationChange } from '../../shared/services/notifications.js';
import { commit, relayIdle, relayOutbox } from '../../shared/services/unit-of-work.js';
import { type Harness, makeHarness } from '../support/province-harness.js';
import { webhookReceiver } from '../support/webhook-receiver.js';

const SECRET = 'test-webhook-secret';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((f) => f()));
});

describe('webhook signatures', () => {
  const body = JSON.stringify({ id: 'JS:E-1', 'detail-type': 'NotificationCreated' });
  const now = new Date('2026-03-02T04:00:00Z');
  const ts = String(Math.floor(now.getTime() / 1000));

  it('verify for the right secret, body and time only', () => {
    const sig = webhookSignature(SECRET, ts, body);
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(SECRET, ts, body, sig, now)).toBe(true);
    expect(verifyWebhookSignature(SECRET, ts, body.replace('E-1', 'E-2'), sig, now)).toBe(false);
    expect(verifyWebhookSignature('other-secret', ts, body, sig, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, String(Number(ts) + 1), body, sig, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, ts, body, undefined, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, ts, body, 'sha256=00', now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, 'abc', body, sig, now)).toBe(false);
    // five minutes of tolerance either way
    expect(verifyWebhookSignature(SECRET, ts, body, sig, now.getTime() + 299_000)).toBe(true);
    expect(verifyWebhookSignature(SECRET, ts, body, sig, now.getTime() + 301_000)).toBe(false);
    expect(verifyWebhookSignature(SECRET, ts, body, sig, now.getTime() - 301_000)).toBe(false);
  });

  it('a fake fetch sees the signed event; a timeout or network error throws', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const target = webhookTarget({
      url: 'https://receiver.example/hook',
      secret: SECRET,
      now: () => now,
      fetchImpl: async (url, init) => {
        calls.push({ url: String(url), init: init! });
        return new Response(null, { status: 204 });
      },
    });
    const event = toBusEvent({
      id: 'JS:E-1',
      type: 'NotificationCreated',
      version: 1,
      source: 'JS',
      time: now.toISOString(),
      subject: 'notification/N-1',
      data: { address: 'dept:nrp' },
    });
    await target(event);
    const headers = calls[0]!.init.headers as Record<string, string>;
    expect(headers['x-gc-timestamp']).toBe(ts);
    expect(
      verifyWebhookSignature(SECRET, ts, calls[0]!.init.body as string, headers['x-gc-signature'], now),
    ).toBe(true);
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual(event);

    const failing = webhookTarget({
      url: 'https://receiver.example/hook',
      secret: SECRET,
      fetchImpl: async () => {
        throw new TypeError('fetch failed');
      },
    });
    await expect(failing(event)).rejects.toThrow(/unreachable/);
    const slow = webhookTarget({
      url: 'https://receiver.example/hook',
      secret: SECRET,
      timeoutMs: 20,
      fetchImpl: (_url, init) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
        ),
    });
    await expect(slow(event)).rejects.toThrow(/unreachable/);
  });
});

describe('webhook delivery through the bus and the outbox', () => {
  it('a 500 keeps the notice in the outbox; a later 200 delivers it, signed', async () => {
    const hook = await webhookReceiver(500);
    cleanups.push(hook.close);
    const h: Harness = makeHarness();
    cleanups.push(() => h.stop());
    const deps = h.services.deps;
    h.bus.addRule(
      'webhook',
      { source: [eventSource(deps.province.code)], 'detail-type': [...WEBHOOK_EVENT_TYPES] },
      webhookTarget({ url: hook.url, secret: SECRET, now: () => h.clock.now() }),
    );
    const n = newNotification(deps, 'dept:nrp', {
      type: 'itemOverdue',
      titleZh: '红灯超期',
      bodyZh: '请立即办理',
    });

    // the bus throws while the receiver fails, so the outbox keeps the event
    await commit(deps, undefined, [notificationChange(n)]);
    await relayIdle(deps);
    expect(hook.received).toHaveLength(1);
    const [pending] = await h.store.dueOutbox('9999-12-31T00:00:00Z', 10);
    expect(pending).toMatchObject({ attempts: 1, lastError: expect.stringMatching(/500/) });
    await expect(h.bus.publish([pending!.event as never])).rejects.toThrow(/webhook: .*500/);

    hook.state.status = 200;
    h.clock.setDate('2026-03-03'); // past the backoff
    expect(await relayOutbox(deps)).toEqual({ published: 1, failed: 0 });
    expect(await h.store.dueOutbox('9999-12-31T00:00:00Z', 10)).toEqual([]);

    const delivered = hook.received[hook.received.length - 1]!;
    const ts = delivered.headers['x-gc-timestamp'] as string;
    const sig = delivered.headers['x-gc-signature'] as string;
    expect(verifyWebhookSignature(SECRET, ts, delivered.body, sig, h.clock.now())).toBe(true);
    expect(
      verifyWebhookSignature(SECRET, ts, delivered.body.replace('dept:nrp', 'dept:eco'), sig, h.clock.now()),
    ).toBe(false);
    const event = JSON.parse(delivered.body);
    expect(event).toMatchObject({
      'detail-type': 'NotificationCreated',
      detail: { subject: `notification/${n.id}`, data: { notificationId: n.id, address: 'dept:nrp' } },
    });
    expect(delivered.headers['x-gc-event-id']).toBe(event.id);
  });
});

import type { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsDeps } from '../../functions/aws/compose.js';
import { withWebhooks } from '../../functions/aws/webhooks.js';
import { SqliteStore } from '../../shared/adapters/sqlite/sqlite-store.js';
import { verifyWebhookSignature } from '../../shared/adapters/webhook/webhook-target.js';
import type { DomainEvent, EventPublisher } from '../../shared/ports/runtime.js';
import type { Deps } from '../../shared/services/deps.js';
import { createServices } from '../../shared/services/index.js';
import { AWS_ENV as BASE_AWS_ENV } from '../support/aws-env.js';
import { newSigner, TestClock } from '../support/province-harness.js';
import { webhookReceiver } from '../support/webhook-receiver.js';

/**
 * Webhooks on AWS (issue 11, item 6): the relay function's composition (createAwsDeps + the
 * webhook wiring) sends the scheduled reports' notices to the working group's webhook, with the
 * signing secret and the token-bearing URL read from Secrets Manager, and nothing left running.
 */

const SECRET_ARN =
  'arn:aws-cn:secretsmanager:cn-north-1:111111111111:secret:green-channel/JS/webhooks-AbCdEf';
const SIGNING_SECRET = 'generated-by-secrets-manager-0123456789';
const AWS_ENV = {
  ...BASE_AWS_ENV,
  // what infra/constructs/webhook-secret.ts sets on the relay: the URL is in the secret
  WEBHOOKS: JSON.stringify([{ name: 'working-group' }]),
  WEBHOOK_SECRET_ARN: SECRET_ARN,
};

class RecordingBus implements EventPublisher {
  readonly published: DomainEvent[] = [];
  async publish(events: DomainEvent[]) {
    this.published.push(...events);
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0)) await f();
});

async function receiver() {
  const hook = await webhookReceiver();
  cleanups.push(hook.close);
  return hook;
}

async function awsRelay(hookUrl: string) {
  const secretReads: string[] = [];
  const secretsClient = {
    async send(command: GetSecretValueCommand) {
      secretReads.push(String(command.input.SecretId));
      return {
        SecretString: JSON.stringify({ signingSecret: SIGNING_SECRET, urls: { 'working-group': hookUrl } }),
      };
    },
  } as never;
  const store = SqliteStore.open(':memory:');
  cleanups.push(() => store.close());
  const bus = new RecordingBus();
  const clock = new TestClock('2026-11-23'); // a Monday: the weekly list and November's bulletin are due
  const deps: Deps = {
    ...createAwsDeps(AWS_ENV),
    store,
    // the publisher createAwsDeps builds, around a recording bus and a fake Secrets Manager client
    events: withWebhooks(bus, AWS_ENV, 'JS', { secretsClient }),
    signer: newSigner(),
    clock,
  };
  return { services: createServices(deps), store, bus, secretReads, clock };
}

describe('webhooks on AWS', () => {
  it('the sweeper records the scheduled reports; the relay sends their notices to the bus and the working group webhook', async () => {
    const hook = await receiver();
    const aws = await awsRelay(`${hook.url}?key=gateway-token`);

    const sweep = await aws.services.sweep();
    expect(sweep.reportsSent).toEqual(['weeklyDispatch:2026-11-23', 'monthlyBulletin:2026-10']);
    // nothing is sent by the sweep itself (relay: 'none'): the notices wait in the outbox
    expect(hook.received).toEqual([]);
    expect(aws.secretReads).toEqual([]);

    const relayed = await aws.services.relayOutbox();
    expect(relayed.failed).toBe(0);
    const notices = hook.received.map((r) => JSON.parse(r.body));
    expect(notices.map((n) => n.detail.data.titleZh).sort()).toEqual(
      ['周调度清单（2026-11-23 周）', '月通报（2026-10）'].sort(),
    );
    for (const r of hook.received) {
      expect(r.headers['x-gc-event-type']).toBe('NotificationCreated');
      const ok = verifyWebhookSignature(
        SIGNING_SECRET,
        String(r.headers['x-gc-timestamp']),
        r.body,
        r.headers['x-gc-signature'] as string,
      );
      expect(ok, 'signed with the secret from Secrets Manager').toBe(true);
    }
    // the bus got every event (the webhook only the notices), and the secret was read once
    expect(aws.bus.published.filter((e) => e.type === 'NotificationCreated')).toHaveLength(2);
    expect(aws.secretReads).toEqual([SECRET_ARN]);
    expect(await aws.store.dueOutbox(new Date(Date.now() + 86_400_000).toISOString(), 100)).toEqual([]);
  });

  it('a webhook that is down keeps the notice in the outbox, without its token in the recorded error', async () => {
    const hook = await receiver();
    hook.state.status = 503;
    const aws = await awsRelay(`${hook.url}?key=gateway-token`);
    await aws.services.sweep();

    const first = await aws.services.relayOutbox();
    expect(first.failed).toBe(2);
    const waiting = await aws.store.dueOutbox(new Date(Date.now() + 86_400_000).toISOString(), 100);
    expect(waiting.filter((m) => (m.event as DomainEvent).type === 'NotificationCreated')).toHaveLength(2);
    for (const m of waiting) {
      expect(m.lastError).toContain('answered 503');
      expect(m.lastError).not.toContain('gateway-token');
    }

    // back up: the retry (once the backoff is over) delivers them
    hook.state.status = 204;
    aws.clock.setDate('2026-11-24');
    const retry = await aws.services.relayOutbox();
    expect(retry).toEqual({ published: 2, failed: 0 });
    expect(hook.received.filter((r) => r.headers['x-gc-event-type'] === 'NotificationCreated')).toHaveLength(
      4,
    );
    expect(aws.secretReads).toHaveLength(1);
  });

  it('createAwsDeps refuses half a webhook configuration, naming what is missing', () => {
    const { WEBHOOK_SECRET_ARN: _, ...noSecret } = AWS_ENV;
    expect(() => createAwsDeps(noSecret)).toThrow(/WEBHOOK_SECRET_ARN/);
    const { WEBHOOKS: __, ...noList } = AWS_ENV;
    expect(() => createAwsDeps(noList)).toThrow(/WEBHOOKS/);
  });
});

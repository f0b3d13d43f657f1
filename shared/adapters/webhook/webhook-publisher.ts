/**
 * Webhooks where there is no in-process bus (AWS): the publisher the outbox relay uses hands each
 * event to the province's bus and then to every configured webhook whose event types match, exactly
 * as the local bus's webhook rule does (same pattern, same signed POST: webhook-target.ts). A webhook
 * that fails makes the publish fail, so the outbox keeps the message and publishes it again with
 * backoff; receivers deduplicate by `x-gc-event-id` (the bus copy may go out twice as well, which its
 * receivers already tolerate).
 *
 * Configuration comes in two parts: the list of webhooks (WEBHOOKS, set by the stack from the
 * deployment config) and the secret (AWS Secrets Manager): the signing secret, and the URL of any
 * webhook whose URL is itself a credential (a messaging gateway's `?key=` token), which then stays
 * out of the template and the function's environment.
 */
import { z } from 'zod';
import { type BusTarget, eventSource, toBusEvent } from '../../domain/cross-province-rules.js';
import { type EventPattern, matchesPattern } from '../../domain/event-pattern.js';
import type { DomainEvent, EventPublisher } from '../../ports/runtime.js';
import { WEBHOOK_EVENT_TYPES, webhookTarget } from './webhook-target.js';

const webhookName = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'lowercase letters, digits and -');
const httpUrl = z.url({ protocol: /^https?$/ });

/** One webhook as the WEBHOOKS variable lists it; `url` is absent when the secret holds it. */
export const webhookSpecSchema = z.strictObject({
  name: webhookName,
  url: httpUrl.optional(),
  events: z.array(z.string().min(1)).min(1).optional(),
});
export type WebhookSpec = z.infer<typeof webhookSpecSchema>;

/** The secret's JSON: the stack generates `signingSecret`; operators may add `urls.<name>`. */
export const webhookSecretSchema = z.object({
  signingSecret: z.string().min(16, 'signingSecret must be at least 16 characters'),
  urls: z.record(webhookName, httpUrl).optional(),
});

export function parseWebhooksEnv(text: string): WebhookSpec[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('WEBHOOKS is not valid JSON');
  }
  const parsed = z.array(webhookSpecSchema).safeParse(raw);
  if (!parsed.success) throw new Error(`WEBHOOKS is malformed: ${parsed.error.message}`);
  const names = parsed.data.map((w) => w.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`WEBHOOKS names ${dup} twice`);
  return parsed.data;
}

export interface ResolvedWebhook {
  name: string;
  url: string;
  secret: string;
  pattern: EventPattern;
}

/**
 * Each listed webhook with its URL (the secret's wins, so a token-bearing URL can replace a plain
 * one without a deployment) and the signing secret; a webhook with no URL anywhere is an error.
 */
export function resolveWebhooks(
  province: string,
  specs: WebhookSpec[],
  secretJson: unknown,
): ResolvedWebhook[] {
  const parsed = webhookSecretSchema.safeParse(secretJson);
  if (!parsed.success) throw new Error(`webhook secret is malformed: ${parsed.error.message}`);
  const { signingSecret, urls = {} } = parsed.data;
  return specs.map((spec) => {
    const url = urls[spec.name] ?? spec.url;
    if (!url)
      throw new Error(`webhook ${spec.name} has no URL (neither in WEBHOOKS nor in the secret's urls)`);
    return {
      name: spec.name,
      url,
      secret: signingSecret,
      // the local bus's webhook rule: this province's own events of the listed types
      pattern: {
        source: [eventSource(province)],
        'detail-type': [...(spec.events ?? WEBHOOK_EVENT_TYPES)],
      },
    };
  });
}

/** Publishes to `bus`, then POSTs each event to the webhooks whose pattern it matches. */
export class WebhookPublisher implements EventPublisher {
  private readonly hooks: { name: string; pattern: EventPattern; target: BusTarget }[];

  constructor(
    private readonly bus: EventPublisher,
    webhooks: ResolvedWebhook[],
    options: { fetchImpl?: typeof fetch; timeoutMs?: number } = {},
  ) {
    this.hooks = webhooks.map((w) => ({
      name: w.name,
      pattern: w.pattern,
      target: webhookTarget({ url: w.url, secret: w.secret, ...options }),
    }));
  }

  async publish(events: DomainEvent[]): Promise<void> {
    await this.bus.publish(events);
    const failures: string[] = [];
    for (const event of events) {
      const busEvent = toBusEvent(event);
      const matching = this.hooks.filter((h) => matchesPattern(h.pattern, busEvent));
      // awaited before publish returns: nothing may run after the Lambda's response
      const results = await Promise.allSettled(matching.map((h) => h.target(busEvent)));
      results.forEach((r, i) => {
        if (r.status === 'rejected')
          failures.push(
            `${matching[i]!.name}: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`,
          );
      });
    }
    if (failures.length > 0) throw new Error(`webhook delivery failed (${failures.join('; ')})`);
  }
}

/**
 * Outbound webhooks: a bus target that POSTs each matching event to a receiver's URL, signed with a
 * shared secret. A non-2xx answer, a network error or a timeout throws, so the bus reports the event
 * undelivered and the outbox publishes it again later with backoff: delivery is at least once, and
 * receivers deduplicate by `x-gc-event-id` (the event id, stable across retries).
 *
 * Signature: `x-gc-signature: sha256=<hex HMAC-SHA256(secret, "${x-gc-timestamp}.${body}")>`, the
 * timestamp in Unix seconds. Receivers check it with `verifyWebhookSignature`.
 *
 * Which events go out is the bus rule's pattern; locally the province runtime sends
 * 'NotificationCreated' (one per notice, on the notice's own stream) — see WEBHOOK_EVENT_TYPES.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { BusEvent, BusTarget } from '../../domain/cross-province-rules.js';

/** The event types a notification webhook carries by default. */
export const WEBHOOK_EVENT_TYPES = ['NotificationCreated'] as const;

/** How far a signed timestamp may be from the receiver's clock. */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;
const DEFAULT_TIMEOUT_MS = 10_000;

export interface WebhookTargetOptions {
  url: string;
  secret: string;
  /** for tests; defaults to the global fetch */
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  /** for tests; defaults to the system clock */
  now?: () => Date;
}

export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** A LocalEventBus target delivering each event it is given to the webhook receiver. */
export function webhookTarget(options: WebhookTargetOptions): BusTarget {
  if (!options.secret) throw new Error('webhook secret must not be empty');
  const doFetch = options.fetchImpl ?? fetch;
  const now = options.now ?? (() => new Date());
  const shown = redactedUrl(options.url);
  return async (event: BusEvent) => {
    const body = JSON.stringify(event);
    const timestamp = String(Math.floor(now().getTime() / 1000));
    let response: Response;
    try {
      response = await doFetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-gc-event-id': event.id,
          'x-gc-event-type': event['detail-type'],
          'x-gc-timestamp': timestamp,
          'x-gc-signature': webhookSignature(options.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (err) {
      throw new Error(`webhook ${shown} unreachable: ${err instanceof Error ? err.message : String(err)}`);
    }
    // drain the body so the connection can be reused
    await response.arrayBuffer().catch(() => undefined);
    if (response.status < 200 || response.status > 299) {
      throw new Error(`webhook ${shown} answered ${response.status}`);
    }
  };
}

/**
 * The URL as errors name it (they end up in logs and in the outbox's last error): without its query
 * or credentials, since a gateway's URL token (`?key=...`) is as good as the secret.
 */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '(invalid url)';
  }
}

/**
 * For receivers: whether `header` is the signature of `body` sent at `timestamp` (Unix seconds),
 * within five minutes of `now`. Constant-time comparison; any malformed input is simply false.
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string,
  body: string,
  header: string | undefined,
  now: Date | number = Date.now(),
): boolean {
  if (!header || !/^\d{1,12}$/.test(timestamp)) return false;
  const nowSeconds = Math.floor((typeof now === 'number' ? now : now.getTime()) / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > WEBHOOK_TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(webhookSignature(secret, timestamp, body));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

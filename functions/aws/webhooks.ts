/**
 * Webhooks on AWS: when the stack configured any (WEBHOOKS and WEBHOOK_SECRET_ARN, set on the outbox
 * relay only, infra/constructs/webhook-secret.ts), the bus publisher is wrapped so each published
 * event also goes to the matching webhooks. The wrapper is a lazy port: Secrets Manager's client, the
 * secret and the webhook code are loaded by the first publish, once per execution environment, so
 * the other functions never load them and a relay cold start pays one GetSecretValue.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { EventPublisher } from '../../shared/ports/runtime.js';
import { lazyPort } from './lazy.js';
import { traced } from './observability.js';

type Env = Record<string, string | undefined>;

export interface WebhookWiring {
  /** for tests: a stand-in for the Secrets Manager client */
  secretsClient?: Pick<SecretsManagerClient, 'send'>;
  fetchImpl?: typeof fetch;
}

/** `events` itself when no webhook is configured; otherwise `events` followed by the webhooks. */
export function withWebhooks(
  events: EventPublisher,
  env: Env,
  province: string,
  wiring: WebhookWiring = {},
): EventPublisher {
  const list = env.WEBHOOKS;
  const secretArn = env.WEBHOOK_SECRET_ARN;
  if (!list && !secretArn) return events;
  if (!list || !secretArn)
    throw new Error(`missing environment variable(s): ${!list ? 'WEBHOOKS' : 'WEBHOOK_SECRET_ARN'}`);
  return lazyPort(async () => {
    const [{ SecretsManagerClient }, { SecretsManagerSecret }, webhooks] = await Promise.all([
      import('@aws-sdk/client-secrets-manager'),
      import('../../shared/adapters/secrets/secrets-manager-secret.js'),
      import('../../shared/adapters/webhook/webhook-publisher.js'),
    ]);
    const specs = webhooks.parseWebhooksEnv(list);
    const secret = new SecretsManagerSecret({
      client: wiring.secretsClient ?? traced(new SecretsManagerClient({})),
      secretId: secretArn,
    });
    const resolved = webhooks.resolveWebhooks(province, specs, await secret.json());
    return new webhooks.WebhookPublisher(events, resolved, {
      ...(wiring.fetchImpl ? { fetchImpl: wiring.fetchImpl } : {}),
    });
  });
}

import { RemovalPolicy } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { ProvinceDeployment } from '../config.js';

export interface WebhookSecretProps {
  province: string;
  webhooks: ProvinceDeployment['webhooks'];
}

/**
 * The province's outbound webhooks: the list (URLs without tokens, event types) travels in the
 * WEBHOOKS variable, the credentials in a Secrets Manager secret the stack creates with a generated
 * `signingSecret` (HMAC key of `x-gc-signature`, shared with the receivers). A URL that is itself
 * a credential is added to the secret as `urls.<name>` by the operator, never to the template.
 * Only the function that publishes events (the outbox relay) reads it (functions/aws/webhooks.ts).
 */
export class WebhookSecret extends Construct {
  readonly secret: Secret;
  /** the variables the publishing function needs */
  readonly environment: Record<string, string>;

  constructor(scope: Construct, id: string, props: WebhookSecretProps) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      secretName: `green-channel/${props.province}/webhooks`,
      description: `green-channel ${props.province}: webhook signing secret (signingSecret) and token-bearing URLs (urls.<name>)`,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({}),
        generateStringKey: 'signingSecret',
        passwordLength: 48,
        // the receivers configure it by hand: letters and digits only, nothing to escape
        excludePunctuation: true,
      },
      // receivers hold a copy: a redeployment must not silently replace it
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.environment = {
      WEBHOOKS: JSON.stringify(
        props.webhooks.map((w) => ({
          name: w.name,
          ...(w.url ? { url: w.url } : {}),
          ...(w.events ? { events: w.events } : {}),
        })),
      ),
      WEBHOOK_SECRET_ARN: this.secret.secretArn,
    };
  }

  grantRead(grantee: IGrantable): void {
    this.secret.grantRead(grantee);
  }
}

import { Duration } from 'aws-cdk-lib';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { inboundPattern } from '../../shared/domain/cross-province-rules.js';
import { AppFunction } from './lambda.js';

export interface PartnerReceiverProps {
  province: string;
  bus: IEventBus;
  /** codes of the configured partner provinces (at least one) */
  partners: string[];
  environment: Record<string, string>;
}

/**
 * Receives the partners' cross-province events from this province's bus: verifies each signature,
 * recognises what is valid and records what is not (partners.receive). Delivery is at least once
 * and the receiver deduplicates by event id, so retries are safe. What fails every attempt, in
 * EventBridge (delivery) or in Lambda (the function threw), lands in one dead-letter queue.
 */
export class PartnerReceiver extends Construct {
  readonly handler: IFunction;
  readonly rule: Rule;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: PartnerReceiverProps) {
    super(scope, id);
    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const maxEventAge = Duration.hours(6);
    const fn = new AppFunction(this, 'Handler', {
      entry: 'functions/lambda/partner-events.ts',
      description: `green-channel ${props.province}: partner province events`,
      environment: props.environment,
      // may fetch a partner's public key from its API before verifying
      timeout: Duration.seconds(30),
      async: { retryAttempts: 2, maxEventAge, deadLetterQueue: this.deadLetters },
    });
    this.handler = fn.fn;
    this.rule = new Rule(this, 'Inbound', {
      eventBus: props.bus,
      description: `green-channel ${props.province}: cross-province events from ${props.partners.join(', ')}`,
      eventPattern: inboundPattern(props.partners),
      targets: [
        new LambdaFunction(fn.fn, {
          retryAttempts: 8,
          maxEventAge,
          deadLetterQueue: this.deadLetters,
        }),
      ],
    });
  }
}

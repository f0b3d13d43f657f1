import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { AppFunction } from './lambda.js';

export interface OutboxRelayProps {
  province: string;
  environment: Record<string, string>;
}

/**
 * Publishes what the transactional outbox still holds. The API relays right after each commit;
 * this schedule catches whatever that left behind (a timeout, a throttled PutEvents, a crash).
 * Receivers deduplicate by event id, so an event published twice by overlapping runs is harmless.
 */
export class OutboxRelay extends Construct {
  readonly handler: IFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: OutboxRelayProps) {
    super(scope, id);
    const every = Duration.minutes(1);
    const fn = new AppFunction(this, 'Handler', {
      entry: 'functions/lambda/outbox-relay.ts',
      description: `green-channel ${props.province}: outbox relay`,
      environment: props.environment,
      // Done before the next tick, so runs rarely overlap.
      timeout: Duration.seconds(50),
      memorySize: 256,
    });
    this.handler = fn.fn;
    this.rule = new Rule(this, 'Schedule', {
      description: `green-channel ${props.province}: relay the outbox every minute`,
      schedule: Schedule.rate(every),
      // The next tick covers a missed one; the messages wait in the store, not in the event.
      targets: [new LambdaFunction(fn.fn, { retryAttempts: 0, maxEventAge: Duration.seconds(60) })],
    });
  }
}

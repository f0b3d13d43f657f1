import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { FilterCriteria, FilterRule, type IFunction, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AppFunction } from './lambda.js';

export interface OutboxRelayProps {
  province: string;
  environment: Record<string, string>;
  /** the province's table, with its stream enabled (DataTable) */
  table: ITable;
}

/**
 * Publishes what the transactional outbox holds. Nothing runs after a Lambda's response (the
 * environment is frozen), so commits do not publish themselves on AWS: the table's stream invokes
 * this function when outbox items are inserted — filtered, so the province's other writes never
 * invoke it — and a one-minute schedule catches whatever the stream path left (a throttled
 * PutEvents rescheduled with backoff, a failed batch). The function drains whatever is due either
 * way; receivers deduplicate by event id, so an event published twice by overlapping runs is harmless.
 */
export class OutboxRelay extends Construct {
  readonly handler: IFunction;
  readonly rule: Rule;
  /**
   * Stream batches that failed every retry. The messages themselves stay in the outbox (the relay
   * deletes only what it published), so the schedule still publishes them; this records the failure.
   */
  readonly streamFailures: IQueue;

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
      description: `green-channel ${props.province}: relay the outbox every minute (safety net of the stream)`,
      schedule: Schedule.rate(every),
      // The next tick covers a missed one; the messages wait in the store, not in the event.
      targets: [new LambdaFunction(fn.fn, { retryAttempts: 0, maxEventAge: Duration.seconds(60) })],
    });

    this.streamFailures = new Queue(this, 'StreamFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    fn.fn.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.LATEST,
        // Only new outbox items (pk `OUTBOX#<id>`, shared/adapters/dynamodb/table-design.ts): not
        // their rescheduling (MODIFY) or deletion (REMOVE), nor any other item of the table.
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('INSERT'),
            dynamodb: { Keys: { pk: { S: FilterRule.beginsWith('OUTBOX#') } } },
          }),
        ],
        // One commit writes a few messages at once; no batching window, so delivery waits for nothing.
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(0),
        bisectBatchOnError: true,
        retryAttempts: 2,
        maxRecordAge: Duration.hours(1),
        onFailure: new SqsDlq(this.streamFailures),
      }),
    );
  }
}

import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { Function as AppLambda, IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { AppFunction } from './lambda.js';

export interface SweeperProps {
  province: string;
  environment: Record<string, string>;
  /** how often deadlines, lamps and escalations are recomputed */
  every?: Duration;
}

/**
 * The deadline sweeper on a schedule. An EventBridge rule, not EventBridge Scheduler: rules with
 * rate schedules exist in both partitions, and a fixed rate needs nothing more.
 */
export class Sweeper extends Construct {
  readonly handler: IFunction;
  /** the function itself, to add environment variables */
  readonly fn: AppLambda;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: SweeperProps) {
    super(scope, id);
    const every = props.every ?? Duration.minutes(5);
    const fn = new AppFunction(this, 'Handler', {
      entry: 'functions/lambda/sweeper.ts',
      description: `green-channel ${props.province}: deadline sweeper`,
      environment: props.environment,
      // Finish well before the next tick so two sweeps rarely overlap (they are safe if they do:
      // every change is a compare-and-set on the expected version).
      timeout: Duration.seconds(Math.max(60, every.toSeconds() - 60)),
    });
    this.handler = fn.fn;
    this.fn = fn.fn;
    this.rule = new Rule(this, 'Schedule', {
      description: `green-channel ${props.province}: run the sweeper every ${every.toHumanString()}`,
      schedule: Schedule.rate(every),
      // A missed tick is covered by the next one; retrying an old tick would only pile up work.
      targets: [new LambdaFunction(fn.fn, { retryAttempts: 0, maxEventAge: every })],
    });
  }
}

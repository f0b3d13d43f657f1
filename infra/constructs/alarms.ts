import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface AlarmsProps {
  email: string;
  functions: Record<string, IFunction>;
  stateMachine: IStateMachine;
  /** dead-letter queues: any message in one is an event that was lost to its receiver */
  deadLetterQueues?: Record<string, IQueue>;
}

/** Operators hear about failing functions and workflows by mail; only built when an address is set. */
export class Alarms extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic');
    this.topic.addSubscription(new EmailSubscription(props.email));
    const action = new SnsAction(this.topic);

    const alarm = (name: string, metric: IMetric, description: string) => {
      new Alarm(this, name, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No invocations is the normal state of a quiet province, not an alarm.
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      }).addAlarmAction(action);
    };
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name}Errors`, fn.metricErrors({ period: Duration.minutes(5) }), `${name} Lambda errors`);
    }
    for (const [name, queue] of Object.entries(props.deadLetterQueues ?? {})) {
      alarm(
        `${name}DeadLetters`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        `${name}: events in the dead-letter queue`,
      );
    }
    alarm(
      'WorkflowFailed',
      props.stateMachine.metricFailed({ period: Duration.minutes(5) }),
      'stage-case executions failed',
    );
    alarm(
      'WorkflowTimedOut',
      props.stateMachine.metricTimedOut({ period: Duration.minutes(5) }),
      'stage-case executions timed out',
    );
  }
}

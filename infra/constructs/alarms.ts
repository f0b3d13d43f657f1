import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/**
 * Where the functions' EMF metrics land: the namespace and `service` dimension Powertools Metrics
 * writes them with (functions/aws/observability.ts; test/unit/observability.test.ts checks they agree).
 */
export const APP_METRICS = { namespace: 'GreenChannel', service: 'green-channel' } as const;

/** The outbox is behind when the oldest event a relay run published had waited this long. */
export const RELAY_LAG_THRESHOLD = Duration.minutes(5);
/** Server errors as a share of the API's requests (%), over five minutes … */
export const API_5XX_RATE_THRESHOLD = 5;
/** … once at least this many requests came in (one failed request of two is not an outage). */
export const API_5XX_MIN_REQUESTS = 20;

export interface AlarmsProps {
  email: string;
  /** the EMF metrics carry the province as a dimension */
  province: string;
  functions: Record<string, IFunction>;
  stateMachine: IStateMachine;
  /** the HTTP API whose share of 5xx answers is watched */
  httpApi?: IHttpApi;
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

    const alarm = (name: string, metric: IMetric, description: string, threshold = 1) => {
      new Alarm(this, name, {
        metric,
        threshold,
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

    const appMetric = (metricName: string, statistic: string, period: Duration) =>
      new Metric({
        namespace: APP_METRICS.namespace,
        metricName,
        dimensionsMap: { service: APP_METRICS.service, province: props.province },
        statistic,
        period,
      });
    // The stream relays within seconds and the schedule within a minute: minutes of lag mean the
    // bus or a partner keeps refusing, or the relay keeps failing.
    alarm(
      'RelayLag',
      appMetric('RelayLag', 'Maximum', Duration.minutes(5)),
      `outbox relay lag: an event waited ${RELAY_LAG_THRESHOLD.toMinutes()} minutes or more before it was published`,
      RELAY_LAG_THRESHOLD.toMilliseconds(),
    );
    // A message that never gets published shows no lag at all; its failed attempts do.
    alarm(
      'RelayFailures',
      appMetric('RelayFailures', 'Sum', Duration.minutes(15)),
      'outbox relay: 10 or more failed publish attempts in 15 minutes',
      10,
    );
    if (props.httpApi) {
      const period = Duration.minutes(5);
      alarm(
        'Api5xxRate',
        new MathExpression({
          expression: `IF(requests >= ${API_5XX_MIN_REQUESTS}, 100 * errors / requests, 0)`,
          usingMetrics: {
            errors: props.httpApi.metricServerError({ period, statistic: 'Sum' }),
            requests: props.httpApi.metricCount({ period, statistic: 'Sum' }),
          },
          period,
          label: 'API 5xx rate (%)',
        }),
        `API: ${API_5XX_RATE_THRESHOLD}% or more of the requests answered 5xx in 5 minutes`,
        API_5XX_RATE_THRESHOLD,
      );
    }
  }
}

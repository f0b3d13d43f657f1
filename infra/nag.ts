/**
 * The cdk-nag AwsSolutions findings this stack keeps on purpose, each acknowledged where it occurs
 * with the reason it stays (test/infra/nag.test.ts fails on any other). cdk-nag 3 reads these through
 * CDK's own `Validations.of(scope).acknowledge`; a finding naming a resource (IAM5) is acknowledged
 * with that resource's logical id, so a new wildcard elsewhere is still reported.
 */
import { type CfnElement, type IResource, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { ProvinceDeployment } from './config.js';
import type { ProvinceStack } from './province-stack.js';

const ack = (scope: IConstruct, id: string, reason: string) =>
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${id}`, reason });

/** `<LogicalId.Arn>` as cdk-nag names an Fn::GetAtt Arn in a policy resource. */
const arnOf = (resource: IResource) => {
  const stack = Stack.of(resource);
  return `<${stack.resolve(stack.getLogicalId(resource.node.defaultChild as CfnElement))}.Arn>`;
};

export function acknowledgeNagFindings(stack: ProvinceStack, deployment: ProvinceDeployment): void {
  ack(
    stack,
    'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'The AWS-managed basic execution policy lets a function write its own CloudWatch Logs and nothing else; AWS keeps it in step with the service in both partitions, which a copy in this stack would not be.',
  );
  ack(
    stack,
    'IAM5[Resource::*]',
    'Only actions that take no resource-level permissions are granted on "*": X-Ray trace upload (xray:PutTraceSegments, PutTelemetryRecords, sampling), the Step Functions log-delivery set-up (logs:*LogDelivery*, resource policies) and dynamodb:ListStreams for the stream event source; test/infra/nag.test.ts checks that no other action is.',
  );
  ack(
    stack,
    `IAM5[Resource::${arnOf(stack.data.table)}/index/*]`,
    "The single table's own global secondary indexes: queries by index are how every service reads; no other table is named.",
  );
  ack(
    stack.workflow,
    `IAM5[Resource::${arnOf(stack.workflow.taskFunction)}:*]`,
    'The state machine may invoke versions and aliases of its own task function (lambda:InvokeFunction on <arn>:*), as CDK grants it; no other function.',
  );
  // S3: CDK's grant methods give action groups (s3:GetObject*, s3:List*, ...) on one bucket each.
  for (const action of ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:Abort*', 's3:DeleteObject*']) {
    ack(
      stack,
      `IAM5[Action::${action}]`,
      `CDK's bucket grants (read, put, the console deployment) use the ${action} action group, always on a bucket of this stack (or the CDK asset bucket for the deployment's source), never on every bucket.`,
    );
  }
  ack(
    stack,
    `IAM5[Resource::${arnOf(stack.materials.bucket)}/*]`,
    'Material content: the API reads and writes objects whose keys are content hashes it computes; a narrower prefix would name every object.',
  );
  ack(
    stack,
    `IAM5[Resource::${arnOf(stack.checkpoints.bucket)}/checkpoints/*]`,
    'Audit checkpoints: the sweeper appends and the API reads objects under checkpoints/ only; Object Lock keeps them immutable.',
  );
  ack(
    stack,
    `IAM5[Resource::${arnOf(stack.console.bucket)}/*]`,
    "The console's build output: the deployment writes it and the API serves it, every object of that bucket alike.",
  );
  ack(
    stack,
    `IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${stack.account}-${stack.region}/*]`,
    "The console deployment's custom resource reads its source archive from the CDK bootstrap asset bucket, whose object keys are asset hashes known only at synthesis.",
  );
  ack(
    stack,
    'L1',
    "The only function not on NODE_RUNTIME is CDK's BucketDeployment handler (console upload), whose runtime CDK chooses and updates with aws-cdk-lib.",
  );
  ack(
    stack.workflow.stateMachine,
    'SF1',
    "Execution errors are logged (level ERROR, with execution data) and every execution is traced with X-Ray; level ALL would copy each state's input and output, i.e. applicants' case data, into CloudWatch Logs, while Step Functions already keeps each execution's full history.",
  );
  ack(
    stack.api.httpApi.node.tryFindChild('DefaultRoute') ?? stack.api,
    'APIG4',
    "The API authorizes every route itself (functions/http/auth.ts): JWTs of the province's identity provider verified against its JWKS, partner routes by the partner's signature, 政务公开 routes public by law. An API Gateway authorizer could not express that mix and would verify tokens twice.",
  );
  // Dead-letter queues: they receive what failed; a queue for their own failures would never be read.
  for (const queue of [
    stack.events.forwardDeadLetters,
    stack.relay.streamFailures,
    stack.receiver?.deadLetters,
  ]) {
    if (queue)
      ack(
        queue,
        'SQS3',
        'This queue is itself a dead-letter destination (EventBridge target, stream event source or partner events), alarmed on depth; it needs no dead-letter queue of its own.',
      );
  }
  if (stack.webhooks)
    ack(
      stack.webhooks.secret,
      'SMG4',
      'The webhook signing secret is shared with the receivers, who must switch to a new value at the same moment; it is rotated by hand (README: Webhooks on AWS), not by a rotation Lambda that could not update the receivers.',
    );
  const cdn = stack.console.distribution;
  if (cdn) {
    ack(
      cdn,
      'CFR3',
      "CloudFront's standard logs need an ACL-enabled bucket; what it serves is logged at both origins instead: the API stage's access log and the console bucket's S3 server access log.",
    );
    const { domainName } = deployment.console;
    if (!domainName)
      ack(
        cdn,
        'CFR4',
        "Without console.domainName the distribution uses CloudFront's default *.cloudfront.net certificate, whose TLS policy CloudFront fixes; configure a domain and certificate to get TLSv1.2_2021.",
      );
    else if (deployment.partition === 'aws-cn')
      ack(
        cdn,
        'CFR4',
        'In aws-cn the viewer certificate (an IAM server certificate) is set by a property override with MinimumProtocolVersion TLSv1.2_2021, which cdk-nag does not see (infra/constructs/console-site.ts).',
      );
  }
  ack(
    stack.accessLogs.bucket,
    'S1',
    'This is the server access log bucket of the other buckets; logging it into itself would loop.',
  );
}

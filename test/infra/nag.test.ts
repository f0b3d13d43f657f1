import { App, type Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build.js';
import { parseDeployment, parseDeployments } from '../../infra/config.js';
import { defaultDeployments } from '../../infra/deployments.js';
import { ProvinceStack } from '../../infra/province-stack.js';

/**
 * cdk-nag's AwsSolutions pack over every shape of the province stack: the three default provinces
 * (partners, console served by the API), one with alarms and webhooks, and two provinces without
 * partners whose console is on CloudFront (default certificate; ICP-filed domain in aws-cn). An unacknowledged error fails; each acknowledgement
 * carries its reason (infra/nag.ts). cdk-nag 3 is a CDK policy-validation plugin; `validateScope`
 * runs it on the construct tree directly, as its documentation recommends for tests.
 */

type Report = ReturnType<AwsSolutionsChecks['validateScope']>;
type Violation = Report['violations'][number];

const noBundling = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });

const check = (app: App): Report => {
  app.synth();
  return new AwsSolutionsChecks(app).validateScope(app);
};

const describeViolations = (violations: Violation[]) =>
  violations.flatMap((v) =>
    v.violatingResources.map(
      (r) => `${v.severity} ${v.ruleName} at ${r.constructPath ?? r.resourceLogicalId}`,
    ),
  );

let app: App;
let report: Report;
let stacks: ProvinceStack[];

beforeAll(() => {
  app = noBundling();
  const deployments = parseDeployments(
    defaultDeployments.map((d) =>
      d.province === 'ZJ'
        ? { ...d, alarmEmail: 'ops@example.com', webhooks: [{ name: 'working-group' }] }
        : d,
    ),
  );
  stacks = buildApp(app, deployments);
  const hk = parseDeployment({
    province: 'AH',
    account: '333333333333',
    region: 'ap-east-1',
    identity: {
      jwksUrl: 'https://idp.ah.example/jwks.json',
      issuer: 'https://idp.ah.example/',
      audience: 'gc-AH',
    },
    console: { hosting: 'cloudfront' },
  });
  stacks.push(
    new ProvinceStack(app, 'green-channel-AH', {
      deployment: hk,
      env: { account: hk.account, region: hk.region },
    }),
  );
  // China: CloudFront on an ICP-filed domain with an IAM server certificate
  const cn = parseDeployment({
    province: 'AN',
    account: '444444444444',
    region: 'cn-northwest-1',
    identity: {
      jwksUrl: 'https://idp.an.example/jwks.json',
      issuer: 'https://idp.an.example/',
      audience: 'gc-AN',
    },
    console: {
      hosting: 'cloudfront',
      domainName: 'gc.an.example.cn',
      certificate: 'ASCAEXAMPLEIAMCERT',
      icpFiling: '皖ICP备12345678号',
    },
  });
  stacks.push(
    new ProvinceStack(app, 'green-channel-AN', {
      deployment: cn,
      env: { account: cn.account, region: cn.region },
    }),
  );
  report = check(app);
});

/** Every acknowledgement in the tree: [construct path, rule id, reason]. */
function acknowledgements(root: IConstruct): [string, string, string][] {
  return root.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) =>
          Object.entries(m.data as Record<string, string>).map(
            ([id, reason]) =>
              [c.node.path, id.replace(/^annotation::/i, ''), reason] as [string, string, string],
          ),
        ),
    );
}

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged error on any province stack', () => {
    const errors = report.violations.filter((v) => v.severity !== 'warning');
    expect(describeViolations(errors)).toEqual([]);
  });

  it('warns only about what the README lists (CloudFront without geo restriction or WAF)', () => {
    const warnings = report.violations.filter((v) => v.severity === 'warning');
    expect(describeViolations(warnings).sort()).toEqual([
      'warning AwsSolutions-CFR1 at green-channel-AH/Console/Cdn/Resource',
      'warning AwsSolutions-CFR1 at green-channel-AN/Console/Cdn/Resource',
      'warning AwsSolutions-CFR2 at green-channel-AH/Console/Cdn/Resource',
      'warning AwsSolutions-CFR2 at green-channel-AN/Console/Cdn/Resource',
    ]);
  });

  it('gives every acknowledgement a reason', () => {
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(10);
    for (const [path, id, reason] of acks) {
      expect(id, path).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(reason.length, `${id} at ${path}`).toBeGreaterThan(40);
    }
  });

  it('grants on "*" only actions without resource-level permissions (the IAM5 Resource::* acknowledgement)', () => {
    const allowed =
      /^(xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets)|logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)|dynamodb:ListStreams|cloudwatch:PutMetricData)$/;
    for (const stack of stacks) {
      const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
      for (const [id, policy] of Object.entries(policies)) {
        for (const s of policy.Properties.PolicyDocument.Statement as {
          Action: string | string[];
          Resource: unknown;
        }[]) {
          if (s.Resource !== '*' && !(Array.isArray(s.Resource) && s.Resource.includes('*'))) continue;
          for (const action of [s.Action].flat()) expect(action, `${stack.stackName} ${id}`).toMatch(allowed);
        }
      }
    }
  });

  it('logs S3 access of the material, checkpoint and console buckets', () => {
    const t = Template.fromStack(stacks[0]!);
    const buckets = Object.entries(t.findResources('AWS::S3::Bucket'));
    const logged = buckets.filter(([, b]) => b.Properties.LoggingConfiguration);
    expect(logged.map(([, b]) => b.Properties.LoggingConfiguration.LogFilePrefix).sort()).toEqual([
      'checkpoints/',
      'console/',
      'materials/',
    ]);
    // into the one bucket that is not logged itself, which the S3 logging service may write to
    const [logBucketId] = buckets.find(([, b]) => !b.Properties.LoggingConfiguration)!;
    for (const [, b] of logged)
      expect(b.Properties.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: logBucketId });
    const policy = Object.values(t.findResources('AWS::S3::BucketPolicy')).find(
      (p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: logBucketId }),
    );
    expect(JSON.stringify(policy)).toContain('logging.s3.amazonaws.com');
  });

  it('still catches a finding nobody acknowledged', () => {
    const probe = noBundling();
    const [js] = buildApp(probe, parseDeployments(defaultDeployments).slice(0, 1));
    new Queue(js as Stack, 'UnencryptedQueue');
    const errors = check(probe).violations.filter((v) => v.severity === 'error');
    const at = describeViolations(errors);
    expect(at).toContain('error AwsSolutions-SQS4 at green-channel-JS/UnencryptedQueue/Resource');
  });
});
